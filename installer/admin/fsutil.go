package admin

import (
	"errors"
	"fmt"
	"io"
	"io/fs"
	"os"
	"path/filepath"
	"runtime"
	"time"
)

// copyInto writes src to a new file at dst (which must not exist), checks the
// size when want ≥ 0, and sets the modification time when mtime is non-zero.
// wrap, when set, filters the writer (fault injection in tests).
func copyInto(dst string, src io.Reader, want int64, mtime time.Time, wrap func(io.Writer) io.Writer) (err error) {
	f, err := os.OpenFile(dst, os.O_WRONLY|os.O_CREATE|os.O_EXCL, 0o644)
	if err != nil {
		return err
	}
	defer func() {
		if f != nil {
			if cerr := f.Close(); err == nil {
				err = cerr
			}
		}
		if err != nil {
			os.Remove(dst)
		}
	}()
	var w io.Writer = f
	if wrap != nil {
		w = wrap(w)
	}
	// io.Copy, not CopyBuffer with a fresh buffer: cabinet members are
	// WriterTo (they write straight from the decoder's window) and plain
	// files use copy_file_range, so a buffer would only cost an allocation.
	n, err := io.Copy(w, src)
	if err != nil {
		return fmt.Errorf("writing %s: %w", dst, err)
	}
	if want >= 0 && n != want {
		return fmt.Errorf("writing %s: source gave %d bytes, the File table says %d", dst, n, want)
	}
	if !mtime.IsZero() {
		// Through the open handle: no second path lookup.
		if err := f.Close(); err != nil {
			return err
		}
		f = nil
		return os.Chtimes(dst, mtime, mtime)
	}
	return nil
}

// writeAtomic writes a file through a temporary name in the same folder and
// renames it over dst, so readers never see a half-written file.
func writeAtomic(dst string, src io.Reader, want int64, mtime time.Time) error {
	tmp := filepath.Join(filepath.Dir(dst), ".~"+filepath.Base(dst)+fmt.Sprintf(".%d.tmp", os.Getpid()))
	os.Remove(tmp)
	if err := copyInto(tmp, src, want, mtime, nil); err != nil {
		return err
	}
	if err := os.Rename(tmp, dst); err != nil {
		os.Remove(tmp)
		return err
	}
	return nil
}

// removeAll deletes path and everything below it. Where os.RemoveAll fails
// on Windows, which it does where deletes with POSIX semantics are not
// available (Wine, SMB shares, FAT, older Windows: "unlinkat …: Invalid
// function"), it falls back to the classic per-entry delete (DeleteFile,
// RemoveDirectory: os.Remove) for what is left.
func removeAll(path string) error {
	err := os.RemoveAll(path)
	if err == nil || runtime.GOOS != "windows" {
		return err
	}
	if cerr := removeAllClassic(path); cerr != nil {
		return errors.Join(err, cerr)
	}
	return nil
}

// removeAllClassic deletes a tree depth first with os.Remove. It does not
// follow links: a link (a reparse point) is removed, not its target.
func removeAllClassic(path string) error {
	fi, err := os.Lstat(path)
	if errors.Is(err, fs.ErrNotExist) {
		return nil
	}
	if err != nil {
		return err
	}
	if fi.IsDir() && fi.Mode()&fs.ModeSymlink == 0 {
		ents, err := os.ReadDir(path)
		if err != nil {
			return err
		}
		for _, e := range ents {
			if err := removeAllClassic(filepath.Join(path, e.Name())); err != nil {
				return err
			}
		}
	}
	if err := os.Remove(path); err != nil && !errors.Is(err, fs.ErrNotExist) {
		return err
	}
	return nil
}

// syncDir flushes a directory's entries (renames, creations) to disk. Some
// systems (Windows) cannot open directories for syncing; that is not an error
// there.
func syncDir(dir string) error {
	d, err := os.Open(dir)
	if err != nil {
		return err
	}
	defer d.Close()
	if err := d.Sync(); err != nil && !ignorableSyncError(err) {
		return err
	}
	return nil
}
