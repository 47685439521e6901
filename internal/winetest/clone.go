package winetest

import (
	"io/fs"
	"os"
	"path/filepath"
	"strings"
)

// sharedDirs are the template's big, read-only parts (630 of its ~700 MB are system32). A test
// prefix hard-links their files instead of copying them, which makes a clone take tens of
// milliseconds instead of seconds. Wine never rewrites these files in a booted prefix of the
// same version; a test that installs a package *overwriting* an existing system32 DLL would
// write through the link into the template, so such tests must not use NewPrefix.
var sharedDirs = []string{
	"drive_c/windows/system32/",
	"drive_c/windows/syswow64/",
	"drive_c/windows/winsxs/",
}

func isShared(rel string) bool {
	rel = filepath.ToSlash(rel)
	for _, d := range sharedDirs {
		if strings.HasPrefix(rel, d) {
			return true
		}
	}
	return false
}

// clonePrefix copies the template tree src into dst (which must not exist): symlinks are
// recreated (dosdevices/c: -> ../drive_c), files under sharedDirs are hard-linked when src and
// dst share a file system, everything else (registry hives, user folders) is copied so a test
// can change it freely.
func clonePrefix(src, dst string) error {
	return filepath.WalkDir(src, func(path string, d fs.DirEntry, err error) error {
		if err != nil {
			return err
		}
		rel, err := filepath.Rel(src, path)
		if err != nil {
			return err
		}
		target := filepath.Join(dst, rel)
		switch {
		case d.IsDir():
			info, err := d.Info()
			if err != nil {
				return err
			}
			return os.Mkdir(target, info.Mode().Perm()|0o700)
		case d.Type()&fs.ModeSymlink != 0:
			link, err := os.Readlink(path)
			if err != nil {
				return err
			}
			return os.Symlink(link, target)
		case d.Type().IsRegular():
			if isShared(rel) && os.Link(path, target) == nil {
				return nil
			}
			return copyFile(path, target)
		default:
			return nil // sockets or devices do not belong in a prefix; skip them
		}
	})
}
