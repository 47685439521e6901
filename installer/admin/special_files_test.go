//go:build unix

package admin

import (
	"context"
	"net"
	"os"
	"path/filepath"
	"strings"
	"syscall"
	"testing"
	"time"

	"github.com/ohotfix/ohotfix/exitcode"
)

// Issue 15: the engine's readers given a FIFO, a socket, a device or a
// directory where the image database or the patch is expected refuse it at
// once with the input's code (1619 image, 1635 patch, 1619 product), never
// blocking in open(2) — a FIFO image used to hang the run past SIGTERM.
func TestEngineRefusesSpecialFilesWithoutBlocking(t *testing.T) {
	_, fx, img := v1Image(t)
	dbPath := filepath.Join(img, "product.msi")
	dir := t.TempDir()
	fifo := filepath.Join(dir, "fifo.msi")
	if err := syscall.Mkfifo(fifo, 0o644); err != nil {
		t.Fatal(err)
	}
	sock := filepath.Join(dir, "sock.msi")
	l, err := net.Listen("unix", sock)
	if err != nil {
		t.Fatal(err)
	}
	defer l.Close()
	sub := filepath.Join(dir, "folder.msi")
	os.Mkdir(sub, 0o755)
	classes := map[string]string{"fifo": fifo, "socket": sock, "device": "/dev/zero", "directory": sub}
	entries := []struct {
		name string
		want exitcode.Code
		call func(p string) error
	}{
		{"ApplyPatch(image)", exitcode.PackageOpenFailed, func(p string) error {
			_, err := ApplyPatch(context.Background(), p, fx.Patch, ApplyOptions{LockWait: time.Second})
			return err
		}},
		{"ApplyPatch(patch)", exitcode.PatchOpenFailed, func(p string) error {
			_, err := ApplyPatch(context.Background(), dbPath, p, ApplyOptions{LockWait: time.Second})
			return err
		}},
		{"OpenImage", exitcode.PackageOpenFailed, func(p string) error { _, err := OpenImage(p); return err }},
		{"EstimateApplySpace(image)", exitcode.PackageOpenFailed, func(p string) error { _, err := EstimateApplySpace(p, fx.Patch); return err }},
		{"EstimateApplySpace(patch)", exitcode.PatchOpenFailed, func(p string) error { _, err := EstimateApplySpace(dbPath, p); return err }},
		{"Create(product)", exitcode.PackageOpenFailed, func(p string) error {
			_, err := Create(context.Background(), p, filepath.Join(t.TempDir(), "img"), CreateOptions{})
			return err
		}},
	}
	before := treeSnapshot(t, img)
	for _, e := range entries {
		for class, p := range classes {
			done := make(chan error, 1)
			go func() { done <- e.call(p) }()
			select {
			case err := <-done:
				if got := exitcode.Of(err); got != e.want {
					t.Errorf("%s on a %s: %v (code %v), want %v", e.name, class, err, got, e.want)
				} else if !strings.Contains(err.Error(), "not a regular file") && class != "directory" {
					t.Errorf("%s on a %s: message %q does not say why", e.name, class, err)
				}
			case <-time.After(5 * time.Second):
				t.Fatalf("%s on a %s blocked", e.name, class)
			}
		}
	}
	requireSameTree(t, before, img, "a refused run changed the image")
}
