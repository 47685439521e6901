//go:build unix

package lock

import (
	"context"
	"os"
	"path/filepath"
	"syscall"
	"testing"
	"time"
)

// The O_NOFOLLOW open alone (without the Lstat pre-check) refuses a symlink:
// this is what closes the race where one is planted between the two.
func TestNoFollowOpen(t *testing.T) {
	dir := t.TempDir()
	victim := filepath.Join(dir, "victim")
	link := filepath.Join(dir, "link")
	if err := os.WriteFile(victim, nil, 0o600); err != nil {
		t.Fatal(err)
	}
	if err := os.Symlink(victim, link); err != nil {
		if os.Getenv("CI") == "true" { // CI's Linux runners always can: a skip would hide the check
			t.Fatal("symlinks not available:", err)
		}
		t.Skip("symlinks not available:", err)
	}
	l := newFileLocker(link)
	_, err := l.fl.TryLock()
	if err == nil || !isSymlinkOpenError(err) {
		t.Fatalf("open through symlink: %v, want ELOOP", err)
	}
}

func TestLockDir(t *testing.T) {
	dirs := map[string]bool{"/run/lock": true, "/var/lock": true, "/run/user/1000": true}
	env := func(m map[string]string) func(string) string { return func(k string) string { return m[k] } }
	for _, tc := range []struct {
		name string
		euid int
		env  map[string]string
		has  map[string]bool
		want string
	}{
		{"root", 0, nil, dirs, "/run/lock"},
		{"root old layout", 0, nil, map[string]bool{"/var/lock": true}, "/var/lock"},
		{"root no lock dir", 0, map[string]string{"XDG_RUNTIME_DIR": "/run/user/1000"}, map[string]bool{"/run/user/1000": true}, "/run/user/1000"},
		{"user runtime dir", 1000, map[string]string{"XDG_RUNTIME_DIR": "/run/user/1000"}, dirs, "/run/user/1000"},
		{"user relative runtime dir", 1000, map[string]string{"XDG_RUNTIME_DIR": "run"}, dirs, os.TempDir()},
		{"user missing runtime dir", 1000, map[string]string{"XDG_RUNTIME_DIR": "/nope"}, dirs, os.TempDir()},
		{"user no env", 1000, nil, dirs, os.TempDir()},
	} {
		t.Run(tc.name, func(t *testing.T) {
			got := lockDir(tc.euid, env(tc.env), func(p string) bool { return tc.has[p] })
			if got != tc.want {
				t.Fatalf("lockDir = %q, want %q", got, tc.want)
			}
		})
	}
}

// Issue 15: a FIFO where the holder record belongs neither blocks the next
// holder (reading the record of a previous holder) nor a waiter.
func TestFIFOHolderRecordDoesNotBlock(t *testing.T) {
	dir := t.TempDir()
	path := filepath.Join(dir, ImageLockName)
	if err := syscall.Mkfifo(path+recordSuffix, 0o644); err != nil {
		t.Fatal(err)
	}
	done := make(chan error, 1)
	go func() {
		h, err := AcquireFile(context.Background(), path, Options{Timeout: NoWait})
		if err == nil {
			err = h.Release()
		}
		done <- err
	}()
	select {
	case err := <-done:
		if err != nil {
			t.Logf("acquire with a FIFO record: %v", err)
		}
	case <-time.After(5 * time.Second):
		t.Fatal("a FIFO as the holder record blocked the lock")
	}
}
