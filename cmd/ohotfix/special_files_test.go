//go:build unix

package main

import (
	"bytes"
	"context"
	"errors"
	"net"
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"syscall"
	"testing"
	"time"
)

// Every reader given a FIFO, a socket, a device or a directory where a file
// is expected refuses it at once (issue 15): no open(2) that waits for a
// writer, a non-zero exit and a message naming what was found. A FIFO has no
// writer here, so a reader that blocked would hang until the timeout.
func TestReadersRefuseSpecialFilesWithoutBlocking(t *testing.T) {
	dir := t.TempDir()
	fifo := filepath.Join(dir, "fifo.cab")
	if err := syscall.Mkfifo(fifo, 0o644); err != nil {
		t.Fatal(err)
	}
	sock := filepath.Join(dir, "sock.cab")
	l, err := net.Listen("unix", sock)
	if err != nil {
		t.Fatal(err)
	}
	defer l.Close()
	sub := filepath.Join(dir, "folder.cab")
	if err := os.Mkdir(sub, 0o755); err != nil {
		t.Fatal(err)
	}
	classes := []struct{ name, path, says string }{
		{"fifo", fifo, "FIFO"},
		{"socket", sock, "socket"},
		{"device", "/dev/zero", "device"},
		{"directory", sub, "directory"},
	}
	// The POSIX status each reader must return: the low byte of 1619
	// (package open failed) or 1635 (patch open failed). 0: any failure
	// (cab's exit mapping is the lead's, see issue 15's report).
	readers := []struct {
		args   []string
		status int
	}{
		{[]string{"cab", "list"}, 0}, {[]string{"cab", "test"}, 0}, {[]string{"cab", "extract", "-p"}, 0},
		{[]string{"msi", "info"}, 1619 & 0xff}, {[]string{"msi", "tables"}, 1619 & 0xff},
		{[]string{"patch", "inspect"}, 1635 & 0xff},
	}
	bin := ohotfixBinary(t)
	for _, r := range readers {
		rd := r.args
		for _, c := range classes {
			t.Run(strings.Join(rd, "-")+"/"+c.name, func(t *testing.T) {
				ctx, cancel := context.WithTimeout(context.Background(), 10*time.Second)
				defer cancel()
				cmd := exec.CommandContext(ctx, bin, append(append([]string{}, rd...), c.path)...)
				var out, errb bytes.Buffer
				cmd.Stdout, cmd.Stderr = &out, &errb
				start := time.Now()
				err := cmd.Run()
				took := time.Since(start)
				if ctx.Err() != nil {
					t.Fatalf("%v on a %s blocked (killed after %v)", rd, c.name, took)
				}
				var ee *exec.ExitError
				if !errors.As(err, &ee) || ee.ExitCode() == 0 {
					t.Fatalf("%v on a %s: %v, want a failure\n%s", rd, c.name, err, errb.String())
				}
				if r.status != 0 && ee.ExitCode() != r.status {
					t.Errorf("%v on a %s: status %d, want %d", rd, c.name, ee.ExitCode(), r.status)
				}
				if !strings.Contains(errb.String(), c.says) {
					t.Errorf("%v on a %s: stderr %q does not say %q", rd, c.name, errb.String(), c.says)
				}
				if took > 5*time.Second {
					t.Errorf("%v on a %s took %v", rd, c.name, took)
				}
			})
		}
	}
}
