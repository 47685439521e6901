package checks

import (
	"strings"
	"testing"

	"github.com/ohotfix/ohotfix/exitcode"
)

// Office 2003 product codes (KB 884298 layout): Professional and Visio.
const (
	pro11  = "{90110409-6000-11D3-8CFE-0150048383C9}"
	visio  = "{90510409-6000-11D3-8CFE-0150048383C9}"
	other  = "{11111111-2222-3333-4444-555555555555}"
	patchA = "{AAAAAAAA-0000-0000-0000-000000000001}"
)

func product(code, ver string, features ...Feature) Product {
	return Product{Code: code, Name: "P" + code[1:5], Version: ver, Features: features}
}

func patch(name string, wc int, targets ...string) Patch {
	return Patch{Name: name, Code: patchA, WordCount: wc, Targets: targets, CabinetBytes: 1 << 20}
}

func clientFacts(engine string, products []Product, patches ...Patch) *Facts {
	return &Facts{Mode: Client, Engine: Engine{Name: "Windows Installer", Version: engine}, Products: products, Patches: patches}
}

func adminFacts(wordCount int, img Product, patches ...Patch) *Facts {
	return &Facts{Mode: Admin, Engine: AdminEngine(), Patches: patches,
		Image: &AdminImage{Path: "/srv/o11/PRO11.MSI", Exists: true, WordCount: wordCount, Product: img}}
}

// want is what a table row expects of a Result.
type want struct {
	status  Status
	code    exitcode.Code
	reason  []string          // substrings of Reason
	patches map[string]Status // per-patch verdicts, exactly
	link    string
}

func (w want) check(t *testing.T, r Result) {
	t.Helper()
	if r.Status != w.status || r.Code != w.code {
		t.Fatalf("got %s/%v, want %s/%v; reason: %s", r.Status, r.Code, w.status, w.code, r.Reason)
	}
	if r.Passed != (r.Status != Failed) {
		t.Errorf("Passed = %v with status %s", r.Passed, r.Status)
	}
	for _, s := range w.reason {
		if !strings.Contains(r.Reason, s) {
			t.Errorf("reason %q lacks %q", r.Reason, s)
		}
	}
	if r.Reason == "" {
		t.Error("empty reason")
	}
	if r.Link != w.link {
		t.Errorf("link = %q, want %q", r.Link, w.link)
	}
	got := map[string]Status{}
	for _, v := range r.Patches {
		got[v.Patch] = v.Status
		if v.Reason == "" {
			t.Errorf("verdict for %s has no reason", v.Patch)
		}
		if (v.Status == Failed) != (v.Code != 0) {
			t.Errorf("verdict %+v: a failure needs a code, nothing else has one", v)
		}
	}
	if len(got) != len(w.patches) {
		t.Fatalf("patch verdicts %v, want %v", got, w.patches)
	}
	for k, s := range w.patches {
		if got[k] != s {
			t.Fatalf("patch verdicts %v, want %v", got, w.patches)
		}
	}
}
