package admin

import (
	"sync/atomic"
)

var (
	opCount atomic.Int64

	// crashHook, when set (test builds only), may end the process before
	// journaled file operation n (hooks_crash.go).
	crashHook func(n int64)

	// testHookFileOp, when set (tests only), is called before every
	// journaled file operation with its 1-based number in this process, its
	// kind and path; a non-nil result fails the operation with that error
	// (fault injection).
	testHookFileOp func(n int64, kind, path string) error
)

// fileOp counts one journaled file operation and runs the test hooks.
func fileOp(kind, path string) error {
	n := opCount.Add(1)
	if crashHook != nil {
		crashHook(n)
	}
	if h := testHookFileOp; h != nil {
		return h(n, kind, path)
	}
	return nil
}
