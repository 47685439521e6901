package admin

import (
	"os"
	"strconv"
	"sync"
	"sync/atomic"
)

// CrashEnv is the test-only environment variable of the crash hook: with
// OHOTFIX_TEST_CRASH_AT=N the process kills itself (SIGKILL) right before its
// Nth journaled file operation. Never set it outside tests.
const CrashEnv = "OHOTFIX_TEST_CRASH_AT"

var (
	opCount   atomic.Int64
	crashOnce sync.Once
	crashAt   int64

	// testHookFileOp, when set (tests only), is called before every
	// journaled file operation with its 1-based number in this process, its
	// kind and path; a non-nil result fails the operation with that error
	// (fault injection).
	testHookFileOp func(n int64, kind, path string) error
)

// fileOp counts one journaled file operation and runs the test hooks.
func fileOp(kind, path string) error {
	n := opCount.Add(1)
	crashOnce.Do(func() {
		crashAt, _ = strconv.ParseInt(os.Getenv(CrashEnv), 10, 64)
	})
	if crashAt > 0 && n == crashAt {
		killSelf()
	}
	if h := testHookFileOp; h != nil {
		return h(n, kind, path)
	}
	return nil
}

// killSelf ends the process at once, without deferred calls or buffered
// writes: what a power cut or `kill -9` does to a run.
func killSelf() {
	p, err := os.FindProcess(os.Getpid())
	if err == nil {
		p.Kill() // SIGKILL on POSIX, TerminateProcess on Windows
	}
	select {}
}
