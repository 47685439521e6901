package cab

import (
	"bufio"
	"errors"
	"fmt"
	"io"
	"io/fs"
	"os"
	"path"
	"runtime"
	"sort"
	"strings"
	"sync"
	"time"

	"github.com/ohotfix/ohotfix/internal/atomicfile"
)

// ExtractOptions tunes ExtractAll.
type ExtractOptions struct {
	// Filter selects members (nil: all).
	Filter func(*File) bool
	// Workers is how many folders are decoded at once (0: GOMAXPROCS).
	Workers int
	// Progress, if set, is called (never concurrently) with the number of
	// bytes just written.
	Progress func(n int64)
	// MaxFileSize refuses members larger than this (0: the format's limit).
	MaxFileSize int64
	// NoTimes leaves the files' modification times at "now".
	NoTimes bool
	// StopOnError stops at the first failure instead of extracting every
	// member that can be extracted and reporting all failures.
	StopOnError bool
}

// ExtractAll extracts the members of r below dir (created if needed) and
// returns the relative paths written. Names are made safe with SafePath;
// every write goes through an os.Root, so no path or symbolic link can
// lead outside dir; each file is written to a temporary name and renamed
// into place. Folders are decoded in parallel.
func ExtractAll(r *Reader, dir string, opts *ExtractOptions) ([]string, error) {
	if opts == nil {
		opts = &ExtractOptions{}
	}
	if err := os.MkdirAll(dir, 0o755); err != nil {
		return nil, err
	}
	root, err := os.OpenRoot(dir)
	if err != nil {
		return nil, err
	}
	defer root.Close()

	files := r.Files
	if opts.Filter != nil {
		files = nil
		for _, f := range r.Files {
			if opts.Filter(f) {
				files = append(files, f)
			}
		}
	}
	unixSep := UnixSeparators(r.Files) // over every member, as cabextract
	dirs := &realDirs{root: root, ok: map[string]bool{}}
	var mu sync.Mutex
	var written []string
	progress := func(n int64) {
		if opts.Progress != nil {
			mu.Lock()
			opts.Progress(n)
			mu.Unlock()
		}
	}
	err = Each(files, opts.Workers, opts.StopOnError, func(f *File, rc io.Reader) error {
		p, err := extractOne(root, dirs, f, SafePathSep(f.Name, unixSep), rc, opts, progress)
		if err == nil {
			mu.Lock()
			written = append(written, p)
			mu.Unlock()
		}
		return err
	})
	sort.Strings(written)
	return written, err
}

// Each opens every member in files and calls fn with its contents, running
// independent folders on workers goroutines (0: GOMAXPROCS); the members
// of one folder are visited in offset order, so each folder is decoded
// once. fn runs concurrently for different folders. Failures (opening,
// reading, fn's) are collected as "name: error" and returned joined; with
// stopOnError the walk stops after the first.
func Each(files []*File, workers int, stopOnError bool, fn func(f *File, r io.Reader) error) error {
	byFolder := map[*Folder][]*File{}
	var errs []error
	for _, f := range files {
		if f.Folder == nil {
			errs = append(errs, fmt.Errorf("%s: %w", f.Name, newErr(ErrIncompleteSet, "data is in a missing cabinet")))
			continue
		}
		byFolder[f.Folder] = append(byFolder[f.Folder], f)
	}
	jobs := make([][]*File, 0, len(byFolder))
	for _, fs := range byFolder {
		sort.SliceStable(fs, func(i, j int) bool { return fs[i].Offset < fs[j].Offset })
		jobs = append(jobs, fs)
	}
	// Biggest folders first keeps every worker busy until the end.
	sort.SliceStable(jobs, func(i, j int) bool { return jobs[i][0].Folder.usize > jobs[j][0].Folder.usize })
	if workers <= 0 {
		workers = runtime.GOMAXPROCS(0)
	}
	var (
		mu   sync.Mutex
		stop bool
		wg   sync.WaitGroup
	)
	if stopOnError && len(errs) > 0 {
		return errors.Join(errs...)
	}
	queue := make(chan []*File)
	for range min(workers, max(len(jobs), 1)) {
		wg.Add(1)
		go func() {
			defer wg.Done()
			for fs := range queue {
				for _, f := range fs {
					mu.Lock()
					halt := stop
					mu.Unlock()
					if halt {
						break
					}
					err := eachOne(f, fn)
					if err != nil {
						mu.Lock()
						errs = append(errs, fmt.Errorf("%s: %w", f.Name, err))
						stop = stopOnError
						mu.Unlock()
					}
				}
			}
		}()
	}
	for _, j := range jobs {
		queue <- j
	}
	close(queue)
	wg.Wait()
	return errors.Join(errs...)
}

func eachOne(f *File, fn func(*File, io.Reader) error) error {
	rc, err := f.Open()
	if err != nil {
		return err
	}
	defer rc.Close()
	return fn(f, rc)
}

// extractOne writes one member below root at rel and returns rel.
func extractOne(root *os.Root, dirs *realDirs, f *File, rel string, rc io.Reader, opts *ExtractOptions, progress func(int64)) (string, error) {
	if opts.MaxFileSize > 0 && f.Size > opts.MaxFileSize {
		return "", newErr(ErrLimit, "%d bytes is more than the %d allowed", f.Size, opts.MaxFileSize)
	}
	if d := path.Dir(rel); d != "." {
		if err := dirs.make(d); err != nil {
			return "", err
		}
	}
	// Not synced: an extraction of many files leaves that to the system.
	err := atomicfile.WriteIn(root, rel, 0o644, false, func(out io.Writer) error {
		// Few large writes: every write system call can make the Go runtime
		// hand its processor to another thread, which costs more than a copy.
		bw := bufio.NewWriterSize(out, writeBuffer(f.Size))
		n, err := io.Copy(&progressWriter{w: bw, progress: progress}, rc)
		if err == nil && n != f.Size {
			err = wrapErr(ErrTruncated, io.ErrUnexpectedEOF, "%d of %d bytes", n, f.Size)
		}
		if err == nil {
			err = bw.Flush()
		}
		return err
	})
	if err != nil {
		return "", err
	}
	if !opts.NoTimes {
		m := f.Modified
		local := time.Date(m.Year(), m.Month(), m.Day(), m.Hour(), m.Minute(), m.Second(), 0, time.Local)
		root.Chtimes(rel, local, local)
	}
	return rel, nil
}

// realDirs creates the folders members go into, refusing any that already
// exists as a symbolic link: the os.Root keeps writes inside the target, and
// this keeps them out of links inside it too (a link to another folder of the
// target would put files where their names do not say). Checked folders are
// remembered: each is looked at once per extraction.
type realDirs struct {
	root *os.Root
	mu   sync.Mutex
	ok   map[string]bool
}

func (d *realDirs) make(dir string) error {
	d.mu.Lock()
	defer d.mu.Unlock()
	if d.ok[dir] {
		return nil
	}
	parts := strings.Split(dir, "/")
	for i := range parts {
		p := strings.Join(parts[:i+1], "/")
		if d.ok[p] {
			continue
		}
		fi, err := d.root.Lstat(p)
		if errors.Is(err, fs.ErrNotExist) {
			break // created below as a real folder, with what follows
		}
		if err != nil {
			return err
		}
		if fi.Mode()&fs.ModeSymlink != 0 {
			return &fs.PathError{Op: "extract", Path: p, Err: errors.New("the folder is a symbolic link in the target; refusing to write through it")}
		}
		d.ok[p] = fi.IsDir()
	}
	if err := d.root.MkdirAll(dir, 0o755); err != nil {
		return err
	}
	for i := range parts {
		d.ok[strings.Join(parts[:i+1], "/")] = true
	}
	return nil
}

// writeBuffer sizes the output buffer: up to 1 MiB, no more than the file.
func writeBuffer(size int64) int {
	return int(max(4096, min(size, 1<<20)))
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
