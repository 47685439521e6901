//go:build unix

package payload

import (
	"os"
	"path/filepath"
	"syscall"
	"testing"
	"time"
)

// A FIFO named among the files to pack (put in place of a .msp after Files
// listed it) fails the pack at once instead of blocking it forever, and no
// package is written.
func TestPackRefusesFIFO(t *testing.T) {
	dir, _ := updateDir(t)
	files, err := Files(dir)
	if err != nil {
		t.Fatal(err)
	}
	fifo := filepath.Join(dir, "fix1.msp")
	os.Remove(fifo)
	if err := syscall.Mkfifo(fifo, 0o644); err != nil {
		t.Skipf("mkfifo: %v", err)
	}
	stub := elfStub(t)
	out := filepath.Join(t.TempDir(), "out")
	done := make(chan error, 1)
	go func() {
		_, err := Pack(stub, dir, files, out)
		done <- err
	}()
	select {
	case err := <-done:
		if err == nil {
			t.Fatal("packed a FIFO")
		}
	case <-time.After(10 * time.Second):
		t.Fatal("Pack blocked on a FIFO")
	}
	if _, err := os.Stat(out); !os.IsNotExist(err) {
		t.Errorf("%s written (%v)", out, err)
	}
}
