package checks

import (
	"strings"

	"github.com/ohotfix/ohotfix/exitcode"
)

// PendingReboot reports a reboot the system is already waiting for.
// Installing on top of pending file renames can leave a product half-updated,
// so it is a warning by default and blocks with 3017 when the ini extension
// key BlockOnPendingReboot=1 is set.
type PendingReboot struct {
	Block bool // BlockOnPendingReboot=1
}

func (PendingReboot) Name() string { return "PendingReboot" }

func (c PendingReboot) Run(f *Facts) Result {
	name := c.Name()
	switch {
	case f.Reboot == nil:
		return skipped(name, "pending reboot not probed")
	case f.Reboot.Err != "":
		return warning(name, "could not tell whether a reboot is pending: "+f.Reboot.Err)
	case !f.Reboot.Pending:
		return passed(name, "no reboot pending")
	}
	why := "a reboot is pending"
	if len(f.Reboot.Reasons) > 0 {
		why += " (" + strings.Join(f.Reboot.Reasons, "; ") + ")"
	}
	if c.Block {
		return failed(name, exitcode.PendingRebootRefused, why+"; restart the machine first (BlockOnPendingReboot=1)")
	}
	return warning(name, why+"; continuing (set BlockOnPendingReboot=1 to refuse)")
}
