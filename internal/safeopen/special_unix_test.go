//go:build unix

package safeopen

import (
	"net"
	"os"
	"path/filepath"
	"syscall"
	"testing"
	"time"
)

// special makes one special file of each class in dir and returns them by
// name. A class the system cannot make here is left out (the test says so).
func special(t *testing.T, dir string) map[string]string {
	t.Helper()
	out := map[string]string{}
	d := filepath.Join(dir, "dir")
	if err := os.Mkdir(d, 0o755); err != nil {
		t.Fatal(err)
	}
	out["directory"] = d
	fifo := filepath.Join(dir, "fifo")
	if err := syscall.Mkfifo(fifo, 0o644); err != nil {
		t.Fatal(err)
	}
	out["fifo"] = fifo
	sock := filepath.Join(dir, "sock")
	l, err := net.Listen("unix", sock)
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { l.Close() })
	out["socket"] = sock
	out["device"] = "/dev/null"
	out["device-zero"] = "/dev/zero"
	link := filepath.Join(dir, "link-to-fifo")
	if err := os.Symlink(fifo, link); err != nil {
		t.Fatal(err)
	}
	out["symlink to a fifo"] = link
	return out
}

// The check-then-open window: a FIFO put where a regular file was checked
// must not block the open either.
func TestOpenNonBlockingOnFIFO(t *testing.T) {
	fifo := filepath.Join(tempDir(t), "fifo")
	if err := syscall.Mkfifo(fifo, 0o644); err != nil {
		t.Fatal(err)
	}
	within(t, 2*time.Second, "openNonBlocking(fifo)", func() {
		f, err := openNonBlocking(fifo)
		if err != nil {
			t.Errorf("openNonBlocking(fifo) = %v, want an open handle to check", err)
			return
		}
		fi, err := f.Stat()
		f.Close()
		if err != nil || fi.Mode().IsRegular() {
			t.Errorf("fstat of the FIFO: %v %v", fi, err)
		}
	})
}
