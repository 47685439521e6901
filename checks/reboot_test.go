package checks

import (
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/ohotfix/ohotfix/exitcode"
)

func TestPendingReboot(t *testing.T) {
	pending := &RebootState{Pending: true, Reasons: []string{"/run/reboot-required exists"}}
	for _, tc := range []struct {
		name  string
		block bool
		state *RebootState
		want  want
	}{
		{"not probed", false, nil, want{status: Skipped}},
		{"probe failed", true, &RebootState{Err: "access denied"}, want{status: Warning, reason: []string{"access denied"}}},
		{"none", true, &RebootState{}, want{status: Passed}},
		{"pending warns", false, pending, want{status: Warning, reason: []string{"/run/reboot-required", "BlockOnPendingReboot=1"}}},
		{"pending blocks", true, pending, want{status: Failed, code: exitcode.PendingRebootRefused, reason: []string{"restart the machine"}}},
	} {
		t.Run(tc.name, func(t *testing.T) {
			tc.want.check(t, PendingReboot{Block: tc.block}.Run(&Facts{Reboot: tc.state}))
		})
	}
}

func TestProbeMarkerFiles(t *testing.T) {
	dir := t.TempDir()
	run, varRun := filepath.Join(dir, "run-reboot-required"), filepath.Join(dir, "var-run-reboot-required")
	if st := probeMarkerFiles([]string{run, varRun}); st.Pending || st.Err != "" {
		t.Fatalf("no markers: %+v", st)
	}
	if err := os.WriteFile(varRun, []byte("*** System restart required ***\n"), 0o644); err != nil {
		t.Fatal(err)
	}
	if err := os.WriteFile(varRun+".pkgs", []byte("linux-image-6.1.0-13-amd64\n\nlibc6\n"), 0o644); err != nil {
		t.Fatal(err)
	}
	st := probeMarkerFiles([]string{run, varRun})
	if !st.Pending || len(st.Reasons) != 1 || !strings.Contains(st.Reasons[0], "requested by linux-image-6.1.0-13-amd64, libc6") {
		t.Fatalf("marker: %+v", st)
	}
	// A long package list is cut.
	var many strings.Builder
	for i := 0; i < 50; i++ {
		many.WriteString("pkg\n")
	}
	if err := os.WriteFile(varRun+".pkgs", []byte(many.String()), 0o644); err != nil {
		t.Fatal(err)
	}
	st = probeMarkerFiles([]string{varRun})
	if n := strings.Count(st.Reasons[0], "pkg"); n != maxMarkerPackages {
		t.Fatalf("%d packages quoted: %s", n, st.Reasons[0])
	}
	// The real probe runs without error on this machine.
	if real := ProbePendingReboot(); real.Err != "" {
		t.Fatalf("ProbePendingReboot: %+v", real)
	}
}
