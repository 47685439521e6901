package payload

import (
	"bufio"
	"crypto/rand"
	"encoding/hex"
	"fmt"
	"io"
	"os"
	"path"
	"path/filepath"
	"sort"
	"time"
)

// ExtractOptions tunes Extract.
type ExtractOptions struct {
	// Progress, if set, is called (never concurrently) with the number of
	// bytes just decoded; the total is Archive.TotalSize.
	Progress func(n int64)
}

// Extract writes the payload's files (and SHA256SUMS) into dir and returns
// their names, sorted. Every member is decoded, checked against its CFDATA
// checksums and its SHA-256 in the manifest while it is written into a
// private staging folder inside dir; only when all match are the files
// renamed into dir. Otherwise the error carries 1620 and dir is left as it
// was. Writes go through an os.Root (no path or symbolic link leads out of
// dir).
func (p Payload) Extract(dir string) ([]string, error) {
	a, err := p.Open()
	if err != nil {
		return nil, err
	}
	defer a.Close()
	return a.Extract(dir, nil)
}

// Extract is Payload.Extract on an opened archive.
func (a *Archive) Extract(dir string, opts *ExtractOptions) (names []string, err error) {
	if opts == nil {
		opts = &ExtractOptions{}
	}
	_, statErr := os.Lstat(dir)
	if err := os.MkdirAll(dir, 0o755); err != nil {
		return nil, err
	}
	if os.IsNotExist(statErr) {
		// A folder made here and left empty by a failure goes again.
		defer func() {
			if err != nil {
				os.Remove(dir)
			}
		}()
	}
	root, err := os.OpenRoot(dir)
	if err != nil {
		return nil, err
	}
	defer root.Close()
	stage, err := mkdirUnique(root, ".ohotfix-extract-", 0o700)
	if err != nil {
		return nil, err
	}
	defer removeAllIn(root, dir, stage)
	sink := func(m *Member) (io.WriteCloser, error) {
		f, err := root.OpenFile(path.Join(stage, m.Name), os.O_WRONLY|os.O_CREATE|os.O_EXCL, 0o644)
		if err != nil {
			return nil, err
		}
		return &bufferedFile{Writer: bufio.NewWriterSize(f, int(min(max(m.Size, 4096), 1<<20))), f: f}, nil
	}
	if _, err := a.walk(sink, opts.Progress, true); err != nil {
		return nil, err
	}
	if err := root.WriteFile(path.Join(stage, ManifestName), a.Manifest, 0o644); err != nil {
		return nil, err
	}
	names = []string{ManifestName}
	for _, m := range a.Members {
		names = append(names, m.Name)
		t := m.file.Modified
		local := time.Date(t.Year(), t.Month(), t.Day(), t.Hour(), t.Minute(), t.Second(), 0, time.Local)
		root.Chtimes(path.Join(stage, m.Name), local, local)
	}
	sort.Strings(names)
	for _, n := range names {
		if err := root.Rename(path.Join(stage, n), n); err != nil {
			return nil, fmt.Errorf("extract %s: %w", n, err)
		}
	}
	return names, nil
}

// Verify decodes every member and checks it against its CFDATA checksums
// and the manifest, writing nothing. The error (1620) is the first failure;
// the checks list every member.
func (a *Archive) Verify(progress func(int64)) ([]Check, error) {
	return a.walk(nil, progress, false)
}

// mkdirUnique makes a fresh folder named prefix+random in root.
func mkdirUnique(root *os.Root, prefix string, perm os.FileMode) (string, error) {
	var err error
	for range 10 {
		name := uniqueName(prefix)
		if err = root.Mkdir(name, perm); err == nil {
			return name, nil
		}
		if !os.IsExist(err) {
			break
		}
	}
	return "", err
}

// uniqueName is prefix and 16 random hex digits.
func uniqueName(prefix string) string {
	var b [8]byte
	rand.Read(b[:])
	return prefix + hex.EncodeToString(b[:])
}

type bufferedFile struct {
	*bufio.Writer
	f *os.File
}

func (b *bufferedFile) Close() error {
	err := b.Flush()
	if cerr := b.f.Close(); err == nil {
		err = cerr
	}
	return err
}

// removeAllIn removes name (a flat folder this package made) inside root,
// which is dir. Wine lacks the NtSetInformationFile class os.Root's and
// os.RemoveAll's removal uses on Windows ("Invalid function"), so a refused
// removal is redone entry by entry with os.Remove (which does not follow
// symbolic links either).
func removeAllIn(root *os.Root, dir, name string) {
	if root.RemoveAll(name) == nil {
		return
	}
	p := filepath.Join(dir, filepath.FromSlash(name))
	if st, err := os.Lstat(p); err != nil || !st.IsDir() {
		os.Remove(p) // a file or a link: itself, never what it points to
		return
	}
	entries, _ := os.ReadDir(p)
	for _, e := range entries {
		os.Remove(filepath.Join(p, e.Name()))
	}
	os.Remove(p)
}
