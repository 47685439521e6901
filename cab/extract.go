package cab

import (
	"errors"
	"fmt"
	"io"
	"os"
	"path"
	"runtime"
	"sort"
	"sync"
	"time"
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

	// Jobs are folders: each worker runs through one folder's members in
	// offset order, so every folder is decoded exactly once.
	byFolder := map[*Folder][]*File{}
	var orphans []*File
	for _, f := range r.Files {
		if opts.Filter != nil && !opts.Filter(f) {
			continue
		}
		if f.Folder == nil {
			orphans = append(orphans, f)
			continue
		}
		byFolder[f.Folder] = append(byFolder[f.Folder], f)
	}
	jobs := make([][]*File, 0, len(byFolder))
	for _, files := range byFolder {
		sort.SliceStable(files, func(i, j int) bool { return files[i].Offset < files[j].Offset })
		jobs = append(jobs, files)
	}
	// Biggest folders first keeps both cores busy until the end.
	sort.Slice(jobs, func(i, j int) bool { return jobs[i][0].Folder.usize > jobs[j][0].Folder.usize })

	var (
		mu      sync.Mutex
		errs    []error
		written []string
		stop    bool
	)
	progress := func(n int64) {
		if opts.Progress != nil {
			mu.Lock()
			opts.Progress(n)
			mu.Unlock()
		}
	}
	for _, f := range orphans {
		errs = append(errs, fmt.Errorf("%s: %w", f.Name, newErr(ErrIncompleteSet, "data is in a missing cabinet")))
	}
	workers := opts.Workers
	if workers <= 0 {
		workers = runtime.GOMAXPROCS(0)
	}
	queue := make(chan []*File)
	var wg sync.WaitGroup
	for range min(workers, max(len(jobs), 1)) {
		wg.Add(1)
		go func() {
			defer wg.Done()
			for files := range queue {
				for _, f := range files {
					mu.Lock()
					halt := stop
					mu.Unlock()
					if halt {
						break
					}
					p, err := extractOne(root, f, opts, progress)
					mu.Lock()
					if err != nil {
						errs = append(errs, fmt.Errorf("%s: %w", f.Name, err))
						stop = opts.StopOnError
					} else {
						written = append(written, p)
					}
					mu.Unlock()
				}
			}
		}()
	}
	for _, j := range jobs {
		queue <- j
	}
	close(queue)
	wg.Wait()
	sort.Strings(written)
	return written, errors.Join(errs...)
}

// extractOne writes one member below root and returns its relative path.
func extractOne(root *os.Root, f *File, opts *ExtractOptions, progress func(int64)) (string, error) {
	if opts.MaxFileSize > 0 && f.Size > opts.MaxFileSize {
		return "", newErr(ErrLimit, "%d bytes is more than the %d allowed", f.Size, opts.MaxFileSize)
	}
	rel := SafePath(f.Name)
	if d := path.Dir(rel); d != "." {
		if err := root.MkdirAll(d, 0o755); err != nil {
			return "", err
		}
	}
	rc, err := f.Open()
	if err != nil {
		return "", err
	}
	defer rc.Close()
	tmp, out, err := createTemp(root, rel)
	if err != nil {
		return "", err
	}
	_, err = io.Copy(&progressWriter{w: out, progress: progress}, rc)
	if cerr := out.Close(); err == nil {
		err = cerr
	}
	if err == nil {
		err = root.Rename(tmp, rel)
	}
	if err != nil {
		root.Remove(tmp)
		return "", err
	}
	if !opts.NoTimes {
		m := f.Modified
		local := time.Date(m.Year(), m.Month(), m.Day(), m.Hour(), m.Minute(), m.Second(), 0, time.Local)
		root.Chtimes(rel, local, local)
	}
	return rel, nil
}

// createTemp creates a fresh temporary file beside rel.
func createTemp(root *os.Root, rel string) (string, *os.File, error) {
	dir, base := path.Split(rel)
	var err error
	for i := 0; i < 100; i++ {
		tmp := fmt.Sprintf("%s.%s.%d-%d.tmp", dir, base, os.Getpid(), i)
		var f *os.File
		f, err = root.OpenFile(tmp, os.O_WRONLY|os.O_CREATE|os.O_EXCL, 0o644)
		if err == nil {
			return tmp, f, nil
		}
		if !errors.Is(err, os.ErrExist) {
			break
		}
	}
	return "", nil, err
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
