package admin

import (
	"sync/atomic"
)

// Fault injection. Every journaled file operation goes through fileOp, which
// counts it and asks testHookFileOp, when set, whether it fails. Only the
// package's tests and binaries built with the ohotfix_testhooks build tag
// set it (hooks_testhooks.go, from the environment, see envhooks.go): in a
// release build it stays nil, and the environment hooks are not linked in.
var (
	opCount atomic.Int64

	// testHookFileOp, when set, is called before every journaled file
	// operation with its 1-based number in this process, its kind and
	// path; a non-nil result fails the operation with that error.
	testHookFileOp func(n int64, kind, path string) error
)

// fileOp counts one journaled file operation and runs the fault hook.
func fileOp(kind, path string) error {
	n := opCount.Add(1)
	if h := testHookFileOp; h != nil {
		return h(n, kind, path)
	}
	return nil
}
