package admin

import (
	"errors"
	"io/fs"
	"os"
	"path/filepath"
	"strings"

	"github.com/ohotfix/ohotfix/exitcode"
)

// dirGuard refuses to write through folders of an image that are symbolic
// links (or anything but plain folders): os.MkdirAll and os.Rename follow
// links in the folder part of a path, so a link "IMAGE/Contoso Demo" →
// /elsewhere would put the image's files outside the image. The image root
// itself may be a link (the user chose it); a link as the file itself is
// fine (a rename replaces the link, it does not follow it).
type dirGuard struct {
	root string
	ok   map[string]bool // folders (image-relative, slash-separated) checked
}

func newDirGuard(root string) *dirGuard { return &dirGuard{root: root, ok: map[string]bool{}} }

// check Lstats every folder between the image root and the file rel
// (image-relative, slash-separated). Folders that do not exist yet pass:
// this run creates them as plain folders.
func (g *dirGuard) check(rel string) error {
	parts := strings.Split(rel, "/")
	cur := ""
	for _, p := range parts[:len(parts)-1] {
		if cur == "" {
			cur = p
		} else {
			cur += "/" + p
		}
		if g.ok[cur] {
			continue
		}
		abs := filepath.Join(g.root, filepath.FromSlash(cur))
		fi, err := os.Lstat(abs)
		switch {
		case errors.Is(err, fs.ErrNotExist):
			return nil // nor does anything below it
		case err != nil:
			return exitcode.New(exitcode.Fatal, "checking the image folder %s: %w", abs, err)
		case fi.Mode()&fs.ModeSymlink != 0:
			return exitcode.New(exitcode.Fatal, "the image folder %s is a symbolic link; refusing to write the image through it (files would land outside %s)", abs, g.root)
		case !fi.IsDir():
			return exitcode.New(exitcode.Fatal, "%s in the image is not a plain folder; refusing to write through it", abs)
		}
		g.ok[cur] = true
	}
	return nil
}

// checkAbs is check for an absolute path under the root.
func (g *dirGuard) checkAbs(p string) error {
	rel, err := filepath.Rel(g.root, p)
	if err != nil || rel == ".." || strings.HasPrefix(rel, ".."+string(filepath.Separator)) {
		return exitcode.New(exitcode.Fatal, "%s is outside the image folder %s", p, g.root)
	}
	return g.check(filepath.ToSlash(rel))
}
