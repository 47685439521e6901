package admin

import (
	"fmt"
	"os"
	"strconv"
	"strings"
	"syscall"
)

// Environment variables of the test hooks. They have an effect only in the
// package's tests and in binaries built with the ohotfix_testhooks build
// tag (the end-to-end tests build ohotfix so); release binaries ignore them.
const (
	// CrashEnv: with OHOTFIX_TEST_CRASH_AT=N the process kills itself
	// (SIGKILL) right before its Nth journaled file operation.
	CrashEnv = "OHOTFIX_TEST_CRASH_AT"
	// FaultEnv: with OHOTFIX_TEST_FAULT_AT=N:ERRNO the Nth journaled file
	// operation fails with ERRNO (ENOSPC or EACCES); N:ERRNO:sticky makes
	// every later one fail too (a permission change that stays).
	FaultEnv = "OHOTFIX_TEST_FAULT_AT"
)

// installEnvFaultHook sets testHookFileOp from the environment; a malformed
// setting ends the process with exit 2 (only test binaries call it).
func installEnvFaultHook() {
	h, err := envFaultHook()
	if err != nil {
		fmt.Fprintln(os.Stderr, "ohotfix test hooks:", err)
		os.Exit(2)
	}
	if h != nil {
		testHookFileOp = h
	}
}

// envFaultHook builds the fault hook the environment asks for (nil: none).
func envFaultHook() (func(n int64, kind, path string) error, error) {
	crashAt, _ := strconv.ParseInt(os.Getenv(CrashEnv), 10, 64)
	spec := os.Getenv(FaultEnv)
	if crashAt <= 0 && spec == "" {
		return nil, nil
	}
	var faultAt int64
	var errno syscall.Errno
	sticky := false
	if spec != "" {
		parts := strings.Split(spec, ":")
		n, err := strconv.ParseInt(parts[0], 10, 64)
		if err != nil || n <= 0 || len(parts) < 2 || len(parts) > 3 || len(parts) == 3 && parts[2] != "sticky" {
			return nil, fmt.Errorf("%s=%q: want N:ENOSPC|EACCES[:sticky]", FaultEnv, spec)
		}
		switch parts[1] {
		case "ENOSPC":
			errno = syscall.ENOSPC
		case "EACCES":
			errno = syscall.EACCES
		default:
			return nil, fmt.Errorf("%s=%q: unknown error %q", FaultEnv, spec, parts[1])
		}
		faultAt, sticky = n, len(parts) == 3
	}
	return func(n int64, kind, path string) error {
		if crashAt > 0 && n == crashAt {
			killSelf()
		}
		if faultAt > 0 && (n == faultAt || sticky && n > faultAt) {
			return &os.PathError{Op: kind, Path: path, Err: errno}
		}
		return nil
	}, nil
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
