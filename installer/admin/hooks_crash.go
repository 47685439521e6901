package admin

import (
	"os"
	"strconv"
	"sync"
)

// CrashEnv is the test-only environment variable of the crash hook: with
// OHOTFIX_TEST_CRASH_AT=N the process kills itself (SIGKILL) right before its
// Nth journaled file operation. Only binaries built with the
// ohotfix_testhooks tag (hooks_testhooks.go) and this package's tests install
// it; in a release build nothing refers to envCrashHook, so the linker drops
// it together with the variable's name.
const CrashEnv = "OHOTFIX_TEST_CRASH_AT"

var (
	crashOnce sync.Once
	crashAt   int64
)

func envCrashHook(n int64) {
	crashOnce.Do(func() {
		crashAt, _ = strconv.ParseInt(os.Getenv(CrashEnv), 10, 64)
	})
	if crashAt > 0 && n == crashAt {
		killSelf()
	}
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
