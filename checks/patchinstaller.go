package checks

import (
	"fmt"
	"strings"

	version "github.com/hashicorp/go-version"

	"github.com/ohotfix/ohotfix/exitcode"
)

// PatchInstaller compares each patch's own minimum installer (its summary
// Word Count) with the engine. A patch that needs a newer installer is
// excluded with 1637; the check fails only when no patch is left.
type PatchInstaller struct{}

func (PatchInstaller) Name() string { return "PatchInstallerVersion" }

func (c PatchInstaller) Run(f *Facts) Result {
	name := c.Name()
	if len(f.Patches) == 0 {
		return skipped(name, "no patches to judge")
	}
	have, err := ParseVersion(f.Engine.Version)
	if err != nil {
		return skipped(name, "installer engine version unknown (judged by MinMsiVersion)")
	}
	var bad []PatchVerdict
	for _, p := range f.Patches {
		if v, ok := c.judge(f.Engine, have, p); !ok {
			bad = append(bad, v)
		}
	}
	switch {
	case len(bad) == 0:
		return passed(name, fmt.Sprintf("%s %s can apply all %d patches", engineLabel(f.Engine), f.Engine.Version, len(f.Patches)))
	case len(bad) == len(f.Patches):
		r := failed(name, bad[0].Code, fmt.Sprintf("no patch can be applied by %s %s: %s", engineLabel(f.Engine), f.Engine.Version, verdictList(bad)))
		r.Patches = bad
		return r
	}
	r := warning(name, fmt.Sprintf("%d of %d patches skipped: %s", len(bad), len(f.Patches), verdictList(bad)))
	r.Patches = bad
	return r
}

func (c PatchInstaller) judge(e Engine, have *version.Version, p Patch) (PatchVerdict, bool) {
	if p.WordCount < 0 {
		return PatchVerdict{Patch: p.Name, Status: Failed, Code: exitcode.PatchInvalid,
			Reason: fmt.Sprintf("Word Count %d is not a valid minimum-installer value", p.WordCount)}, false
	}
	minText, known := wordCountInstaller(p.WordCount)
	if !known {
		return PatchVerdict{Patch: p.Name, Status: Failed, Code: exitcode.PatchUnsupported,
			Reason: fmt.Sprintf("Word Count %d asks for an installer newer than Windows Installer 3.1", p.WordCount)}, false
	}
	if minText == "" {
		return PatchVerdict{}, true
	}
	if min, _ := ParseVersion(minText); have.LessThan(min) { // minText is one of our constants
		return PatchVerdict{Patch: p.Name, Status: Failed, Code: exitcode.PatchUnsupported,
			Reason: fmt.Sprintf("needs Windows Installer %s (Word Count %d); %s is %s", minText, p.WordCount, engineLabel(e), e.Version)}, false
	}
	return PatchVerdict{}, true
}

// verdictList renders "a.msp (reason); b.msp (reason)".
func verdictList(vs []PatchVerdict) string {
	parts := make([]string, len(vs))
	for i, v := range vs {
		parts[i] = v.Patch + " (" + v.Reason + ")"
	}
	return strings.Join(parts, "; ")
}
