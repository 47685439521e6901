package admin

import (
	"fmt"
	"os"
	"path/filepath"

	"github.com/ohotfix/ohotfix/checks"
	"github.com/ohotfix/ohotfix/exitcode"
	"github.com/ohotfix/ohotfix/msi"
)

// What an update writes into the image folder before it can switch over
// (the originals are moved aside, not copied, so they cost nothing):
//
//	staged files     every delivered file, whole, in <image>/.ohotfix-txn
//	new database     a full copy of the patched database, same folder
//	journal          about journalBytesPerFile a file, plus its temporary
//	                 copy while it is written, plus the commit mark
//	lock             the image lock and its holder record
//
// Each file also costs up to a block of slack (blockSize).
const (
	blockSize           = 4096
	journalBytesPerFile = 256
	fixedOverhead       = 64 << 10 // journal header, commit mark, lock files, staging folders
)

// SpaceNeed is the space an update needs in one folder (a file system).
type SpaceNeed struct {
	Folder string           // the folder written into
	Bytes  int64            // total
	Parts  map[string]int64 // "staged files", "new database", "journal", "other"
}

func (s SpaceNeed) String() string {
	return fmt.Sprintf("%s: %d bytes (staged files %d, new database %d, journal %d, other %d)", s.Folder, s.Bytes,
		s.Parts["staged files"], s.Parts["new database"], s.Parts["journal"], s.Parts["other"])
}

// roundBlock rounds n up to whole blocks.
func roundBlock(n int64) int64 { return (n + blockSize - 1) / blockSize * blockSize }

// spaceFor is the need of an update staging files of the given sizes and a
// new database of about dbBytes into folder.
func spaceFor(folder string, sizes []int64, dbBytes int64) SpaceNeed {
	var staged int64
	for _, s := range sizes {
		staged += roundBlock(s)
	}
	files := int64(len(sizes) + 1)
	journal := 2 * roundBlock(files*journalBytesPerFile) // the journal and its temporary copy
	db := roundBlock(dbBytes)
	return SpaceNeed{Folder: folder, Bytes: staged + db + journal + fixedOverhead, Parts: map[string]int64{
		"staged files": staged, "new database": db, "journal": journal, "other": fixedOverhead}}
}

// EstimateApplySpace returns, per folder, the space that applying the patch
// at patchPath to the administrative image imageMsi needs, before anything
// is staged: an upper bound (every file the patch delivers for the image's
// product is counted, even one a Level-0 feature would skip; the new
// database is counted as the current one plus everything in the patch that
// is not a cabinet). Everything is written in the image's folder — the real
// one when imageMsi is a symbolic link; nothing goes to the temp folder.
// Errors carry the same codes as ApplyPatch's (1619, 1620, 1635, 1636).
func EstimateApplySpace(imageMsi, patchPath string) ([]SpaceNeed, error) {
	dbPath, dbSize, err := imageDatabase(imageMsi)
	if err != nil {
		return nil, err
	}
	db, err := openPackage(dbPath)
	if err != nil {
		return nil, err
	}
	defer db.Close()
	need, err := applySpace(db, filepath.Dir(dbPath), dbSize, patchPath)
	if err != nil {
		return nil, err
	}
	return []SpaceNeed{need}, nil
}

// imageDatabase returns the path of the real image database (imageMsi, or
// what it links to) and its size.
func imageDatabase(imageMsi string) (path string, size int64, err error) {
	dir, name, _, err := resolveDatabaseLink(filepath.Dir(imageMsi), filepath.Base(imageMsi))
	if err != nil {
		return "", 0, exitcode.New(exitcode.PackageOpenFailed, "cannot open the image database: %w", err)
	}
	path = filepath.Join(dir, name)
	fi, err := os.Stat(path)
	if err != nil {
		return "", 0, exitcode.New(exitcode.PackageOpenFailed, "cannot open the image database: %w", err)
	}
	return path, fi.Size(), nil
}

// applySpace is EstimateApplySpace with the image database db (dbSize
// bytes, in dir) already open.
func applySpace(db *msi.Database, dir string, dbSize int64, patchPath string) (SpaceNeed, error) {
	p, err := openPatch(patchPath)
	if err != nil {
		return SpaceNeed{}, err
	}
	defer p.Close()
	files, err := p.Files(db)
	if err != nil {
		return SpaceNeed{}, exitcode.Wrap(exitcode.PatchInvalid, err)
	}
	var sizes []int64
	for _, f := range files {
		if f.Known {
			sizes = append(sizes, f.Size)
		}
	}
	patchInfo, err := os.Stat(patchPath)
	if err != nil {
		return SpaceNeed{}, exitcode.New(exitcode.PatchOpenFailed, "cannot open the patch %s: %w", patchPath, err)
	}
	nonCab := patchInfo.Size()
	if cabs, err := p.Cabinets(db); err == nil {
		for _, c := range cabs {
			nonCab -= c.Size
		}
	}
	return spaceFor(dir, sizes, dbSize+max(nonCab, 0)), nil
}

// freeSpace measures a folder's free space (a variable: tests simulate a
// full disk).
var freeSpace = checks.FreeSpace

// checkSpace refuses an update whose staging would not fit (1632), before
// anything is written. A folder whose free space cannot be measured is not
// refused (the writes then fail cleanly with 1632 if the disk fills).
func checkSpace(need SpaceNeed) error {
	free, err := freeSpace(need.Folder)
	if err != nil || uint64(need.Bytes) <= free {
		return nil
	}
	return exitcode.New(exitcode.TempUnwritable,
		"not enough space in the image folder %s: the update needs %s (staged files %s, new database %s, journal %s), %s are free; the image was not changed",
		need.Folder, human(need.Bytes), human(need.Parts["staged files"]), human(need.Parts["new database"]),
		human(need.Parts["journal"]), human(int64(free)))
}

func human(n int64) string {
	switch {
	case n >= 10<<20:
		return fmt.Sprintf("%d MiB", n>>20)
	case n >= 10<<10:
		return fmt.Sprintf("%d KiB", n>>10)
	}
	return fmt.Sprintf("%d bytes", n)
}
