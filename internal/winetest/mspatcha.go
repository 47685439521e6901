package winetest

import (
	"strconv"
	"strings"
	"testing"
)

// ApplyDelta applies the PA19 delta patch to old (host paths; "" for no old file) with Wine's
// mspatcha.dll ApplyPatchToFileW(flags), writing out. It returns the Windows error code (0 =
// applied; e.g. 0xC00E4104 ERROR_PATCH_WRONG_FILE, as a uint32) and the helper's output.
func (p *Prefix) ApplyDelta(t testing.TB, patch, old, out string, flags uint32) (code uint32, messages string) {
	t.Helper()
	oldArg := "-"
	if old != "" {
		oldArg = p.WinPath(old)
	}
	stdout, stderr, exit := p.runTool(t, "mspatchapply", p.WinPath(patch), oldArg, p.WinPath(out),
		"0x"+strconv.FormatUint(uint64(flags), 16))
	return uint32(exit), strings.TrimSpace(stdout + stderr)
}
