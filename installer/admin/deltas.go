package admin

import (
	"bytes"
	"errors"
	"fmt"
	"hash/crc32"
	"io"
	"os"
	"path/filepath"
	"sort"
	"strings"

	"go.uber.org/zap"

	"github.com/ohotfix/ohotfix/cab"
	"github.com/ohotfix/ohotfix/delta"
	"github.com/ohotfix/ohotfix/exitcode"
	"github.com/ohotfix/ohotfix/internal/safeopen"
	"github.com/ohotfix/ohotfix/msi"
	"github.com/ohotfix/ohotfix/msi/patch"
)

// Binary deltas in an admin-image update.
//
// A Patch row says that the patch cabinet's member named by its File_ key
// is a PA19 delta, not the file: the new file is rebuilt from the image's
// current file (its baseline). Every delta is opened and its baseline
// checked (size and CRC, delta.Check) before anything is staged, so a
// wrong baseline refuses the whole update with the image untouched; the
// new file is then decoded straight into the staging folder, so it takes
// part in the transaction like a whole file (journal, rollback, crash
// safety). Windows Installer skips a failing non-vital row (Attributes &
// 1) with a warning; so do we.

// maxDeltaMember bounds the delta read into memory: a delta rebuilds at
// most a 32 MiB window, so a far larger member is not a delta.
const maxDeltaMember = 64 << 20

// BaselineMismatch is exitcode.PatchTargetNotFound (1642) for a delta
// whose old file is not the image's file: the patch was made for another
// version of the product's files. (1636, "patch invalid", is kept for
// damaged patches: the patch is fine, the image is not its target.)
const BaselineMismatch = exitcode.PatchTargetNotFound

// deltaRows are the Patch rows the applied pairs add, by File key (when a
// file has several rows, the one of the highest sequence, as it is applied
// last).
func deltaRows(db *msi.Database, p *patch.Patch, applied []string) (map[string]patch.DeltaFile, error) {
	rows, _, err := p.Deltas(db)
	if err != nil {
		return nil, exitcode.Wrap(exitcode.PatchInvalid, err)
	}
	out := map[string]patch.DeltaFile{}
	for _, r := range rows {
		if !containsFold(applied, r.Pair) {
			continue
		}
		if o, ok := out[r.File]; !ok || r.Sequence > o.Sequence {
			out[r.File] = r
		}
	}
	return out, nil
}

// deltaPlan is one delta to apply: its data, opened, and the image file it
// applies to.
type deltaPlan struct {
	row      patch.DeltaFile
	member   *cab.File
	rel      string // image-relative, slash-separated
	d        *delta.Delta
	upToDate bool  // the image file already is the new file
	err      error // the member is not a valid delta
}

// readDeltas reads the delta members (in folder order, so each folder is
// decoded once) and opens them. A cabinet that cannot be read fails; a
// member that is not a valid delta is recorded in its plan (a non-vital
// row is then skipped).
func readDeltas(plans []*deltaPlan) error {
	sort.SliceStable(plans, func(a, b int) bool {
		ma, mb := plans[a].member, plans[b].member
		if ma.FolderIndex != mb.FolderIndex {
			return ma.FolderIndex < mb.FolderIndex
		}
		return ma.Offset < mb.Offset
	})
	for _, pl := range plans {
		m := pl.member
		if m.Size > maxDeltaMember {
			pl.err = fmt.Errorf("%s: %w: member %s is %d bytes, more than any delta", pl.rel, delta.ErrCorrupt, m.Name, m.Size)
			continue
		}
		rc, err := m.Open()
		if err != nil {
			return err
		}
		b, err := safeopen.ReadAllLimited(rc, maxDeltaMember)
		rc.Close()
		if err != nil {
			return fmt.Errorf("reading the delta %s: %w", m.Name, err)
		}
		if pl.d, err = delta.Open(bytes.NewReader(b), int64(len(b))); err != nil {
			pl.err = fmt.Errorf("%s (File %s): %w", pl.rel, pl.row.File, err)
		}
	}
	return nil
}

// checkBaselines checks every plan's baseline in dir. It returns the plans
// to stage; non-vital rows that fail are dropped with a warning; vital ones
// that fail refuse the update (1642 for a wrong or missing baseline, 1636
// for a delta that is damaged or unsupported), naming every file.
func checkBaselines(dir string, plans []*deltaPlan, res *ApplyResult, log *zap.Logger) ([]*deltaPlan, error) {
	var keep []*deltaPlan
	var wrong, bad []string
	for _, pl := range plans {
		err := checkBaseline(dir, pl)
		if err == nil {
			keep = append(keep, pl)
			continue
		}
		if pl.row.Attributes&patch.NonVital != 0 {
			w := fmt.Sprintf("the non-vital delta of %s was skipped (the file stays as it is): %v", pl.rel, err)
			log.Warn("admin: "+w, zap.String("file", pl.row.File))
			res.Warnings = append(res.Warnings, w)
			continue
		}
		if errors.Is(err, delta.ErrWrongFile) {
			wrong = append(wrong, err.Error())
		} else {
			bad = append(bad, err.Error())
		}
	}
	switch {
	case len(bad) > 0:
		return nil, exitcode.New(exitcode.PatchInvalid, "patch %s carries deltas that cannot be applied, the image was not changed: %s",
			res.PatchCode, strings.Join(bad, "; "))
	case len(wrong) > 0:
		return nil, exitcode.New(BaselineMismatch, "patch %s was made for other versions of the image's files, the image was not changed: %s",
			res.PatchCode, strings.Join(wrong, "; "))
	}
	return keep, nil
}

// checkBaseline checks one delta against the image's file.
func checkBaseline(dir string, pl *deltaPlan) error {
	if pl.err != nil {
		return pl.err
	}
	path := filepath.Join(dir, filepath.FromSlash(pl.rel))
	if fi, err := os.Lstat(path); err == nil && fi.Mode()&os.ModeSymlink != 0 {
		// Not followed: the baseline must be the image's own file.
		return fmt.Errorf("%s: %w: expected %s; found a symbolic link", pl.rel, delta.ErrWrongFile, expected(pl.d))
	}
	f, size, err := safeopen.OpenSized(path)
	if err != nil {
		return fmt.Errorf("%s: %w: expected %s; found no readable file (%v)", pl.rel, delta.ErrWrongFile, expected(pl.d), err)
	}
	defer f.Close()
	_, err = pl.d.Check(f, size, delta.ApplyOptions{})
	if err == nil {
		return nil
	}
	if !errors.Is(err, delta.ErrWrongFile) {
		return fmt.Errorf("%s: %w", pl.rel, err)
	}
	crc := crc32.NewIEEE()
	if _, err := io.Copy(crc, io.NewSectionReader(f, 0, size)); err != nil {
		return fmt.Errorf("%s: reading it: %w", pl.rel, err)
	}
	if size == pl.d.NewSize && crc.Sum32() == pl.d.NewCRC && !hasRetain(pl.d) {
		// Already the new file (updated by other means): nothing to do, as
		// Windows does for a file that already matches.
		pl.upToDate = true
		return nil
	}
	return fmt.Errorf("%s (File %s): %w: expected %s; found %d bytes with CRC-32 0x%08X",
		pl.rel, pl.row.File, delta.ErrWrongFile, expected(pl.d), size, crc.Sum32())
}

// expected says which old files a delta applies to.
func expected(d *delta.Delta) string {
	var s []string
	for _, o := range d.Old {
		s = append(s, fmt.Sprintf("%d bytes with CRC-32 0x%08X", o.Size, o.CRC))
	}
	return strings.Join(s, " or ")
}

func hasRetain(d *delta.Delta) bool {
	for _, o := range d.Old {
		if len(o.Retain) > 0 {
			return true
		}
	}
	return false
}

// deltaJob stages the file rebuilt from the image's file by the delta,
// decoded streaming into the staging folder (memory: the LZX window).
func deltaJob(dir string, pl *deltaPlan) copyJob {
	return copyJob{Dst: pl.rel, Size: pl.d.NewSize, Write: func(dst string) error {
		f, size, err := safeopen.OpenSized(filepath.Join(dir, filepath.FromSlash(pl.rel)))
		if err != nil {
			return exitcode.New(exitcode.Fatal, "opening the baseline %s: %w", pl.rel, err)
		}
		defer f.Close()
		r, err := pl.d.Apply(f, size, delta.ApplyOptions{})
		if err == nil {
			err = copyInto(dst, r, pl.d.NewSize, pl.d.Timestamp, testHookWrap)
		}
		switch {
		case err == nil:
			return nil
		case errors.Is(err, delta.ErrWrongFile):
			return exitcode.New(BaselineMismatch, "%s changed while the update was staged: %w; the image was not changed", pl.rel, err)
		case errors.Is(err, delta.ErrCorrupt), errors.Is(err, delta.ErrUnsupported), errors.Is(err, delta.ErrHeaderOnly):
			return exitcode.New(exitcode.PatchInvalid, "the delta of %s: %w; the image was not changed", pl.rel, err)
		}
		return err
	}}
}

// deltasWithoutData checks that every Patch row of a file the image holds
// has its delta in the patch's cabinets: a vital row without one makes the
// patch invalid (1636), a non-vital one is skipped with a warning.
func deltasWithoutData(rows map[string]patch.DeltaFile, plans []*deltaPlan, lay *layout, res *ApplyResult, log *zap.Logger) error {
	planned := map[string]bool{}
	for _, pl := range plans {
		planned[pl.row.File] = true
	}
	var missing []string
	for key, row := range rows {
		i, ok := lay.ByKey[key]
		if planned[key] || !ok || !lay.Files[i].Copied {
			continue // planned, or a file the image does not hold
		}
		if row.Attributes&patch.NonVital != 0 {
			w := fmt.Sprintf("the non-vital delta of %s was skipped: the patch's cabinets have no member %s", lay.Files[i].RelPath, key)
			log.Warn("admin: "+w, zap.String("file", key))
			res.Warnings = append(res.Warnings, w)
			continue
		}
		missing = append(missing, key)
	}
	if len(missing) > 0 {
		sort.Strings(missing)
		return exitcode.New(exitcode.PatchInvalid, "patch %s has Patch rows for %s but no delta for them in its cabinets; the image was not changed",
			res.PatchCode, strings.Join(missing, ", "))
	}
	return nil
}

// fixFileSize makes File.FileSize of key the rebuilt file's size when the
// transform left another value (installers cost and verify by it).
func fixFileSize(db *msi.Database, key string, size int64, log *zap.Logger) error {
	ft, err := db.Table("File")
	if err != nil {
		return exitcode.Wrap(exitcode.PackageInvalid, err)
	}
	row, ok := ft.Lookup(key)
	if !ok {
		return nil
	}
	if n, ok := ft.Get(row, "FileSize").Int(); ok && int64(n) == size {
		return nil
	}
	log.Warn("admin: the patch's File.FileSize disagrees with its delta; the image records the delta's size", zap.String("file", key), zap.Int64("size", size))
	if err := ft.Set([]any{key}, "FileSize", int(size)); err != nil {
		return exitcode.Wrap(exitcode.PackageInvalid, err)
	}
	return nil
}

// dropPatchRows removes the Patch rows of keys (and the MsiPatchHeaders
// rows they name): the image now holds the new files, uncompressed, and no
// longer the patch's cabinet, so an installer reading the image must not
// try to patch them again (Wine's PatchFiles would look for the cabinet
// and fail the install).
func dropPatchRows(db *msi.Database, rows map[string]patch.DeltaFile) error {
	if len(rows) == 0 || !db.HasTable("Patch") {
		return nil
	}
	pt, err := db.Table("Patch")
	if err != nil {
		return exitcode.Wrap(exitcode.PackageInvalid, err)
	}
	fi, ri := pt.ColumnIndex("File_"), pt.ColumnIndex("StreamRef_")
	refs := map[string]bool{}
	pt.DeleteWhere(func(r msi.Row) bool {
		if _, ok := rows[r[fi].Str()]; !ok {
			return false
		}
		if ri >= 0 && !r[ri].IsNull() {
			refs[r[ri].Str()] = true
		}
		return true
	})
	if len(refs) > 0 && db.HasTable("MsiPatchHeaders") {
		ht, err := db.Table("MsiPatchHeaders")
		if err != nil {
			return exitcode.Wrap(exitcode.PackageInvalid, err)
		}
		ht.DeleteWhere(func(r msi.Row) bool { return refs[r[0].Str()] })
	}
	return nil
}
