package payload

import (
	"crypto/sha256"
	"errors"
	"fmt"
	"io"
	"os"
	"sort"
	"strings"
	"sync"

	"github.com/ohotfix/ohotfix/cab"
)

// Member is one file of a payload (other than the manifest).
type Member struct {
	Name string
	Size int64
	// SHA256 is the hash the manifest records for the member.
	SHA256 [sha256.Size]byte

	file *cab.File
}

// Archive is an opened payload: its cabinets parsed, the manifest read and
// matched against the members. Nothing else is decoded yet.
type Archive struct {
	Payload
	// Cabinets is how many cabinets the payload holds.
	Cabinets int
	// Members lists the files in payload order (ohotfix.ini first).
	Members []*Member
	// Manifest is the SHA256SUMS member as stored.
	Manifest []byte

	r      io.ReaderAt // the executable
	closer io.Closer
}

// Open parses the payload's cabinets and its manifest.
func (p Payload) Open() (*Archive, error) {
	f, err := os.Open(p.Exe)
	if err != nil {
		return nil, err
	}
	a, err := openArchive(p, f)
	if err != nil {
		f.Close()
		return nil, err
	}
	a.closer = f
	return a, nil
}

// openArchive opens the payload p of the executable r.
func openArchive(p Payload, r io.ReaderAt) (*Archive, error) {
	a := &Archive{Payload: p, r: r}
	return a, a.load()
}

// Close closes the executable.
func (a *Archive) Close() error {
	if a.closer == nil {
		return nil
	}
	return a.closer.Close()
}

// Size is the total uncompressed size of the members.
func (a *Archive) TotalSize() int64 {
	var n int64
	for _, m := range a.Members {
		n += m.Size
	}
	return n
}

func (a *Archive) load() error {
	end := a.Offset + a.Size
	var files []*cab.File
	for pos := a.Offset; pos < end; {
		r, err := cab.NewReaderAt(a.r, pos, end)
		if err != nil {
			return invalid(a.Exe, "cabinet %d at offset %d: %v", a.Cabinets+1, pos, err)
		}
		h := r.Header
		if h.HasPrev() || h.HasNext() || int64(h.Size) <= 0 || pos+int64(h.Size) > end {
			return invalid(a.Exe, "cabinet %d at offset %d: a %d-byte cabinet does not fit the %d-byte payload",
				a.Cabinets+1, pos, h.Size, a.Size)
		}
		a.Cabinets++
		files = append(files, r.Files...)
		pos += int64(h.Size)
	}
	var manifest *cab.File
	seen := map[string]bool{} // lower-cased names
	for _, f := range files {
		// Unique ignoring case: the package must extract on Windows too.
		key := strings.ToLower(f.Name)
		if f.Name != cab.SafePath(f.Name) || strings.ContainsAny(f.Name, `/\`) || seen[key] {
			return invalid(a.Exe, "member %q: not a plain, unique file name", f.Name)
		}
		seen[key] = true
		if f.Name == ManifestName {
			manifest = f
			continue
		}
		a.Members = append(a.Members, &Member{Name: f.Name, Size: f.Size, file: f})
	}
	if manifest == nil {
		return invalid(a.Exe, "no %s member (a package made by an older ohotfix pack: pack it again)", ManifestName)
	}
	if manifest.Size > maxManifestSize {
		return invalid(a.Exe, "%s is %d bytes", ManifestName, manifest.Size)
	}
	rc, err := manifest.Open()
	if err == nil {
		a.Manifest, err = io.ReadAll(rc)
		rc.Close()
	}
	if err != nil {
		return invalid(a.Exe, "%s: %v", ManifestName, err)
	}
	sums, err := ParseManifest(a.Manifest)
	if err != nil {
		return invalid(a.Exe, "%v", err)
	}
	for _, m := range a.Members {
		h, ok := sums[m.Name]
		if !ok {
			return invalid(a.Exe, "%s is not listed in %s", m.Name, ManifestName)
		}
		m.SHA256 = h
		delete(sums, m.Name)
	}
	for name := range sums {
		return invalid(a.Exe, "%s lists %s, which the payload does not hold", ManifestName, name)
	}
	return nil
}

// Check is the outcome of hashing one member.
type Check struct {
	*Member
	Got [sha256.Size]byte
	Err error // nil: the member decoded (checksums verified) and its hash matched
}

// sinkError marks a failure of the destination (disk full …), which is
// not the payload's fault.
type sinkError struct{ err error }

func (e *sinkError) Error() string { return e.err.Error() }
func (e *sinkError) Unwrap() error { return e.err }

type sinkWriter struct {
	w io.Writer
}

func (s sinkWriter) Write(p []byte) (int, error) {
	n, err := s.w.Write(p)
	if err != nil {
		err = &sinkError{err}
	}
	return n, err
}

// walk decodes every member (CFDATA checksums verified), hashes it and
// streams it into the writer sink returns (nil: nowhere). Independent
// folders are decoded in parallel; progress (if set) is called serially
// with the bytes decoded. With stopOnError the walk ends at the first
// failure. The result lists every member visited.
func (a *Archive) walk(sink func(m *Member) (io.WriteCloser, error), progress func(int64), stopOnError bool) ([]Check, error) {
	byFile := map[*cab.File]*Member{}
	files := make([]*cab.File, len(a.Members))
	for i, m := range a.Members {
		byFile[m.file], files[i] = m, m.file
	}
	var (
		mu     sync.Mutex
		checks []Check
		first  error
	)
	report := func(n int64) {
		if progress != nil {
			mu.Lock()
			progress(n)
			mu.Unlock()
		}
	}
	eachErr := cab.Each(files, 0, stopOnError, func(f *cab.File, r io.Reader) error {
		m := byFile[f]
		c := Check{Member: m}
		err := a.hashOne(m, r, sink, report, &c.Got)
		if err == nil && c.Got != m.SHA256 {
			err = invalid(a.Exe, "%s: SHA-256 %x, but %s says %x", m.Name, c.Got, ManifestName, m.SHA256)
		}
		c.Err = err
		mu.Lock()
		checks = append(checks, c)
		if err != nil && first == nil {
			first = err
		}
		mu.Unlock()
		return err
	})
	if first == nil && eachErr != nil { // a member that could not be opened
		first = invalid(a.Exe, "%v", eachErr)
	}
	sort.Slice(checks, func(i, j int) bool { return checks[i].Name < checks[j].Name })
	return checks, first
}

func (a *Archive) hashOne(m *Member, r io.Reader, sink func(*Member) (io.WriteCloser, error), progress func(int64), got *[sha256.Size]byte) error {
	h := sha256.New()
	var out io.WriteCloser
	if sink != nil {
		var err error
		if out, err = sink(m); err != nil {
			return &sinkError{err}
		}
	}
	w := io.Writer(h)
	if out != nil {
		w = io.MultiWriter(h, sinkWriter{out})
	}
	n, err := io.Copy(&progressWriter{w: w, progress: progress}, r)
	if out != nil {
		if cerr := out.Close(); err == nil && cerr != nil {
			err = &sinkError{cerr}
		}
	}
	var se *sinkError
	switch {
	case errors.As(err, &se):
		return fmt.Errorf("%s: %w", m.Name, se.err)
	case err != nil:
		return invalid(a.Exe, "%s: %v", m.Name, err)
	case n != m.Size:
		return invalid(a.Exe, "%s: %d of %d bytes", m.Name, n, m.Size)
	}
	copy(got[:], h.Sum(nil))
	return nil
}

type progressWriter struct {
	w        io.Writer
	progress func(int64)
}

func (p *progressWriter) Write(b []byte) (int, error) {
	n, err := p.w.Write(b)
	p.progress(int64(n))
	return n, err
}

// Peek returns the contents of the member name when it is at most limit
// bytes, without checking its hash (for decisions made before extraction,
// such as whether the packaged ohotfix.ini asks for quiet). ok is false
// when there is no such member or it is larger.
func (a *Archive) Peek(name string, limit int64) (data []byte, ok bool, err error) {
	for _, m := range a.Members {
		if !strings.EqualFold(m.Name, name) || m.Size > limit {
			continue
		}
		rc, err := m.file.Open()
		if err != nil {
			return nil, false, invalid(a.Exe, "%s: %v", m.Name, err)
		}
		defer rc.Close()
		data, err = io.ReadAll(rc)
		if err != nil {
			return nil, false, invalid(a.Exe, "%s: %v", m.Name, err)
		}
		return data, true, nil
	}
	return nil, false, nil
}
