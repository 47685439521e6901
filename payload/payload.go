package payload

import (
	"encoding/binary"
	"fmt"
	"io"
	"os"
	"path/filepath"
	"sort"
	"strings"

	"github.com/ohotfix/ohotfix/cab"
	"github.com/ohotfix/ohotfix/exitcode"
	"github.com/ohotfix/ohotfix/internal/atomicfile"
)

// A patch executable is the ohotfix binary with a cabinet of payloads
// (ohotfix.ini + .msp files) appended, followed by a trailer that says where
// the cabinet starts. Windows ignores data after the last PE section, so the
// executable runs unchanged; the trailer makes finding the payload exact
// instead of a scan for "MSCF" that a binary could contain by chance.
//
//	[executable][cabinet][trailer: "OHFXPAY1" | u64 cab offset | u64 cab size]
const payloadMagic = "OHFXPAY1"

const trailerSize = 8 + 8 + 8

// Payload locates the cabinet attached to an executable.
type Payload struct {
	Exe          string
	Offset, Size int64
}

// Find reads exe's trailer. ok is false when exe has none.
func Find(exe string) (p Payload, ok bool, err error) {
	f, err := os.Open(exe)
	if err != nil {
		return p, false, err
	}
	defer f.Close()
	st, err := f.Stat()
	if err != nil || st.Size() < trailerSize {
		return p, false, err
	}
	var t [trailerSize]byte
	if _, err := f.ReadAt(t[:], st.Size()-trailerSize); err != nil {
		return p, false, err
	}
	if string(t[:8]) != payloadMagic {
		return p, false, nil
	}
	off, size := int64(binary.LittleEndian.Uint64(t[8:])), int64(binary.LittleEndian.Uint64(t[16:]))
	if off < 0 || size <= 0 || off+size != st.Size()-trailerSize {
		return p, false, exitcode.New(exitcode.PackageInvalid, "%s: damaged payload trailer", exe)
	}
	return Payload{Exe: exe, Offset: off, Size: size}, true, nil
}

// Extract writes the payload's files into dir (safely: no path can leave
// dir) and returns their names.
func (p Payload) Extract(dir string) ([]string, error) {
	f, err := os.Open(p.Exe)
	if err != nil {
		return nil, err
	}
	defer f.Close()
	r, err := cab.NewReader(io.NewSectionReader(f, p.Offset, p.Size), p.Size)
	if err != nil {
		return nil, exitcode.New(exitcode.PackageInvalid, "%s: payload cabinet: %v", p.Exe, err)
	}
	names, err := cab.ExtractAll(r, dir, &cab.ExtractOptions{StopOnError: true})
	if err != nil {
		return nil, exitcode.New(exitcode.PackageInvalid, "%s: extracting the payload: %v", p.Exe, err)
	}
	return names, nil
}

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

// Pack writes out = stub + a cabinet of files (names relative to dir) +
// trailer, atomically and streaming (nothing is held in memory whole). The
// stub is an ohotfix executable (for Windows, a bin/ohotfix.exe build);
// repacking a packed executable replaces its payload.
func Pack(stub, dir string, files []string, out string) error {
	if len(files) == 0 {
		return exitcode.New(exitcode.InvalidCommandLine, "nothing to pack in %s (want ohotfix.ini and .msp files)", dir)
	}
	exe, err := os.Open(stub)
	if err != nil {
		return err
	}
	defer exe.Close()
	st, err := exe.Stat()
	if err != nil {
		return err
	}
	exeSize := st.Size()
	if p, ok, _ := Find(stub); ok {
		exeSize = p.Offset
	}
	if err := os.MkdirAll(filepath.Dir(out), 0o755); err != nil {
		return err
	}
	return atomicfile.Write(out, 0o755, func(w io.Writer) error {
		if _, err := io.CopyN(w, exe, exeSize); err != nil {
			return err
		}
		cw := &countingWriter{w: w}
		if err := writePayloadCab(cw, dir, files); err != nil {
			return err
		}
		var t [trailerSize]byte
		copy(t[:], payloadMagic)
		binary.LittleEndian.PutUint64(t[8:], uint64(exeSize))
		binary.LittleEndian.PutUint64(t[16:], uint64(cw.n))
		_, err := w.Write(t[:])
		return err
	})
}

func writePayloadCab(w io.Writer, dir string, files []string) error {
	cw := cab.NewWriter(w)
	for _, name := range files {
		src, err := os.Open(filepath.Join(dir, name))
		if err != nil {
			return err
		}
		st, _ := src.Stat()
		fw, err := cw.Create(&cab.FileHeader{Name: name, Modified: st.ModTime(), Attributes: cab.AttrArchive})
		if err == nil {
			_, err = io.Copy(fw, src)
		}
		src.Close()
		if err != nil {
			return fmt.Errorf("pack %s: %w", name, err)
		}
	}
	return cw.Close()
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
