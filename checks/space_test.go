package checks

import (
	"math"
	"os"
	"os/exec"
	"path/filepath"
	"strconv"
	"strings"
	"testing"

	"github.com/ohotfix/ohotfix/exitcode"
	"github.com/ohotfix/ohotfix/internal/testtools"
)

func TestDiskSpaceNeed(t *testing.T) {
	known := Patch{Name: "k", CabinetBytes: 100, ExpandedBytes: 250}
	guessed := Patch{Name: "g", CabinetBytes: 100}
	temp, target := DiskSpace{}.Need([]Patch{known, guessed})
	if temp != 100+250+100+300 || target != 250+300 {
		t.Fatalf("Need = %d, %d", temp, target)
	}
	huge := Patch{CabinetBytes: math.MaxUint64 / 2}
	temp, target = DiskSpace{}.Need([]Patch{huge, huge})
	if temp != math.MaxUint64 || target != math.MaxUint64 {
		t.Fatalf("Need must saturate, got %d, %d", temp, target)
	}
}

func TestDiskSpace(t *testing.T) {
	const mb = 1 << 20
	// One 10 MiB cabinet expanding to 30 MiB: temp needs 40, target 30.
	p := Patch{Name: "a.msp", CabinetBytes: 10 * mb, ExpandedBytes: 30 * mb}
	facts := func(vs ...Volume) *Facts { return &Facts{Mode: Client, Patches: []Patch{p}, Volumes: vs} }
	for _, tc := range []struct {
		name  string
		facts *Facts
		want  want
	}{
		{"not measured", facts(), want{status: Skipped}},
		{"enough", facts(Volume{Role: RoleTemp, Path: "/tmp", Free: 40 * mb, ID: "a"}, Volume{Role: RoleTarget, Path: "/opt", Free: 30 * mb, ID: "b"}),
			want{status: Passed, reason: []string{"temp folder /tmp: 40.0 MiB"}}},
		{"temp short", facts(Volume{Role: RoleTemp, Path: "/tmp", Free: 40*mb - 1, ID: "a"}, Volume{Role: RoleTarget, Path: "/opt", Free: 1 << 40, ID: "b"}),
			want{status: Failed, code: exitcode.TempUnwritable, reason: []string{"temp folder /tmp", "40.0 MiB (41943039 bytes) free", "(41943040 bytes) needed"}}},
		{"target short", facts(Volume{Role: RoleTemp, Path: "/tmp", Free: 1 << 40}, Volume{Role: RoleTarget, Path: "/opt", Free: 0}),
			want{status: Failed, code: exitcode.TempUnwritable, reason: []string{"target folder /opt"}}},
		{"same volume adds up", facts(Volume{Role: RoleTemp, Path: "/tmp", Free: 50 * mb, ID: "x"}, Volume{Role: RoleTarget, Path: "/opt", Free: 50 * mb, ID: "x"}),
			want{status: Failed, code: exitcode.TempUnwritable, reason: []string{"temp folder /tmp and target folder /opt", "70.0 MiB"}}},
		{"same volume enough", facts(Volume{Role: RoleTemp, Path: "/tmp", Free: 70 * mb, ID: "x"}, Volume{Role: RoleTarget, Path: "/opt", Free: 70 * mb, ID: "x"}),
			want{status: Passed}},
		{"unknown IDs are distinct", facts(Volume{Role: RoleTemp, Path: "/tmp", Free: 50 * mb}, Volume{Role: RoleTarget, Path: "/opt", Free: 50 * mb}),
			want{status: Passed}},
		{"measurement failed", facts(Volume{Role: RoleTemp, Path: "/tmp", Free: 50 * mb}, Volume{Role: RoleTarget, Path: "/gone", Err: "no such file or directory"}),
			want{status: Warning, reason: []string{"/gone", "no such file"}}},
		{"shortage beats a failed measurement", facts(Volume{Role: RoleTemp, Path: "/tmp", Free: 1}, Volume{Role: RoleTarget, Path: "/gone", Err: "x"}),
			want{status: Failed, code: exitcode.TempUnwritable}},
	} {
		t.Run(tc.name, func(t *testing.T) { tc.want.check(t, DiskSpace{}.Run(tc.facts)) })
	}
}

// FreeSpace agrees with coreutils df (within what other processes on the
// machine may write meanwhile).
func TestFreeSpaceMatchesDf(t *testing.T) {
	dir := t.TempDir()
	got, err := FreeSpace(dir)
	if err != nil {
		if err == ErrNotSupported {
			t.Skip(err)
		}
		t.Fatal(err)
	}
	df := testtools.LookPath(t, "df")
	out, err := exec.Command(df, "-B1", "--output=avail", dir).Output()
	if err != nil {
		t.Skip("df does not support --output (not GNU coreutils):", err)
	}
	lines := strings.Fields(string(out))
	want, err := strconv.ParseUint(lines[len(lines)-1], 10, 64)
	if err != nil {
		t.Fatalf("df output %q: %v", out, err)
	}
	diff := int64(got) - int64(want)
	if diff < 0 {
		diff = -diff
	}
	if diff > 64<<20 {
		t.Fatalf("FreeSpace = %d, df says %d", got, want)
	}
}

func TestMeasureVolume(t *testing.T) {
	dir := t.TempDir()
	sub := filepath.Join(dir, "sub")
	if err := os.Mkdir(sub, 0o755); err != nil {
		t.Fatal(err)
	}
	a, b := MeasureVolume(RoleTemp, dir), MeasureVolume(RoleTarget, sub)
	if a.Err != "" {
		if strings.Contains(a.Err, ErrNotSupported.Error()) {
			t.Skip(a.Err)
		}
		t.Fatal(a.Err)
	}
	if a.ID == "" || a.ID != b.ID || a.Free == 0 || a.Role != RoleTemp || b.Path != sub {
		t.Fatalf("volumes %+v %+v", a, b)
	}
	missing := MeasureVolume(RoleTarget, filepath.Join(dir, "missing"))
	if missing.Err == "" || missing.Free != 0 {
		t.Fatalf("missing folder measured: %+v", missing)
	}
	if _, err := FreeSpace(filepath.Join(dir, "missing")); err == nil {
		t.Fatal("FreeSpace of a missing folder succeeded")
	}
}

// When the engine counted what a patch writes, that count is the need, not
// the estimate from the cabinet size (a small patch can stage far more than
// its compressed size into the image's folder).
func TestDiskSpaceUsesTheEnginesCount(t *testing.T) {
	p := Patch{Name: "small.msp", CabinetBytes: 4 << 10, Counted: true, TargetBytes: 418 << 10}
	temp, target := DiskSpace{}.Need([]Patch{p})
	if temp != 0 || target != 418<<10 {
		t.Fatalf("need temp %d target %d, want 0 and %d", temp, target, 418<<10)
	}
	f := &Facts{Mode: Admin, Patches: []Patch{p}, Volumes: []Volume{
		{Role: RoleTemp, Path: "/tmp", Free: 1 << 30, ID: "a"},
		{Role: RoleTarget, Path: "/srv/img", Free: 192 << 10, ID: "b"},
	}}
	if r := (DiskSpace{}).Run(f); r.Status != Failed || r.Code != exitcode.TempUnwritable {
		t.Errorf("192 KiB free for a 418 KiB update: %+v", r)
	}
	p.Counted = false // the old estimate: 4 KiB × 3 passes, the bug the count fixes
	f.Patches = []Patch{p}
	if r := (DiskSpace{}).Run(f); r.Status == Failed {
		t.Errorf("the cabinet-size estimate should pass here (that is why the engine counts): %+v", r)
	}
}
