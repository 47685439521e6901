package admin

import (
	"fmt"
	"os"
)

// The package's test binary is also the crash/fault worker of its
// multi-process tests: it takes the hooks from the environment, as binaries
// built with the ohotfix_testhooks tag do.
func init() {
	h, err := envFaultHook()
	if err != nil {
		fmt.Fprintln(os.Stderr, err)
		os.Exit(2)
	}
	if h != nil {
		testHookFileOp = h
	}
}
