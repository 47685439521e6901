package checks

import (
	"encoding/json"
	"errors"
	"fmt"
	"strings"
	"testing"

	"github.com/ohotfix/ohotfix/exitcode"
)

// fixed is a check with a canned result, to test Run's bookkeeping.
type fixed struct {
	name string
	r    Result
}

func (c fixed) Name() string      { return c.name }
func (c fixed) Run(*Facts) Result { return c.r }

func TestRun(t *testing.T) {
	list := []Check{
		fixed{"ok", Result{Status: Passed, Reason: "fine"}},
		fixed{"warn", Result{Status: Warning, Reason: "hm", Patches: []PatchVerdict{{Patch: "a.msp", Status: Failed, Reason: "first", Code: exitcode.PatchUnsupported}}}},
		fixed{"first", Result{Status: Failed, Code: exitcode.EngineTooOld, Reason: "too old"}},
		fixed{"second", Result{Status: Failed, Code: exitcode.TempUnwritable, Reason: "full"}},
		fixed{"codeless", Result{Status: Failed, Reason: "forgot the code"}},
		fixed{"skip", Result{Status: Passed, Reason: "x", Patches: []PatchVerdict{{Patch: "a.msp", Status: Skipped, Reason: "second"}, {Patch: "b.msp", Status: Skipped, Reason: "b"}}}},
	}
	rep := Run(nil, list)
	if len(rep.Results) != len(list) {
		t.Fatalf("%d results", len(rep.Results))
	}
	for i, r := range rep.Results {
		if r.Name != list[i].Name() {
			t.Errorf("result %d named %q, want %q (order kept, name filled)", i, r.Name, list[i].Name())
		}
		if r.Passed != (r.Status != Failed) {
			t.Errorf("%s: Passed = %v", r.Name, r.Passed)
		}
	}
	if rep.Code != exitcode.EngineTooOld || rep.Blocking != "first" {
		t.Fatalf("code %v blocking %q, want the first failure's", rep.Code, rep.Blocking)
	}
	if len(rep.Excluded) != 2 || rep.Excluded[0].Reason != "first" || rep.Excluded[1].Patch != "b.msp" {
		t.Fatalf("excluded %+v: one verdict per patch, first wins", rep.Excluded)
	}
	err := rep.Err()
	if exitcode.Of(err) != exitcode.EngineTooOld || !strings.Contains(err.Error(), "first") || !strings.Contains(err.Error(), "too old") {
		t.Fatalf("Err() = %v", err)
	}
	got := rep.Applicable([]Patch{{Name: "a.msp"}, {Name: "b.msp"}, {Name: "c.msp"}})
	if len(got) != 1 || got[0].Name != "c.msp" {
		t.Fatalf("Applicable = %+v", got)
	}
	if v, ok := rep.Verdict("b.msp"); !ok || v.Reason != "b" {
		t.Fatalf("Verdict(b.msp) = %+v, %v", v, ok)
	}
	if s := rep.String(); !strings.Contains(s, "6 checks") || !strings.Contains(s, "3 failed") || !strings.Contains(s, "blocked by first") {
		t.Errorf("String() = %q", s)
	}

	// A failure without a code must never read as success.
	rep = Run(&Facts{}, []Check{list[4]})
	if rep.Code != exitcode.Fatal {
		t.Fatalf("codeless failure → %v", rep.Code)
	}
	// Nothing blocking: no error, success.
	rep = Run(&Facts{}, list[:2])
	if rep.Err() != nil || rep.Code != exitcode.Success || rep.Blocking != "" {
		t.Fatalf("non-blocking report: %+v", rep)
	}
}

func TestList(t *testing.T) {
	cs, err := List(Config{MinMsiVersion: "2.0.2600.0", MinProductVersion: " 11.0.6361.0 ", FeatureToCheck: "WORDFiles", BlockOnPendingReboot: true})
	if err != nil {
		t.Fatal(err)
	}
	var names []string
	for _, c := range cs {
		names = append(names, c.Name())
	}
	want := "MinMsiVersion TargetType MinProductVersion PatchInstallerVersion FeatureToCheck RequireAllPatchesNeeded DiskSpace PendingReboot"
	if strings.Join(names, " ") != want {
		t.Fatalf("checks %v", names)
	}
	if cs[2].(MinProductVersion).Min != "11.0.6361.0" || !cs[7].(PendingReboot).Block {
		t.Fatalf("config not carried: %+v %+v", cs[2], cs[7])
	}
	for _, bad := range []Config{{MinMsiVersion: "2.0 SP1"}, {MinProductVersion: "latest"}} {
		if _, err := List(bad); exitcode.Of(err) != exitcode.InvalidCommandLine {
			t.Errorf("List(%+v) = %v, want 1639", bad, err)
		}
	}
}

// A whole client run: Office 2003 with Word, one patch already applied, one
// for Visio (absent), one needing a newer installer.
func TestRunEndToEnd(t *testing.T) {
	f := clientFacts("2.0.2600.0", []Product{product(pro11, "11.0.6361.0", Feature{Name: "WORDFiles", Installed: true})},
		patch("winword.msp", 3, pro11), patch("visio.msp", 3, visio), patch("new.msp", 4, pro11), patch("old.msp", 1, pro11))
	f.Patches[3].AppliedTo = []string{pro11}
	f.Volumes = []Volume{{Role: RoleTemp, Path: "/tmp", Free: 1 << 40}}
	f.Reboot = &RebootState{}
	cs, err := List(Config{MinMsiVersion: "2.0", MinProductVersion: "11.0.6361.0", FeatureToCheck: "WORDFiles"})
	if err != nil {
		t.Fatal(err)
	}
	rep := Run(f, cs)
	if rep.Err() != nil {
		t.Fatalf("blocked: %v\n%+v", rep.Err(), rep.Results)
	}
	got := rep.Applicable(f.Patches)
	if len(got) != 1 || got[0].Name != "winword.msp" {
		t.Fatalf("applicable %+v; excluded %+v", got, rep.Excluded)
	}
	codes := map[string]exitcode.Code{}
	for _, v := range rep.Excluded {
		codes[v.Patch] = v.Code
	}
	if codes["new.msp"] != exitcode.PatchUnsupported || codes["visio.msp"] != 0 || codes["old.msp"] != 0 || len(codes) != 3 {
		t.Fatalf("excluded %+v", rep.Excluded)
	}

	// The same run with RequireAllPatchesNeeded=1 stops before anything changes.
	cs, _ = List(Config{RequireAllPatchesNeeded: true})
	if rep := Run(f, cs); rep.Code != exitcode.PatchTargetNotFound {
		t.Fatalf("RequireAllPatchesNeeded: %v", rep)
	}
}

func TestReportJSON(t *testing.T) {
	rep := Run(clientFacts("1.0", nil), []Check{MinMsiVersion{Min: "2.0", UpgradeMsi: true, UpgradeURL: "https://x.invalid/msi"}, PendingReboot{}})
	data, err := json.Marshal(rep)
	if err != nil {
		t.Fatal(err)
	}
	var back struct {
		Checks []map[string]any `json:"checks"`
		Code   int              `json:"code"`
	}
	if err := json.Unmarshal(data, &back); err != nil {
		t.Fatal(err)
	}
	c := back.Checks[0]
	if c["name"] != "MinMsiVersion" || c["passed"] != false || c["code"] != float64(1613) || c["link"] != "https://x.invalid/msi" || back.Code != 1613 {
		t.Fatalf("JSON %s", data)
	}
	if _, ok := back.Checks[1]["reason"].(string); !ok || back.Checks[1]["passed"] != true {
		t.Fatalf("JSON %s", data)
	}
	// Facts are plain data too: they round-trip.
	f := adminFacts(5, product(pro11, "11.0", Feature{Name: "F", Level: 1}), patch("a.msp", 3, pro11))
	fd, err := json.Marshal(f)
	if err != nil {
		t.Fatal(err)
	}
	var f2 Facts
	if err := json.Unmarshal(fd, &f2); err != nil || f2.Image.Product.Features[0].Level != 1 || f2.Patches[0].Targets[0] != pro11 {
		t.Fatalf("facts round trip: %v %s", err, fd)
	}
}

// largeInventory is a big client: 200 installed products, 400 patches.
func largeInventory() (*Facts, []Check) {
	f := &Facts{Mode: Client, Engine: Engine{Version: "3.1.4000.2435"}, Reboot: &RebootState{}}
	for i := 0; i < 200; i++ {
		f.Products = append(f.Products, Product{Code: fmt.Sprintf("{%08X-6000-11D3-8CFE-0150048383C9}", i), Version: fmt.Sprintf("11.0.%d.0", 6000+i),
			Features: []Feature{{Name: "WORDFiles", Installed: i%2 == 0}, {Name: "EXCELFiles", Installed: true}}})
	}
	for i := 0; i < 400; i++ {
		p := Patch{Name: fmt.Sprintf("p%03d.msp", i), WordCount: 1 + i%5, CabinetBytes: 1 << 20}
		for j := 0; j < 3; j++ {
			p.Targets = append(p.Targets, f.Products[(i*7+j*13)%len(f.Products)].Code)
		}
		f.Patches = append(f.Patches, p)
	}
	f.Volumes = []Volume{{Role: RoleTemp, Path: "/tmp", Free: 1 << 40, ID: "a"}, {Role: RoleTarget, Path: "/opt", Free: 1 << 40, ID: "a"}}
	cs, err := List(Config{MinMsiVersion: "2.0", MinProductVersion: "11.0.6100.0", FeatureToCheck: "WORDFiles"})
	if err != nil {
		panic(err)
	}
	return f, cs
}

func TestLargeInventory(t *testing.T) {
	f, cs := largeInventory()
	rep := Run(f, cs)
	if rep.Err() != nil || len(rep.Excluded) == 0 || len(rep.Applicable(f.Patches)) == 0 {
		t.Fatalf("%s; %d excluded", rep, len(rep.Excluded))
	}
}

func BenchmarkRunLargeInventory(b *testing.B) {
	f, cs := largeInventory()
	for b.Loop() {
		if rep := Run(f, cs); rep.Code != exitcode.Success {
			b.Fatal(errors.New(rep.String()))
		}
	}
}
