package safeopen

import (
	"errors"
	"io"
	"os"
	"path/filepath"
	"runtime"
	"strings"
	"testing"
	"time"
)

// within fails the test when fn does not return within d (it would block).
func within(t *testing.T, d time.Duration, what string, fn func()) {
	t.Helper()
	done := make(chan struct{})
	go func() { defer close(done); fn() }()
	select {
	case <-done:
	case <-time.After(d):
		t.Fatalf("%s blocked for more than %v", what, d)
	}
}

func TestSpecialFilesRefusedWithoutBlocking(t *testing.T) {
	dir := tempDir(t)
	for class, p := range special(t, dir) {
		t.Run(class, func(t *testing.T) {
			entries := map[string]func() error{
				"Check": func() error { _, err := Check(p); return err },
				"Open": func() error {
					f, err := Open(p)
					if err == nil {
						f.Close()
					}
					return err
				},
				"ReadFileLimited": func() error { _, err := ReadFileLimited(p, 1<<20); return err },
				"CheckTarget":     func() error { return CheckTarget(p) },
			}
			for name, fn := range entries {
				var err error
				within(t, 2*time.Second, name+"("+class+")", func() { err = fn() })
				if !errors.Is(err, ErrNotRegular) {
					t.Errorf("%s(%s) = %v, want a NotRegularError", name, class, err)
					continue
				}
				var nr *NotRegularError
				if !errors.As(err, &nr) || !strings.Contains(err.Error(), p) {
					t.Errorf("%s: message %q does not name the path", name, err)
				}
			}
		})
	}
}

func TestRegularFileAndLinkToIt(t *testing.T) {
	dir := tempDir(t)
	p := filepath.Join(dir, "a.txt")
	if err := os.WriteFile(p, []byte("hello"), 0o644); err != nil {
		t.Fatal(err)
	}
	paths := []string{p}
	if runtime.GOOS != "windows" {
		link := filepath.Join(dir, "link")
		if err := os.Symlink(p, link); err != nil {
			t.Fatal(err)
		}
		paths = append(paths, link)
	}
	for _, q := range paths {
		f, size, err := OpenSized(q)
		if err != nil {
			t.Fatalf("OpenSized(%s): %v", q, err)
		}
		b, err := io.ReadAll(f)
		f.Close()
		if err != nil || string(b) != "hello" || size != 5 {
			t.Errorf("%s: read %q size %d err %v", q, b, size, err)
		}
		if b, err := ReadFileLimited(q, 5); err != nil || string(b) != "hello" {
			t.Errorf("ReadFileLimited(%s, 5) = %q, %v", q, b, err)
		}
	}
	if err := CheckTarget(p); err != nil {
		t.Errorf("CheckTarget(regular) = %v", err)
	}
	if err := CheckTarget(filepath.Join(dir, "absent")); err != nil {
		t.Errorf("CheckTarget(absent) = %v", err)
	}
	if _, err := Open(filepath.Join(dir, "absent")); !errors.Is(err, os.ErrNotExist) {
		t.Errorf("Open(absent) = %v, want ErrNotExist", err)
	}
}

func TestLimits(t *testing.T) {
	dir := tempDir(t)
	p := filepath.Join(dir, "big")
	if err := os.WriteFile(p, make([]byte, 4097), 0o644); err != nil {
		t.Fatal(err)
	}
	_, err := ReadFileLimited(p, 4096)
	var tl *TooLargeError
	if !errors.As(err, &tl) || tl.Limit != 4096 || !strings.Contains(err.Error(), "4 KiB") {
		t.Fatalf("ReadFileLimited over the limit = %v", err)
	}
	if b, err := ReadFileLimited(p, 4097); err != nil || len(b) != 4097 {
		t.Fatalf("at the limit: %d bytes, %v", len(b), err)
	}
	// An endless stream is cut at limit+1 bytes, memory bounded.
	var zero zeroReader
	_, err = ReadAllLimited(&zero, 1<<20)
	if !errors.Is(err, ErrTooLarge) || zero.n > 1<<20+1 {
		t.Fatalf("ReadAllLimited(endless) = %v after %d bytes", err, zero.n)
	}
	if b, err := ReadAllLimited(strings.NewReader("abc"), 3); err != nil || string(b) != "abc" {
		t.Fatalf("ReadAllLimited(3 of 3) = %q, %v", b, err)
	}
}

// tempDir is t.TempDir without its failing cleanup under Wine, whose file
// system lacks the POSIX-semantics delete os.RemoveAll uses on Windows (a
// leftover in a throw-away prefix is harmless).
func tempDir(t testing.TB) string {
	t.Helper()
	d, err := os.MkdirTemp("", "safeopen-test-")
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { os.RemoveAll(d) })
	return d
}

type zeroReader struct{ n int64 }

func (z *zeroReader) Read(p []byte) (int, error) {
	clear(p)
	z.n += int64(len(p))
	return len(p), nil
}

func BenchmarkOpenClose(b *testing.B) {
	p := filepath.Join(b.TempDir(), "f")
	os.WriteFile(p, []byte("x"), 0o644)
	for b.Loop() {
		f, err := Open(p)
		if err != nil {
			b.Fatal(err)
		}
		f.Close()
	}
}

func BenchmarkReadFileLimited64K(b *testing.B) {
	p := filepath.Join(b.TempDir(), "f")
	os.WriteFile(p, make([]byte, 64<<10), 0o644)
	b.SetBytes(64 << 10)
	for b.Loop() {
		if _, err := ReadFileLimited(p, 1<<20); err != nil {
			b.Fatal(err)
		}
	}
}
