//go:build unix

package lzx

import (
	"bytes"
	"io"
	"os"
	"path/filepath"
	"testing"
	"time"

	"github.com/ohotfix/ohotfix/cab/internal/rawcab"
)

// TestSpeedVersusCabextract times this decoder and `cabextract -p` on the
// same folders (an executable, and the 2 GiB LZX:21 folder of
// large-files.cab) and logs MB/s. Only with OHOTFIX_LARGE_TESTS=1.
func TestSpeedVersusCabextract(t *testing.T) {
	rawcab.RequireLarge(t, "time against cabextract")
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
	if testing.Short() {
		cases = cases[:1] // the executable only
	}
	// Both decoders write to /dev/null (cabextract -p does).
	devnull := rawcab.DevNull(t)
	for _, c := range cases {
		ours := rawcab.BestOf(9, func() time.Duration {
			before := rawcab.SelfCPU()
			r, _ := NewReader(bytes.NewReader(c.payload), c.window, c.size)
			if n, err := io.Copy(devnull, r); err != nil || n != c.size {
				t.Fatalf("%s: %d bytes, %v", c.name, n, err)
			}
			return rawcab.SelfCPU() - before
		})
		theirs := rawcab.BestOf(9, func() time.Duration { return rawcab.CabextractCPU(t, c.cab, c.member) })
		mb := float64(c.size) / 1e6
		t.Logf("%-28s %8.1f MB  ours %7.0f MB/s  cabextract %7.0f MB/s (CPU time)  ratio %.2fx",
			c.name, mb, mb/ours.Seconds(), mb/theirs.Seconds(), theirs.Seconds()/ours.Seconds())
	}
}
