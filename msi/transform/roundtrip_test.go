package transform

import (
	"fmt"
	"path/filepath"
	"testing"

	"github.com/ohotfix/ohotfix/internal/transformtest"
	"github.com/ohotfix/ohotfix/msi"
)

// diffApply generates the transform base -> upd, writes it, reads it back,
// applies it to a fresh copy of base and checks the result equals upd table
// for table. It returns the transform file path.
func diffApply(t *testing.T, basePath string, upd *msi.Database, opt DiffOptions) string {
	t.Helper()
	base, err := msi.Open(basePath)
	if err != nil {
		t.Fatal(err)
	}
	defer base.Close()
	tr, err := Diff(base, upd, opt)
	if err != nil {
		t.Fatal(err)
	}
	out := filepath.Join(t.TempDir(), "t.mst")
	if err := tr.WriteFile(out); err != nil {
		t.Fatal(err)
	}
	back, err := Open(out)
	if err != nil {
		t.Fatal(err)
	}
	defer back.Close()
	if back.Info.CharCount != CharCount(opt.Validate, opt.Errors) {
		t.Errorf("CharCount %#x", back.Info.CharCount)
	}
	target, err := msi.Open(basePath)
	if err != nil {
		t.Fatal(err)
	}
	defer target.Close()
	if err := back.Validate(target); err != nil {
		t.Fatalf("validate against its own base: %v", err)
	}
	if err := back.Apply(target, opt.Errors); err != nil {
		t.Fatal(err)
	}
	// Through a commit too: the applied database must survive writing.
	written := filepath.Join(t.TempDir(), "out.msi")
	if err := target.WriteFile(written); err != nil {
		t.Fatal(err)
	}
	re, err := msi.Open(written)
	if err != nil {
		t.Fatal(err)
	}
	defer re.Close()
	if d := diffSnapshots(snapshot(t, upd), snapshot(t, re)); len(d) > 0 {
		t.Fatalf("applied transform differs from the new database:\n%s", join(d))
	}
	return out
}

func TestDiffRoundTripFix(t *testing.T) {
	gen := corpus(t, "generated")
	fix, err := Open(gen + "/fix.mst")
	if err != nil {
		t.Fatal(err)
	}
	defer fix.Close()
	upd, err := msi.Open(gen + "/tiny.msi")
	if err != nil {
		t.Fatal(err)
	}
	defer upd.Close()
	if err := fix.Apply(upd, fix.Info.Errors); err != nil {
		t.Fatal(err)
	}
	ops := opsPerTable(t, diffApply(t, gen+"/tiny.msi", upd, DiffOptions{Validate: DiffValidate, Errors: DiffErrors}))
	want := map[string]map[Op]int{"File": {OpUpdate: 1}, "Property": {OpInsert: 1}, "FeatureComponents": {OpDelete: 1}}
	for k, v := range want {
		if fmt.Sprint(ops[k]) != fmt.Sprint(v) {
			t.Errorf("%s: got %v want %v (all %v)", k, ops[k], v, ops)
		}
	}
	if len(ops) != len(want) {
		t.Errorf("tables: %v", ops)
	}
}

// opsPerTable reads the transform at path and counts its records per table
// and operation.
func opsPerTable(t *testing.T, path string) map[string]map[Op]int {
	t.Helper()
	tr, err := Open(path)
	if err != nil {
		t.Fatal(err)
	}
	defer tr.Close()
	ch, err := tr.Changes(nil)
	if err != nil {
		t.Fatal(err)
	}
	ops := map[string]map[Op]int{}
	for _, c := range ch {
		for _, r := range c.Records {
			if ops[c.Name] == nil {
				ops[c.Name] = map[Op]int{}
			}
			ops[c.Name][r.Op]++
		}
	}
	return ops
}

// A larger synthetic pair: many deletions, done in one pass after the records.
func TestDiffRoundTripSynthetic(t *testing.T) {
	dir := t.TempDir()
	v1, v2, err := transformtest.Synthetic{Files: 200, Registry: 3000, Changed: 10}.Build(dir)
	if err != nil {
		t.Fatal(err)
	}
	upd, err := msi.Open(v2)
	if err != nil {
		t.Fatal(err)
	}
	defer upd.Close()
	diffApply(t, v1, upd, DiffOptions{Validate: DiffValidate})
}
