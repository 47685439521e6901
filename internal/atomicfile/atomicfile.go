// Package atomicfile writes files so that readers see the old contents or the
// new ones, never half of them: a temporary file in the same folder, synced,
// then renamed over the target. Every writer of the project goes through it.
package atomicfile

import (
	"io"
	"os"
	"path/filepath"
	"strings"
)

// Write creates or replaces path: fill writes the contents into a temporary
// file beside path, which is synced, given perm, renamed over path, and the
// folder synced. On any failure path is left as it was and the temporary
// file is removed.
func Write(path string, perm os.FileMode, fill func(w io.Writer) error) error {
	return write(path, perm, fill, true)
}

// WriteFileUnsynced replaces path atomically, like WriteFile, but does not
// wait for the disk: readers see the old contents or the new ones, and a
// crash may leave the old ones. It is for records that describe a running
// process (a lock's holder), which a crash makes stale anyway; two fsyncs
// there cost a patch run ~4 ms under Wine.
func WriteFileUnsynced(path string, data []byte, perm os.FileMode) error {
	return write(path, perm, func(w io.Writer) error {
		_, err := w.Write(data)
		return err
	}, false)
}

func write(path string, perm os.FileMode, fill func(w io.Writer) error, durable bool) (err error) {
	dir := filepath.Dir(path)
	tmp, err := os.CreateTemp(dir, tempPattern(path))
	if err != nil {
		return err
	}
	defer func() {
		if err != nil {
			tmp.Close()
			os.Remove(tmp.Name())
		}
	}()
	if err = fill(tmp); err != nil {
		return err
	}
	if err = tmp.Chmod(perm); err != nil {
		return err
	}
	if durable {
		if err = tmp.Sync(); err != nil {
			return err
		}
	}
	if err = tmp.Close(); err != nil {
		return err
	}
	if err = os.Rename(tmp.Name(), path); err != nil {
		return err
	}
	if !durable {
		return nil
	}
	// Make the rename durable; not every system can sync a folder.
	if d, derr := os.Open(dir); derr == nil {
		d.Sync()
		d.Close()
	}
	return nil
}

// WriteFile is Write with fixed contents.
func WriteFile(path string, data []byte, perm os.FileMode) error {
	return Write(path, perm, func(w io.Writer) error {
		_, err := w.Write(data)
		return err
	})
}

// Mode returns the permission bits of the file at path, or def when there is
// none (a rewrite keeps a file's permissions).
func Mode(path string, def os.FileMode) os.FileMode {
	if fi, err := os.Stat(path); err == nil {
		return fi.Mode().Perm()
	}
	return def
}

// tempPattern names the temporary file of a write of path (os.CreateTemp's
// pattern: ".<name>.<random>.tmp" beside path).
func tempPattern(path string) string { return "." + filepath.Base(path) + ".*.tmp" }

// Leftovers lists the temporary files that writers of path killed between
// creating their temporary file and renaming it left beside path. Only the
// caller knows whether no writer is at work (a lock's holder does).
func Leftovers(path string) ([]string, error) {
	dir := filepath.Dir(path)
	ents, err := os.ReadDir(dir)
	if err != nil {
		return nil, err
	}
	prefix, suffix, _ := strings.Cut(tempPattern(path), "*")
	var out []string
	for _, e := range ents {
		if n := e.Name(); !e.IsDir() && len(n) > len(prefix)+len(suffix) && strings.HasPrefix(n, prefix) && strings.HasSuffix(n, suffix) {
			out = append(out, filepath.Join(dir, n))
		}
	}
	return out, nil
}
