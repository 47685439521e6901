package lzx

import (
	"bytes"
	"io"
	"os"
	"os/exec"
	"path/filepath"
	"runtime"
	"testing"
	"time"

	"github.com/ohotfix/ohotfix/cab/internal/rawcab"
)

// executableSample compresses an x86-64 program (the Go compiler from
// GOROOT, else this test binary) with the test encoder: LZX:21, aligned
// blocks, E8 translation: representative of real cabinets of executables.
func executableSample(tb testing.TB) (data, stream []byte, frames []int) {
	tb.Helper()
	path := filepath.Join(runtime.GOROOT(), "pkg", "tool", runtime.GOOS+"_"+runtime.GOARCH, "compile")
	data, err := os.ReadFile(path)
	if err != nil {
		exe, _ := os.Executable()
		if data, err = os.ReadFile(exe); err != nil {
			tb.Fatal(err)
		}
	}
	stream, frames = encodeLZX(data, encodeOptions{
		windowBits: 21, e8Size: 12000000,
		blockTypes: []int{blockAligned, blockVerbatim}, blockSizes: []int{256 << 10}, chain: 16,
	})
	return data, stream, frames
}

var executableCache struct {
	data, stream []byte
}

// BenchmarkLZXExecutable decodes an LZX:21 folder holding an x86-64 program.
func BenchmarkLZXExecutable(b *testing.B) {
	if executableCache.data == nil {
		executableCache.data, executableCache.stream, _ = executableSample(b)
	}
	data, stream := executableCache.data, executableCache.stream
	b.SetBytes(int64(len(data)))
	b.ResetTimer()
	for b.Loop() {
		r, err := NewReader(bytes.NewReader(stream), 21, int64(len(data)))
		if err != nil {
			b.Fatal(err)
		}
		if _, err := io.Copy(io.Discard, r); err != nil {
			b.Fatal(err)
		}
	}
}

// TestSpeedVersusCabextract times this decoder and `cabextract -p` on the
// same folders (an executable, and the 2 GiB LZX:21 folder of
// large-files.cab) and logs MB/s. Only with OHOTFIX_LARGE_TESTS=1.
func TestSpeedVersusCabextract(t *testing.T) {
	if os.Getenv("OHOTFIX_LARGE_TESTS") != "1" {
		t.Skip("set OHOTFIX_LARGE_TESTS=1 to time against cabextract")
	}
	bin, err := exec.LookPath("cabextract")
	if err != nil {
		t.Skip("cabextract not installed (Debian package cabextract)")
	}
	dir := t.TempDir()
	data, stream, frames := executableSample(t)
	exePath := filepath.Join(dir, "exe.cab")
	if err := writeLZXCab(exePath, data, stream, frames, 21); err != nil {
		t.Fatal(err)
	}
	largeBytes := largeFilesCab(t)
	inner, err := rawcab.Parse(largeBytes)
	if err != nil {
		t.Fatal(err)
	}
	largePath := filepath.Join(dir, "large-files.cab")
	if err := os.WriteFile(largePath, largeBytes, 0o644); err != nil {
		t.Fatal(err)
	}
	cases := []struct {
		name, cab, member string
		payload           []byte
		window            int
		size              int64
	}{
		{"executable LZX:21", exePath, "data.bin", stream, 21, int64(len(data))},
		{"large-files lzx21-2gb.txt", largePath, "lzx21-2gb.txt", inner.Folders[2].Payload(), 21, inner.Folders[2].UncompressedSize()},
		{"large-files lzx15-2gb.txt", largePath, "lzx15-2gb.txt", inner.Folders[1].Payload(), 15, inner.Folders[1].UncompressedSize()},
	}
	devnull, err := os.OpenFile(os.DevNull, os.O_WRONLY, 0)
	if err != nil {
		t.Fatal(err)
	}
	defer devnull.Close()
	for _, c := range cases {
		best := func(run func()) time.Duration {
			var d time.Duration
			for i := 0; i < 3; i++ {
				start := time.Now()
				run()
				if e := time.Since(start); i == 0 || e < d {
					d = e
				}
			}
			return d
		}
		ours := best(func() {
			r, _ := NewReader(bytes.NewReader(c.payload), c.window, c.size)
			if n, err := io.Copy(devnull, r); err != nil || n != c.size {
				t.Fatalf("%s: %d bytes, %v", c.name, n, err)
			}
		})
		theirs := best(func() {
			cmd := exec.Command(bin, "-q", "-p", "-F", c.member, c.cab)
			cmd.Stdout = devnull
			if err := cmd.Run(); err != nil {
				t.Fatalf("cabextract: %v", err)
			}
		})
		mb := float64(c.size) / 1e6
		t.Logf("%-28s %8.1f MB  ours %7.0f MB/s  cabextract %7.0f MB/s  ratio %.2fx",
			c.name, mb, mb/ours.Seconds(), mb/theirs.Seconds(), theirs.Seconds()/ours.Seconds())
	}
}
