//go:build !unix && !windows

package checks

func probePendingReboot() RebootState { return RebootState{Err: ErrNotSupported.Error()} }
