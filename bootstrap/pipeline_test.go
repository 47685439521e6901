package bootstrap

import (
	"context"
	"encoding/json"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"go.uber.org/zap"

	"github.com/ohotfix/ohotfix/checks"
	"github.com/ohotfix/ohotfix/installer"
	"github.com/ohotfix/ohotfix/internal/resultschema"

	"github.com/ohotfix/ohotfix/exitcode"
)

// scriptedBackend is a test double: it reports fixed products and returns
// fixed codes per patch file.
type scriptedBackend struct {
	products []installer.Target
	codes    map[string]exitcode.Code
	applied  []string
}

func (b *scriptedBackend) Mode() string { return installer.ModeClient }
func (b *scriptedBackend) Inventory(context.Context, []installer.PatchInfo) (*installer.Inventory, error) {
	return &installer.Inventory{Mode: installer.ModeClient, EngineVersion: checks.AdminEngineVersion, Targets: b.products}, nil
}
func (b *scriptedBackend) Apply(_ context.Context, s installer.Step, _ *zap.Logger) installer.Outcome {
	b.applied = append(b.applied, filepath.Base(s.File))
	c := b.codes[filepath.Base(s.File)]
	return installer.Outcome{Code: c, RebootNeeded: c == exitcode.RebootRequired}
}

func setupPatches(t *testing.T, names ...string) string {
	dir := t.TempDir()
	for _, n := range names {
		os.WriteFile(filepath.Join(dir, n), []byte("x"), 0o644)
	}
	return dir
}

func patchTable(infos map[string]installer.PatchInfo) func(string) installer.PatchInfo {
	return func(path string) installer.PatchInfo {
		pi := infos[filepath.Base(path)]
		pi.File = path
		return pi
	}
}

const prodA = "{AAAAAAAA-0000-0000-0000-000000000001}"

func TestPipelineDecisionsAndResult(t *testing.T) {
	dir := setupPatches(t, "b.msp", "a.msp", "c.MSP", "d.msp", "old.msp", "notes.txt")
	infos := map[string]installer.PatchInfo{
		"a.msp":   {PatchCode: "{P1}", Targets: []string{prodA}},
		"b.msp":   {PatchCode: "{P2}", Targets: []string{"{OTHER}"}},
		"c.MSP":   {PatchCode: "{P3}", Targets: []string{strings.ToLower(prodA)}, Obsoletes: []string{"{P4}"}},
		"d.msp":   {PatchCode: "{P4}", Targets: []string{prodA}},
		"old.msp": {PatchCode: "{P5}", Targets: []string{prodA}},
	}
	be := &scriptedBackend{products: []installer.Target{{Code: prodA, Version: "1.0.0", Applied: []string{"{P5}"}}},
		codes: map[string]exitcode.Code{"c.MSP": exitcode.RebootRequired}}
	p := &Pipeline{Config: Default(), Dir: dir, Backend: be, ReadPatch: patchTable(infos), UI: UIQuiet}
	res := p.Run(context.Background())
	if res.Code() != exitcode.RebootRequired || !res.RebootNeeded {
		t.Fatalf("code %v reboot %v (%s)", res.Code(), res.RebootNeeded, res.Reason)
	}
	if strings.Join(be.applied, ",") != "a.msp,c.MSP" {
		t.Errorf("applied %v", be.applied)
	}
	reasons := map[string]string{}
	for _, pr := range res.Patches {
		reasons[filepath.Base(pr.File)] = string(pr.Decision) + ": " + pr.Reason
	}
	for file, want := range map[string]string{"b.msp": "skip: none of its target products", "d.msp": "skip: obsoleted by c.MSP",
		"old.msp": "skip: already applied", "a.msp": "apply"} {
		if !strings.HasPrefix(reasons[file], want) {
			t.Errorf("%s: %q, want prefix %q", file, reasons[file], want)
		}
	}
	// The JSON result carries the agreed fields.
	path := filepath.Join(t.TempDir(), "r", "result.json")
	if err := res.WriteFile(path); err != nil {
		t.Fatal(err)
	}
	var doc map[string]any
	data, _ := os.ReadFile(path)
	if err := json.Unmarshal(data, &doc); err != nil {
		t.Fatal(err)
	}
	for _, k := range []string{"schema", "ohotfix_version", "mode", "checks", "patches", "exit_code", "posix_status", "reboot_needed", "logs"} {
		if _, ok := doc[k]; !ok {
			t.Errorf("result lacks %q", k)
		}
	}
	if doc["exit_code"].(float64) != 3010 || doc["posix_status"].(float64) != 194 {
		t.Errorf("exit %v status %v", doc["exit_code"], doc["posix_status"])
	}
	patches := doc["patches"].([]any)
	first := patches[0].(map[string]any)
	for _, k := range []string{"file", "patch_code", "targets", "decision", "per_target"} {
		if _, ok := first[k]; !ok {
			t.Errorf("patch entry lacks %q", k)
		}
	}
}

func TestPipelineNothingToDoAndRequireAll(t *testing.T) {
	dir := setupPatches(t, "b.msp")
	infos := map[string]installer.PatchInfo{"b.msp": {PatchCode: "{P2}", Targets: []string{"{OTHER}"}}}
	be := &scriptedBackend{products: []installer.Target{{Code: prodA, Version: "1.0"}}}
	p := &Pipeline{Config: Default(), Dir: dir, Backend: be, ReadPatch: patchTable(infos)}
	if res := p.Run(context.Background()); res.Code() != exitcode.Success || !strings.Contains(res.Reason, "nothing to do") {
		t.Errorf("nothing to do: %v %q", res.Code(), res.Reason)
	}
	p.Config.RequireAllPatchesNeeded = true
	if res := p.Run(context.Background()); res.Code() != exitcode.PatchTargetNotFound {
		t.Errorf("RequireAllPatchesNeeded: %v", res.Code())
	}
}

func TestPipelineFailureStopsAndUnreadablePatchRefuses(t *testing.T) {
	dir := setupPatches(t, "a.msp", "b.msp")
	infos := map[string]installer.PatchInfo{"a.msp": {PatchCode: "{P1}", Targets: []string{prodA}}, "b.msp": {PatchCode: "{P2}", Targets: []string{prodA}}}
	be := &scriptedBackend{products: []installer.Target{{Code: prodA}}, codes: map[string]exitcode.Code{"a.msp": exitcode.Fatal}}
	p := &Pipeline{Config: Default(), Dir: dir, Backend: be, ReadPatch: patchTable(infos)}
	if res := p.Run(context.Background()); res.Code() != exitcode.Fatal || len(be.applied) != 1 {
		t.Errorf("failure: %v applied %v", res.Code(), be.applied)
	}
	infos["b.msp"] = installer.PatchInfo{OpenError: "not a compound file", OpenCode: exitcode.PatchInvalid}
	be = &scriptedBackend{products: []installer.Target{{Code: prodA}}}
	p.Backend = be
	if res := p.Run(context.Background()); res.Code() != exitcode.PatchInvalid || len(be.applied) != 0 {
		t.Errorf("unreadable patch: %v applied %v", res.Code(), be.applied)
	}
}

func TestPatchOrderBySequence(t *testing.T) {
	in := []installer.PatchInfo{{File: "z.msp", Family: "F", Sequence: "1.0.10", SupersedeEarlier: true}, {File: "a.msp", Family: "F", Sequence: "1.0.9"}, {File: "m.msp"}}
	out := orderPatches(in)
	if out[0].File != "m.msp" || out[1].File != "a.msp" || out[2].File != "z.msp" {
		t.Errorf("order %v", out)
	}
	in[0].SupersedeEarlier = false
	if sup := supersededPatches(in); len(sup) != 0 {
		t.Errorf("without the supersede bit both apply: %v", sup)
	}
	in[0].SupersedeEarlier = true
	sup := supersededPatches(in)
	if sup["a.msp"] != "z.msp" {
		t.Errorf("superseded %v", sup)
	}
}

// A run that loses the race to another run: planned "apply", but the engine
// finds the patch already applied. The result says what happened.
func TestResultReportsAlreadyAppliedFoundByEngine(t *testing.T) {
	dir := setupPatches(t, "a.msp")
	infos := map[string]installer.PatchInfo{"a.msp": {PatchCode: "{P1}", Targets: []string{prodA}}}
	be := &racedBackend{scriptedBackend{products: []installer.Target{{Code: prodA, Version: "1.0"}}}}
	p := &Pipeline{Config: Default(), Dir: dir, Backend: be, ReadPatch: patchTable(infos), UI: UIQuiet}
	res := p.Run(context.Background())
	if res.Code() != exitcode.Success || len(res.Patches) != 1 {
		t.Fatalf("code %v patches %+v", res.Code(), res.Patches)
	}
	pr := res.Patches[0]
	if pr.Decision != installer.Skip || pr.PerTarget[0].Decision != installer.Skip || !strings.Contains(pr.PerTarget[0].Reason, "already applied") {
		t.Errorf("result says %+v", pr)
	}
	if res.Applied() != 0 {
		t.Errorf("Applied() = %d, want 0", res.Applied())
	}
}

type racedBackend struct{ scriptedBackend }

func (b *racedBackend) Apply(context.Context, installer.Step, *zap.Logger) installer.Outcome {
	return installer.Outcome{Code: exitcode.Success, AlreadyApplied: true, Message: "patch {P1} is already applied"}
}

func TestRaceResultValidatesAgainstSchema(t *testing.T) {
	dir := setupPatches(t, "a.msp")
	infos := map[string]installer.PatchInfo{"a.msp": {PatchCode: "{P1}", Targets: []string{prodA}}}
	be := &racedBackend{scriptedBackend{products: []installer.Target{{Code: prodA, Version: "1.0"}}}}
	p := &Pipeline{Config: Default(), Dir: dir, Backend: be, ReadPatch: patchTable(infos), UI: UIQuiet}
	res := p.Run(context.Background())
	path := filepath.Join(t.TempDir(), "r.json")
	if err := res.WriteFile(path); err != nil {
		t.Fatal(err)
	}
	if err := resultschema.ValidateFile(path); err != nil {
		t.Errorf("the result of a lost race does not validate: %v", err)
	}
}
