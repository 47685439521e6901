package admin

import (
	"fmt"
)

// RollbackFailedError reports an update that failed and whose rollback
// failed too: the image is neither the old version nor the new one. The
// journal stays in Stage; the next run (or `ohotfix admin recover`) takes the
// image lock and finishes the rollback, and `ohotfix check` shows it as
// pending. Its exit code is 1603, but its message is its own: callers must
// not say "everything was rolled back".
type RollbackFailedError struct {
	Image    string // image folder
	Stage    string // staging folder holding the journal
	Cause    error  // why the update failed
	Rollback error  // why putting the originals back failed
}

func (e *RollbackFailedError) Error() string {
	return fmt.Sprintf("updating the image %s failed (%v) and rolling it back failed too (%v): "+
		"the image is incomplete until the next run, or `ohotfix admin recover %s`, finishes the rollback from the journal in %s",
		e.Image, e.Cause, e.Rollback, e.Image, e.Stage)
}

func (e *RollbackFailedError) Unwrap() []error { return []error{e.Cause, e.Rollback} }
