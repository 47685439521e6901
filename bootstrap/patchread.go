package bootstrap

import (
	"strings"

	"github.com/ohotfix/ohotfix/installer"

	"github.com/ohotfix/ohotfix/exitcode"
	"github.com/ohotfix/ohotfix/msi/patch"
)

// ReadPatchInfo reads what Detect needs from an .msp without reading its
// cabinets (msi/patch does the reading): target product codes, patch code
// and obsoleted codes, minimum installer, MsiPatchSequence and the display
// name, the product transforms' summaries (to validate them against the
// targets), and the size of its streams (for the free-space estimate).
func ReadPatchInfo(path string) installer.PatchInfo {
	pi := installer.PatchInfo{File: path}
	p, err := patch.Open(path)
	if err != nil {
		err = exitcode.Patch.OpenError(path, err, patch.IsInvalid(err))
		pi.OpenError, pi.OpenCode = err.Error(), exitcode.Of(err)
		return pi
	}
	defer p.Close()
	pi.PatchCode = strings.ToUpper(p.PatchCode)
	for _, c := range p.Obsoletes {
		pi.Obsoletes = append(pi.Obsoletes, strings.ToUpper(c))
	}
	for _, t := range p.Targets {
		pi.Targets = append(pi.Targets, strings.ToUpper(t))
	}
	pi.MinInstaller = p.MinInstaller
	pi.DisplayName = p.Metadata["DisplayName"]
	for _, s := range p.Sequences {
		// One family per patch in practice; the first row names it.
		if pi.Family == "" {
			pi.Family, pi.Sequence = s.Family, s.Sequence
		}
		if s.Family == pi.Family && s.Attributes&patch.SupersedeEarlier != 0 {
			pi.SupersedeEarlier = true
		}
	}
	infos, err := p.TransformInfos()
	if err != nil {
		// A transform the planner cannot read is one no installer can
		// apply: the patch is malformed (1636), refused like the others.
		err = exitcode.Patch.OpenError(path, err, patch.IsInvalid(err))
		return installer.PatchInfo{File: path, OpenError: err.Error(), OpenCode: exitcode.Of(err)}
	}
	pi.Transforms = infos
	db := p.Database()
	for _, s := range db.Streams() {
		if n, err := db.StreamSize(s); err == nil && !strings.HasPrefix(s, "\x05") {
			pi.PayloadSize += n
		}
	}
	return pi
}
