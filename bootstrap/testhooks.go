//go:build ohotfix_testhooks

package bootstrap

import (
	"fmt"
	"os"
	"time"
)

// Test-only hooks, compiled in only with the ohotfix_testhooks build tag (the
// end-to-end tests build the binary so) and read from the environment, so
// that the tests can watch real processes.
//
//	OHOTFIX_TEST_APPLY_TRACE=FILE  append "enter PID UNIXNANO" when the apply
//	                               phase starts (lock held) and "leave …" when
//	                               it ends (before the lock is released)
//	OHOTFIX_TEST_APPLY_HOLD=DUR    stay in the apply phase that much longer
//	                               (e.g. 300ms), to make overlaps likely
func traceApply(event string) {
	path := os.Getenv("OHOTFIX_TEST_APPLY_TRACE")
	if path == "" {
		return
	}
	f, err := os.OpenFile(path, os.O_CREATE|os.O_WRONLY|os.O_APPEND, 0o644)
	if err != nil {
		return
	}
	fmt.Fprintf(f, "%s %d %d\n", event, os.Getpid(), time.Now().UnixNano())
	f.Sync()
	f.Close()
	if event == "enter" {
		if d, err := time.ParseDuration(os.Getenv("OHOTFIX_TEST_APPLY_HOLD")); err == nil {
			time.Sleep(d)
		}
	}
}
