package payload

import (
	"errors"
	"fmt"
	"io"
	"os"
	"path"
	"path/filepath"
	"runtime"
	"strings"
)

// RerunParent is the folder that holds the kept payloads (CopyFilesToRerun):
// override when set (the RerunDir= key), else %ProgramData%\OHotfix\Rerun on
// Windows, /var/lib/ohotfix/rerun for root elsewhere, and the user's state
// folder otherwise ($XDG_STATE_HOME/ohotfix/rerun or
// ~/.local/state/ohotfix/rerun).
func RerunParent(override string) (string, error) {
	if override != "" {
		return filepath.Abs(override)
	}
	if runtime.GOOS == "windows" {
		pd := os.Getenv("ProgramData")
		if pd == "" {
			pd = `C:\ProgramData`
		}
		return filepath.Join(pd, "OHotfix", "Rerun"), nil
	}
	if os.Geteuid() == 0 {
		return "/var/lib/ohotfix/rerun", nil
	}
	if s := os.Getenv("XDG_STATE_HOME"); filepath.IsAbs(s) {
		return filepath.Join(s, "ohotfix", "rerun"), nil
	}
	home, err := os.UserHomeDir()
	if err != nil {
		return "", err
	}
	return filepath.Join(home, ".local", "state", "ohotfix", "rerun"), nil
}

// RerunName is the folder name for the executable exe: its base name
// without extension ("contoso-fix.exe" → "contoso-fix").
func RerunName(exe string) string {
	b := filepath.Base(exe)
	if e := filepath.Ext(b); e != "" && e != b {
		b = strings.TrimSuffix(b, e)
	}
	return b
}

// KeepExtracted keeps the extracted payload in src (every regular file in
// it) for the patch executable exe, as CopyFilesToRerun=1 asks: in the
// folder RerunName(exe) below RerunParent(rerunDir). It returns that
// folder.
func KeepExtracted(src, rerunDir, exe string) (string, error) {
	parent, err := RerunParent(rerunDir)
	if err != nil {
		return "", err
	}
	entries, err := os.ReadDir(src)
	if err != nil {
		return "", err
	}
	var files []string
	for _, e := range entries {
		if e.Type().IsRegular() {
			files = append(files, e.Name())
		}
	}
	return KeepForRerun(src, files, parent, RerunName(exe))
}

// KeepForRerun copies files (names relative to src) into parent/name and
// returns that folder. The copy is built (and synced) in a fresh private
// folder beside it and switched into place by two renames (the previous
// copy aside, the new one in), so parent/name is never a partial copy: it
// is the previous one, then — after the instant between the renames — the
// new one. Every write goes through an os.Root of parent, so no symbolic
// link (as name, or planted inside it) is followed out of it.
func KeepForRerun(src string, files []string, parent, name string) (string, error) {
	if name == "" || name != filepath.Base(name) || name == "." || name == ".." || strings.HasPrefix(name, ".") {
		return "", fmt.Errorf("cannot keep the payload for re-running under the name %q", name)
	}
	if err := os.MkdirAll(parent, 0o755); err != nil {
		return "", err
	}
	root, err := os.OpenRoot(parent)
	if err != nil {
		return "", err
	}
	defer root.Close()
	stage, err := mkdirUnique(root, "."+name+".new-", 0o755)
	if err != nil {
		return "", err
	}
	defer removeAllIn(root, parent, stage) // gone after the switch; cleans up after a failure
	for _, f := range files {
		if f != filepath.Base(f) {
			return "", fmt.Errorf("keep %s: not a plain file name", f)
		}
		if err := copyInto(root, path.Join(stage, f), filepath.Join(src, f)); err != nil {
			return "", fmt.Errorf("keep %s for re-running: %w", f, err)
		}
	}
	old := ""
	if _, err := root.Lstat(name); err == nil {
		old = uniqueName("." + name + ".old-")
		if err := root.Rename(name, old); err != nil {
			return "", err
		}
		defer removeAllIn(root, parent, old)
	} else if !errors.Is(err, os.ErrNotExist) {
		return "", err
	}
	if err := root.Rename(stage, name); err != nil {
		if old != "" {
			root.Rename(old, name) // put the previous copy back
		}
		return "", err
	}
	syncDir(parent)
	return filepath.Join(parent, name), nil
}

// copyInto copies the file from (read without following a final symbolic
// link) to the new file to inside root, synced.
func copyInto(root *os.Root, to, from string) error {
	in, err := openNoFollow(from)
	if err != nil {
		return err
	}
	defer in.Close()
	if st, err := in.Stat(); err != nil || !st.Mode().IsRegular() {
		return fmt.Errorf("%s is not a regular file", from)
	}
	out, err := root.OpenFile(to, os.O_WRONLY|os.O_CREATE|os.O_EXCL, 0o644)
	if err != nil {
		return err
	}
	_, err = io.Copy(out, in)
	if err == nil {
		err = out.Sync()
	}
	if cerr := out.Close(); err == nil {
		err = cerr
	}
	return err
}

func syncDir(dir string) {
	if d, err := os.Open(dir); err == nil {
		d.Sync()
		d.Close()
	}
}

// openNoFollow opens path for reading, refusing a symbolic link.
func openNoFollow(p string) (*os.File, error) {
	root, err := os.OpenRoot(filepath.Dir(p))
	if err != nil {
		return nil, err
	}
	defer root.Close()
	if st, err := root.Lstat(filepath.Base(p)); err != nil {
		return nil, err
	} else if st.Mode()&os.ModeSymlink != 0 {
		return nil, fmt.Errorf("%s is a symbolic link", p)
	}
	return root.Open(filepath.Base(p))
}
