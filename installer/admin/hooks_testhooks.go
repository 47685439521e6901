//go:build ohotfix_testhooks

package admin

import (
	"fmt"
	"os"
)

// Binaries built with the ohotfix_testhooks tag (end-to-end tests) take the
// fault hooks from the environment (envhooks.go).
func init() {
	h, err := envFaultHook()
	if err != nil {
		fmt.Fprintln(os.Stderr, "ohotfix test hooks:", err)
		os.Exit(2)
	}
	if h != nil {
		testHookFileOp = h
	}
}
