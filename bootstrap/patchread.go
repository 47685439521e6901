package bootstrap

import (
	"errors"
	"io/fs"
	"regexp"
	"strings"

	"github.com/ohotfix/ohotfix/bootstrap/exitcode"
	"github.com/ohotfix/ohotfix/msi"
)

var guidRE = regexp.MustCompile(`\{[0-9A-Fa-f]{8}-[0-9A-Fa-f]{4}-[0-9A-Fa-f]{4}-[0-9A-Fa-f]{4}-[0-9A-Fa-f]{12}\}`)

// ReadPatchInfo reads what Detect needs from an .msp without reading its
// cabinets: the summary (Template = target product codes, Revision Number =
// patch code + obsoleted codes, Word Count = minimum installer), the root
// tables MsiPatchSequence and MsiPatchMetadata, and the size of its cabinet
// streams (for the free-space estimate).
func ReadPatchInfo(path string) PatchInfo {
	pi := PatchInfo{File: path}
	db, err := msi.Open(path)
	if err != nil {
		pi.OpenCode = exitcode.PatchInvalid
		if errors.Is(err, fs.ErrNotExist) || errors.Is(err, fs.ErrPermission) {
			pi.OpenCode = exitcode.PatchOpenFailed
		}
		pi.OpenError = "cannot open the patch: " + err.Error()
		return pi
	}
	defer db.Close()
	if db.Container() != msi.Patch {
		pi.OpenError, pi.OpenCode = "not a patch package (its root CLSID says "+db.Container().String()+")", exitcode.PatchInvalid
		return pi
	}
	si, err := db.Summary()
	if err != nil {
		pi.OpenError, pi.OpenCode = "unreadable summary information: "+err.Error(), exitcode.PatchInvalid
		return pi
	}
	for _, t := range strings.Split(si.Template(), ";") {
		if t = strings.TrimSpace(t); t != "" {
			pi.Targets = append(pi.Targets, strings.ToUpper(t))
		}
	}
	codes := guidRE.FindAllString(si.RevisionNumber(), -1)
	if len(codes) == 0 {
		pi.OpenError, pi.OpenCode = "the summary's Revision Number holds no patch code", exitcode.PatchInvalid
		return pi
	}
	pi.PatchCode = strings.ToUpper(codes[0])
	for _, c := range codes[1:] {
		pi.Obsoletes = append(pi.Obsoletes, strings.ToUpper(c))
	}
	pi.MinInstaller = int(si.WordCount())
	if len(pi.Targets) == 0 {
		pi.OpenError, pi.OpenCode = "the patch names no target product (empty Template)", exitcode.PatchInvalid
		return pi
	}
	if db.HasTable("MsiPatchMetadata") {
		if t, err := db.Table("MsiPatchMetadata"); err == nil {
			ci, pi2, vi := t.ColumnIndex("Company"), t.ColumnIndex("Property"), t.ColumnIndex("Value")
			for _, r := range t.Rows() {
				if ci >= 0 && !r[ci].IsNull() {
					continue
				}
				if pi2 >= 0 && vi >= 0 && r[pi2].Str() == "DisplayName" {
					pi.DisplayName = r[vi].Str()
				}
			}
		}
	}
	if db.HasTable("MsiPatchSequence") {
		if t, err := db.Table("MsiPatchSequence"); err == nil {
			fi, si2, ai := t.ColumnIndex("PatchFamily"), t.ColumnIndex("Sequence"), t.ColumnIndex("Attributes")
			for _, r := range t.Rows() {
				if fi < 0 || si2 < 0 {
					break
				}
				// One family per patch in practice; the first row names it.
				if pi.Family == "" {
					pi.Family, pi.Sequence = r[fi].Str(), r[si2].Str()
				}
				if ai >= 0 && r[fi].Str() == pi.Family {
					if a, _ := r[ai].Int(); a&1 != 0 { // msidbPatchSequenceSupersedeEarlier
						pi.SupersedeEarlier = true
					}
				}
			}
		}
	}
	for _, s := range db.Streams() {
		if n, err := db.StreamSize(s); err == nil && !strings.HasPrefix(s, "\x05") {
			pi.PayloadSize += n
		}
	}
	return pi
}
