//go:build unix

package admin

import (
	"context"
	"os"
	"path/filepath"
	"testing"
)

// Issue 15: AdminPath a symbolic link to the image's database, in the image
// folder or in another one. The real database is patched, the files go into
// the real image, the link stays a link to it, nothing else is written
// beside the link but the lock, and a second run says "already applied".
func TestApplyPatchThroughLinkedDatabase(t *testing.T) {
	for _, where := range []string{"same folder", "other folder"} {
		t.Run(where, func(t *testing.T) {
			work, fx, img := v1Image(t)
			real := filepath.Join(img, "product.msi")
			linkDir := img
			if where == "other folder" {
				linkDir = filepath.Join(work, "links")
				if err := os.Mkdir(linkDir, 0o755); err != nil {
					t.Fatal(err)
				}
			}
			link := filepath.Join(linkDir, "current.msi")
			if err := os.Symlink(real, link); err != nil {
				t.Fatal(err)
			}
			if _, err := ApplyPatch(context.Background(), link, fx.Patch, ApplyOptions{}); err != nil {
				t.Fatal(err)
			}
			if fi, err := os.Lstat(link); err != nil || fi.Mode()&os.ModeSymlink == 0 {
				t.Fatalf("the link was replaced: %v %v", fi, err)
			}
			if to, _ := os.Readlink(link); to != real {
				t.Fatalf("the link now points at %q", to)
			}
			if !patchedDB(t, real, fx) {
				t.Fatal("the real database is not patched")
			}
			got := treeSnapshot(t, img)
			delete(got, "current.msi")
			if d := diffTrees(fx.v2Files(false), withoutDB(got)); d != "" {
				t.Fatalf("the image's files are not v2's:\n%s", d)
			}
			if where == "other folder" {
				ents, _ := os.ReadDir(linkDir)
				for _, e := range ents {
					if e.Name() != "current.msi" && e.Name() != ".ohotfix-image.lock" {
						t.Errorf("written beside the link: %s", e.Name())
					}
				}
			}
			res, err := ApplyPatch(context.Background(), link, fx.Patch, ApplyOptions{})
			if err != nil || !res.AlreadyApplied {
				t.Fatalf("second run: %+v %v", res, err)
			}
		})
	}
}
