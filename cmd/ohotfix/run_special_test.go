//go:build unix

package main

import (
	"context"
	"errors"
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"syscall"
	"testing"
	"time"
)

// The bootstrapper's own inputs given a FIFO where a file is expected (the
// class that blocked forever in open(2)): each is refused at once with the
// code documented for that input, and the run still ends with its log.
func TestRunInputsRefuseFIFOsWithoutBlocking(t *testing.T) {
	cases := []struct {
		name  string
		setup func(t *testing.T, updates, image, fifo string) []string // extra args
		code  int
		says  string
	}{
		{"--ini FIFO", func(t *testing.T, u, _, fifo string) []string { return []string{"--ini", fifo} }, 1639, "FIFO"},
		{"DIR/ohotfix.ini FIFO", func(t *testing.T, u, _, fifo string) []string {
			os.Remove(filepath.Join(u, "ohotfix.ini"))
			mkfifo(t, filepath.Join(u, "ohotfix.ini"))
			return []string{"/q"}
		}, 1639, "FIFO"},
		{"AdminPath FIFO", func(t *testing.T, u, _, fifo string) []string { return []string{"/q", "/admin:" + fifo} }, 1620, "FIFO"},
		{".msp FIFO in DIR", func(t *testing.T, u, _, fifo string) []string {
			mkfifo(t, filepath.Join(u, "zz-fifo.msp"))
			return []string{"/q"}
		}, 1635, "FIFO"},
		{"/log: FIFO", func(t *testing.T, u, _, fifo string) []string { return []string{"/q", "/log:" + fifo} }, 1622, "FIFO"},
	}
	for _, tc := range cases {
		t.Run(tc.name, func(t *testing.T) {
			updates, image := adminCase(t, "")
			fifo := filepath.Join(t.TempDir(), "fifo")
			mkfifo(t, fifo)
			before := treeHash(t, image)
			args := append([]string{"run", updates}, tc.setup(t, updates, image, fifo)...)
			ctx, cancel := context.WithTimeout(context.Background(), 20*time.Second)
			defer cancel()
			cmd := exec.CommandContext(ctx, ohotfixBinary(t), args...)
			cmd.Env = append(os.Environ(), "TMPDIR="+t.TempDir())
			start := time.Now()
			out, err := cmd.CombinedOutput()
			if ctx.Err() != nil {
				t.Fatalf("blocked: still running after %s", time.Since(start))
			}
			var ee *exec.ExitError
			status := 0
			if errors.As(err, &ee) {
				status = ee.ExitCode()
			}
			if status != wantStatus(tc.code) || !strings.Contains(string(out), tc.says) {
				t.Errorf("status %d (want %d for %d), output %q", status, wantStatus(tc.code), tc.code, out)
			}
			if treeHash(t, image) != before {
				t.Error("the image changed")
			}
		})
	}
}

func mkfifo(t *testing.T, path string) {
	t.Helper()
	if err := syscall.Mkfifo(path, 0o644); err != nil {
		t.Fatal(err)
	}
}
