//go:build unix

package lzx

import (
	"bytes"
	"io"
	"os"
	"os/exec"
	"path/filepath"
	"syscall"
	"testing"
	"time"

	"github.com/ohotfix/ohotfix/cab/internal/rawcab"
)

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
	if testing.Short() {
		cases = cases[:1] // the executable only
	}
	for _, c := range cases {
		// CPU time (user+system) rather than wall time: the machine is
		// shared, and CPU time is what each decoder itself spends.
		best := func(run func() time.Duration) time.Duration {
			var d time.Duration
			for i := 0; i < 9; i++ {
				if e := run(); i == 0 || e < d {
					d = e
				}
			}
			return d
		}
		ours := best(func() time.Duration {
			before := selfCPU()
			r, _ := NewReader(bytes.NewReader(c.payload), c.window, c.size)
			if n, err := io.Copy(devnull, r); err != nil || n != c.size {
				t.Fatalf("%s: %d bytes, %v", c.name, n, err)
			}
			return selfCPU() - before
		})
		theirs := best(func() time.Duration {
			cmd := exec.Command(bin, "-q", "-p", "-F", c.member, c.cab)
			cmd.Stdout = devnull
			if err := cmd.Run(); err != nil {
				t.Fatalf("cabextract: %v", err)
			}
			return cmd.ProcessState.UserTime() + cmd.ProcessState.SystemTime()
		})
		mb := float64(c.size) / 1e6
		t.Logf("%-28s %8.1f MB  ours %7.0f MB/s  cabextract %7.0f MB/s (CPU time)  ratio %.2fx",
			c.name, mb, mb/ours.Seconds(), mb/theirs.Seconds(), theirs.Seconds()/ours.Seconds())
	}
}

// selfCPU is the CPU time this process has used so far.
func selfCPU() time.Duration {
	var ru syscall.Rusage
	if err := syscall.Getrusage(syscall.RUSAGE_SELF, &ru); err != nil {
		return 0
	}
	return time.Duration(ru.Utime.Nano() + ru.Stime.Nano())
}
