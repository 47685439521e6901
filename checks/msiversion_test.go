package checks

import (
	"testing"

	"github.com/ohotfix/ohotfix/exitcode"
)

func TestMinMsiVersion(t *testing.T) {
	const url = "https://example.invalid/WindowsInstaller-KB893803-v2-x86.exe"
	for _, tc := range []struct {
		name  string
		check MinMsiVersion
		facts *Facts
		want  want
	}{
		{"newer", MinMsiVersion{Min: "2.0.2600.0"}, clientFacts("3.1.4000.2435", nil),
			want{status: Passed, reason: []string{"3.1.4000.2435", "2.0.2600.0"}}},
		{"equal", MinMsiVersion{Min: "2.0.2600.0"}, clientFacts("2.0.2600.0", nil), want{status: Passed}},
		{"trailing zero fields equal", MinMsiVersion{Min: "2.0"}, clientFacts("2.0.0.0", nil), want{status: Passed}},
		{"fourth field decides", MinMsiVersion{Min: "2.0.2600.1106"}, clientFacts("2.0.2600.2", nil),
			want{status: Failed, code: exitcode.EngineTooOld, reason: []string{"older than the required 2.0.2600.1106"}}},
		{"older, no upgrade offer", MinMsiVersion{Min: "3.0", UpgradeURL: url}, clientFacts("2.0.2600.0", nil),
			want{status: Failed, code: exitcode.EngineTooOld}},
		{"older, UpgradeMsi with URL", MinMsiVersion{Min: "3.0", UpgradeMsi: true, UpgradeURL: url}, clientFacts("2.0.2600.0", nil),
			want{status: Failed, code: exitcode.EngineTooOld, reason: []string{"upgrade Windows Installer from " + url}, link: url}},
		{"older, UpgradeMsi without URL", MinMsiVersion{Min: "3.0", UpgradeMsi: true}, clientFacts("2.0.2600.0", nil),
			want{status: Failed, code: exitcode.EngineTooOld, reason: []string{"MsiUpgradeURL is empty"}}},
		{"empty min uses built-in 1.1", MinMsiVersion{}, clientFacts("1.0", nil),
			want{status: Failed, code: exitcode.EngineTooOld, reason: []string{"1.1"}}},
		{"empty min passes 1.1", MinMsiVersion{}, clientFacts("1.1", nil), want{status: Passed}},
		{"admin engine meets 2.0", MinMsiVersion{Min: "2.0.2600.0"}, adminFacts(5, product(pro11, "11.0.5614.0")), want{status: Passed}},
		{"admin engine below 4.5, no URL offered", MinMsiVersion{Min: "4.5", UpgradeMsi: true, UpgradeURL: url}, adminFacts(5, product(pro11, "11.0.5614.0")),
			want{status: Failed, code: exitcode.EngineTooOld, reason: []string{"admin engine", AdminEngineVersion}}},
		{"malformed ini value", MinMsiVersion{Min: "two"}, clientFacts("3.1", nil),
			want{status: Failed, code: exitcode.InvalidCommandLine, reason: []string{"MinMsiVersion"}}},
		{"engine unknown", MinMsiVersion{Min: "2.0"}, clientFacts("", nil),
			want{status: Failed, code: exitcode.EngineTooOld, reason: []string{"could not be determined"}}},
		{"engine malformed", MinMsiVersion{Min: "2.0"}, clientFacts("5.0.x", nil),
			want{status: Failed, code: exitcode.EngineTooOld, reason: []string{"unreadable"}}},
	} {
		t.Run(tc.name, func(t *testing.T) { tc.want.check(t, tc.check.Run(tc.facts)) })
	}
}

func TestPatchInstaller(t *testing.T) {
	prods := []Product{product(pro11, "11.0.6361.0")}
	for _, tc := range []struct {
		name  string
		facts *Facts
		want  want
	}{
		{"all supported", clientFacts("2.0.2600.0", prods, patch("a.msp", 1, pro11), patch("b.msp", 3, pro11), patch("c.msp", 0, pro11)),
			want{status: Passed, reason: []string{"all 3 patches"}}},
		{"one needs 3.0", clientFacts("2.0.2600.0", prods, patch("a.msp", 3, pro11), patch("b.msp", 4, pro11)),
			want{status: Warning, reason: []string{"b.msp", "Windows Installer 3.0", "Word Count 4"},
				patches: map[string]Status{"b.msp": Failed}}},
		{"none supported", clientFacts("1.2", prods, patch("a.msp", 3, pro11), patch("b.msp", 5, pro11)),
			want{status: Failed, code: exitcode.PatchUnsupported, reason: []string{"no patch can be applied"},
				patches: map[string]Status{"a.msp": Failed, "b.msp": Failed}}},
		{"unknown word count", clientFacts("5.0.7600.16385", prods, patch("future.msp", 6, pro11), patch("ok.msp", 5, pro11)),
			want{status: Warning, reason: []string{"newer than Windows Installer 3.1"}, patches: map[string]Status{"future.msp": Failed}}},
		{"negative word count is invalid", clientFacts("3.1", prods, patch("bad.msp", -7, pro11)),
			want{status: Failed, code: exitcode.PatchInvalid, patches: map[string]Status{"bad.msp": Failed}}},
		{"admin engine takes 3.1 patches", adminFacts(5, product(pro11, "11.0.6361.0"), patch("sp3.msp", 5, pro11)), want{status: Passed}},
		{"no patches", clientFacts("3.1", prods), want{status: Skipped}},
		{"engine unknown", clientFacts("", prods, patch("a.msp", 4, pro11)), want{status: Skipped}},
	} {
		t.Run(tc.name, func(t *testing.T) { tc.want.check(t, PatchInstaller{}.Run(tc.facts)) })
	}
	// Verdict codes: 1637 for "needs newer", 1636 for a malformed value.
	r := PatchInstaller{}.Run(clientFacts("1.1", prods, patch("a.msp", 4, pro11), patch("b.msp", -1, pro11)))
	if r.Patches[0].Code != exitcode.PatchUnsupported || r.Patches[1].Code != exitcode.PatchInvalid {
		t.Fatalf("verdict codes %+v", r.Patches)
	}
}
