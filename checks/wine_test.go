//go:build linux

package checks

import (
	"context"
	"encoding/json"
	"slices"
	"strings"
	"testing"
	"time"

	"github.com/ohotfix/ohotfix/internal/winetest"
)

type wincheckOut struct {
	Free   uint64      `json:"free"`
	Err    string      `json:"err"`
	Volume Volume      `json:"volume"`
	Reboot RebootState `json:"reboot"`
}

// TestWindowsProbesUnderWine runs the Windows build of FreeSpace,
// MeasureVolume and ProbePendingReboot in Wine: free space must match the
// host's statfs of the prefix's drive C, and a reboot marker added with
// Wine's reg.exe must be found.
func TestWindowsProbesUnderWine(t *testing.T) {
	exe, p := winetest.ExeInPrefix(t, "./testdata/wincheck")
	ctx, cancel := context.WithTimeout(context.Background(), 2*time.Minute)
	defer cancel()
	run := func() wincheckOut {
		t.Helper()
		stdout, stderr, exit, err := p.Run(ctx, exe, `C:\windows`)
		if err != nil || exit != 0 {
			t.Fatalf("wincheck: exit %d, %v\n%s\n%s", exit, err, stdout, stderr)
		}
		var out wincheckOut
		if err := json.Unmarshal([]byte(strings.TrimSpace(stdout)), &out); err != nil {
			t.Fatalf("wincheck output %q: %v", stdout, err)
		}
		return out
	}

	before := run()
	if before.Err != "" || before.Volume.Err != "" {
		t.Fatalf("measure: %+v", before)
	}
	host, err := FreeSpace(p.Path(`C:\windows`))
	if err != nil {
		t.Fatal(err)
	}
	if diff := int64(before.Free) - int64(host); diff > 64<<20 || diff < -64<<20 {
		t.Errorf("Wine's GetDiskFreeSpaceEx says %d, host statfs %d", before.Free, host)
	}
	if before.Volume.ID != `vol:C:\` {
		t.Errorf("volume ID %q, want vol:C:\\", before.Volume.ID)
	}
	if before.Reboot.Err != "" || slices.Contains(before.Reboot.Reasons, "Windows Update: RebootRequired") {
		t.Fatalf("reboot probe before the marker: %+v", before.Reboot)
	}

	const key = `HKLM\SOFTWARE\Microsoft\Windows\CurrentVersion\WindowsUpdate\Auto Update\RebootRequired`
	if _, stderr, exit, err := p.Run(ctx, "reg", "add", key, "/f"); err != nil || exit != 0 {
		t.Fatalf("reg add: %d %v %s", exit, err, stderr)
	}
	after := run()
	if !after.Reboot.Pending || !slices.Contains(after.Reboot.Reasons, "Windows Update: RebootRequired") {
		t.Fatalf("after adding %s: %+v (before: %+v)", key, after.Reboot, before.Reboot)
	}
}
