package payload

import (
	"crypto/sha256"
	"fmt"
	"hash"
	"io"
	"os"
	"path/filepath"
	"sort"
	"strings"
	"time"

	"github.com/ohotfix/ohotfix/cab"
	"github.com/ohotfix/ohotfix/exitcode"
	"github.com/ohotfix/ohotfix/internal/atomicfile"
	"github.com/ohotfix/ohotfix/internal/safeopen"
)

const (
	// cabinetLimit is how many uncompressed bytes go into one cabinet: MS-CAB
	// counts a cabinet's size in 31 bits, and MSZIP stores incompressible
	// 32 KiB blocks with 15 bytes of overhead, so 2e9 bytes always fit.
	cabinetLimit = 2_000_000_000
	// cabinetFiles keeps a cabinet below the format's 65535 members.
	cabinetFiles = 60000
	// peLimit: a PE's certificate-table offset is a 32-bit file offset.
	peLimit = 1<<32 - 1
)

// Files lists what Pack takes from dir: ohotfix.ini and every .msp
// (and .mst, .cab beside them), sorted.
func Files(dir string) ([]string, error) {
	entries, err := os.ReadDir(dir)
	if err != nil {
		return nil, err
	}
	var out []string
	for _, e := range entries {
		n := e.Name()
		ext := strings.ToLower(filepath.Ext(n))
		if e.Type().IsRegular() && (strings.EqualFold(n, "ohotfix.ini") || ext == ".msp" || ext == ".mst" || ext == ".cab") {
			out = append(out, n)
		}
	}
	sort.Strings(out)
	return out, nil
}

// PackInfo describes a package Pack wrote.
type PackInfo struct {
	Files    []string // the members, SHA256SUMS included
	Cabinets int
	PE       bool
	// DroppedSignature is set when the stub was signed: its signature
	// cannot cover the package and was removed (sign the package).
	DroppedSignature bool
}

// Pack writes out = stub + cabinets of files (names relative to dir) +
// SHA256SUMS + trailer, atomically and streaming (nothing is held in
// memory whole). The stub is an ohotfix executable (for Windows, a
// bin/ohotfix.exe build); a packed stub's payload is replaced, and a
// signed stub's signature dropped. A PE package must stay below 4 GiB.
func Pack(stub, dir string, files []string, out string) (*PackInfo, error) {
	if len(files) == 0 {
		return nil, exitcode.New(exitcode.InvalidCommandLine, "nothing to pack in %s (want ohotfix.ini and .msp files)", dir)
	}
	files = iniFirst(files)
	var total int64
	seen := map[string]string{}
	for _, name := range files {
		if name != filepath.Base(name) || strings.EqualFold(name, ManifestName) || name != cab.SafePath(name) {
			return nil, exitcode.New(exitcode.InvalidCommandLine, "cannot pack %q: want a plain file name other than %s", name, ManifestName)
		}
		if other, dup := seen[strings.ToLower(name)]; dup {
			return nil, exitcode.New(exitcode.InvalidCommandLine, "cannot pack both %s and %s: their names differ only in case (one file on Windows)", other, name)
		}
		seen[strings.ToLower(name)] = name
		st, err := os.Stat(filepath.Join(dir, name))
		if err != nil {
			return nil, exitcode.Wrap(exitcode.InvalidCommandLine, err)
		}
		if st.Size() > cabinetLimit {
			return nil, exitcode.New(exitcode.InvalidCommandLine, "%s is %d bytes: a payload member holds at most %d bytes (a cabinet's limit)", name, st.Size(), int64(cabinetLimit))
		}
		total += st.Size()
	}
	exe, err := os.Open(stub)
	if err != nil {
		return nil, err
	}
	defer exe.Close()
	st, err := exe.Stat()
	if err != nil {
		return nil, err
	}
	base := st.Size()
	layout, isPE, err := readPELayout(exe, st.Size())
	if err != nil {
		return nil, exitcode.New(exitcode.InvalidCommandLine, "stub %s: %v", stub, err)
	}
	info := &PackInfo{PE: isPE, DroppedSignature: isPE && layout.signed()}
	if isPE && layout.signed() {
		base = layout.certOff
	}
	if p, ok, _ := find(exe, st.Size(), stub); ok {
		base = p.Offset
	}
	if isPE && base+total >= peLimit {
		return nil, exitcode.New(exitcode.InvalidCommandLine,
			"a Windows (PE) executable cannot carry 4 GiB or more (its signature is found through a 32-bit file offset): "+
				"the stub is %d bytes and the files to pack %d; use a Linux stub, or split the update into several packages", base, total)
	}
	if err := os.MkdirAll(filepath.Dir(out), 0o755); err != nil {
		return nil, err
	}
	err = atomicfile.Write(out, 0o755, func(w io.Writer) error {
		if err := copyStub(w, exe, base, isPE, layout); err != nil {
			return err
		}
		cw := &countingWriter{w: w}
		n, err := writeCabinets(cw, dir, files, filepath.Dir(out))
		if err != nil {
			return err
		}
		info.Cabinets = n
		if isPE && base+cw.n+trailerSize >= peLimit {
			return exitcode.New(exitcode.InvalidCommandLine, "the package would be %d bytes: a Windows (PE) executable cannot carry 4 GiB or more", base+cw.n+trailerSize)
		}
		_, err = w.Write(trailer(base, cw.n))
		return err
	})
	if err != nil {
		return nil, err
	}
	info.Files = append([]string{ManifestName}, files...)
	sort.Strings(info.Files)
	return info, nil
}

// iniFirst puts ohotfix.ini first (it is read before anything else).
func iniFirst(files []string) []string {
	out := make([]string, 0, len(files))
	for _, f := range files {
		if strings.EqualFold(f, "ohotfix.ini") {
			out = append(out, f)
		}
	}
	for _, f := range files {
		if !strings.EqualFold(f, "ohotfix.ini") {
			out = append(out, f)
		}
	}
	return out
}

// copyStub writes the first n bytes of the stub; a PE stub's certificate
// directory entry is zeroed (the signature, if any, is not copied).
func copyStub(w io.Writer, exe *os.File, n int64, isPE bool, l peLayout) error {
	if _, err := exe.Seek(0, io.SeekStart); err != nil {
		return err
	}
	if isPE && l.signed() {
		head := make([]byte, l.certDirOff+8)
		if _, err := io.ReadFull(exe, head); err != nil {
			return err
		}
		clear(head[l.certDirOff:])
		if _, err := w.Write(head); err != nil {
			return err
		}
		n -= int64(len(head))
	}
	_, err := io.CopyN(w, exe, n)
	return err
}

// writeCabinets writes files into as many cabinets as their size needs,
// then SHA256SUMS in a cabinet of its own (small, so it is read without
// decoding anything else), hashing each file as it is compressed.
func writeCabinets(w io.Writer, dir string, files []string, tempDir string) (int, error) {
	sums := Manifest{}
	ncab := 0
	for len(files) > 0 {
		var size int64
		k := 0
		for k < len(files) && k < cabinetFiles {
			st, err := os.Stat(filepath.Join(dir, files[k]))
			if err != nil {
				return 0, err
			}
			if k > 0 && size+st.Size() > cabinetLimit {
				break
			}
			size += st.Size()
			k++
		}
		cw := newCabWriter(w, tempDir)
		for _, name := range files[:k] {
			h, err := addFile(cw, filepath.Join(dir, name), name)
			if err != nil {
				return 0, fmt.Errorf("pack %s: %w", name, err)
			}
			var s [sha256.Size]byte
			copy(s[:], h.Sum(nil))
			sums[name] = s
		}
		if err := cw.Close(); err != nil {
			return 0, err
		}
		ncab++
		files = files[k:]
	}
	cw := newCabWriter(w, tempDir)
	fw, err := cw.Create(&cab.FileHeader{Name: ManifestName, Modified: time.Now(), Attributes: cab.AttrArchive})
	if err == nil {
		_, err = fw.Write(sums.Marshal())
	}
	if err == nil {
		err = cw.Close()
	}
	return ncab + 1, err
}

func newCabWriter(w io.Writer, tempDir string) *cab.Writer {
	cw := cab.NewWriter(w)
	// A folder per file: independent folders are decoded in parallel at
	// extraction (a member cannot span folders, so a smaller folder size
	// would not split a large .msp anyway).
	cw.FolderPerFile = true
	cw.TempDir = tempDir
	return cw
}

func addFile(cw *cab.Writer, path, name string) (hash.Hash, error) {
	src, err := safeopen.Open(path) // a FIFO put in its place must not block the pack
	if err != nil {
		return nil, err
	}
	defer src.Close()
	st, err := src.Stat()
	if err != nil {
		return nil, err
	}
	fw, err := cw.Create(&cab.FileHeader{Name: name, Modified: st.ModTime(), Attributes: cab.AttrArchive})
	if err != nil {
		return nil, err
	}
	h := sha256.New()
	n, err := io.Copy(io.MultiWriter(fw, h), src)
	if err == nil && n != st.Size() {
		err = fmt.Errorf("changed while it was packed (%d bytes, then %d)", st.Size(), n)
	}
	return h, err
}

type countingWriter struct {
	w io.Writer
	n int64
}

func (c *countingWriter) Write(p []byte) (int, error) {
	n, err := c.w.Write(p)
	c.n += int64(n)
	return n, err
}
