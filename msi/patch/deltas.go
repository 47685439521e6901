package patch

import (
	"bytes"
	"fmt"

	"github.com/ohotfix/ohotfix/delta"
	"github.com/ohotfix/ohotfix/msi"
	"github.com/ohotfix/ohotfix/msi/transform"
)

// DeltaFile is one binary delta a patch carries: a Patch table row added
// by a patch transform. The cabinet member named File holds the PA19 delta
// (PatchSize bytes); its header also travels in the row (Patch.Header) or,
// when stream names would be too long, in MsiPatchHeaders (StreamRef).
type DeltaFile struct {
	Pair       string // the transform pair adding the row
	File       string // File_ key, also the cabinet member's name
	Sequence   int    // the delta's sequence among the patch's media
	PatchSize  int
	Attributes int    // 1: non-vital (a failure skips the file)
	StreamRef  string // MsiPatchHeaders key, "" when Header is in the row
	// Header is the PA19 header as stored (nil when none); HeaderErr is set
	// when it could not be read or parsed.
	Header    *delta.Header
	HeaderErr error
}

// PatchPackage is one PatchPackage row: which media (Media.DiskId) the
// patch with PatchID delivers its files on.
type PatchPackage struct {
	Pair    string
	PatchID string
	Media   int
}

// NonVital is the Patch.Attributes bit of a delta whose failure Windows
// Installer skips with a warning.
const NonVital = 1

// Deltas lists the binary deltas (Patch rows) and PatchPackage rows the
// patch transforms add, read-only. db is the product database the patch is
// decoded against (nil: the tables' own schemas, enough for inspection,
// since the patch transforms create these tables).
func (p *Patch) Deltas(db *msi.Database) ([]DeltaFile, []PatchPackage, error) {
	pairs, err := p.Pairs()
	if err != nil {
		return nil, nil, err
	}
	var files []DeltaFile
	var pkgs []PatchPackage
	for _, pr := range pairs {
		f, pk, err := deltasOf(pr.Name, pr.PatchTransform, db)
		if err != nil {
			return nil, nil, invalid(err, "patch transform #%s", pr.Name)
		}
		files, pkgs = append(files, f...), append(pkgs, pk...)
	}
	return files, pkgs, nil
}

// deltasOf lists the Patch and PatchPackage rows one patch transform adds.
func deltasOf(pair string, pt *transform.Transform, db *msi.Database) (files []DeltaFile, pkgs []PatchPackage, err error) {
	changes, err := pt.Changes(db)
	if err != nil {
		return nil, nil, err
	}
	byName := map[string]transform.TableChange{}
	for _, c := range changes {
		byName[c.Name] = c
	}
	headers := map[string][]byte{} // MsiPatchHeaders: StreamRef -> header
	if tc, ok := byName["MsiPatchHeaders"]; ok && tc.Err == nil {
		for _, r := range tc.Records {
			if r.Op == transform.OpDelete {
				continue
			}
			if b, err := binaryCell(pt, tc, r, "Header"); err == nil && b != nil {
				headers[cell(tc, r, "StreamRef").Str()] = b
			}
		}
	}
	if tc, ok := byName["Patch"]; ok && tc.Err == nil {
		for _, r := range tc.Records {
			if r.Op == transform.OpDelete {
				continue
			}
			f := DeltaFile{
				Pair: pair, File: cell(tc, r, "File_").Str(),
				Sequence: cellInt(tc, r, "Sequence"), PatchSize: cellInt(tc, r, "PatchSize"),
				Attributes: cellInt(tc, r, "Attributes"), StreamRef: cell(tc, r, "StreamRef_").Str(),
			}
			raw, err := binaryCell(pt, tc, r, "Header")
			if raw == nil && err == nil && f.StreamRef != "" {
				if raw = headers[f.StreamRef]; raw == nil {
					err = fmt.Errorf("MsiPatchHeaders has no row %q", f.StreamRef)
				}
			}
			switch {
			case err != nil:
				f.HeaderErr = err
			case raw != nil:
				f.Header, f.HeaderErr = delta.ReadHeader(bytes.NewReader(raw))
			}
			files = append(files, f)
		}
	}
	if tc, ok := byName["PatchPackage"]; ok && tc.Err == nil {
		for _, r := range tc.Records {
			if r.Op != transform.OpDelete {
				pkgs = append(pkgs, PatchPackage{Pair: pair, PatchID: cell(tc, r, "PatchId").Str(), Media: cellInt(tc, r, "Media_")})
			}
		}
	}
	return files, pkgs, nil
}

// binaryCell reads a binary cell's stream from the transform (nil when the
// cell is NULL).
func binaryCell(t *transform.Transform, tc transform.TableChange, r transform.Record, col string) ([]byte, error) {
	v := cell(tc, r, col)
	if v.Kind() != msi.KindBinary {
		return nil, nil
	}
	return t.Stream(v.StreamName())
}
