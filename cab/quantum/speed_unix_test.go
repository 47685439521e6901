//go:build unix

package quantum

import (
	"io"
	"path/filepath"
	"testing"
	"time"

	"github.com/ohotfix/ohotfix/cab/internal/rawcab"
)

// TestSpeedVersusCabextract times this decoder and cabextract (CPU time) on
// 4 MiB of Quantum-compressed code. Only with OHOTFIX_LARGE_TESTS=1.
func TestSpeedVersusCabextract(t *testing.T) {
	rawcab.RequireLarge(t, "time against cabextract")
	data, frames := quantumCode(t)
	path := filepath.Join(t.TempDir(), "code.cab")
	if err := rawcab.WriteCab(path, "data.bin", data, 21<<8|7<<4|2, frames); err != nil {
		t.Fatal(err)
	}
	blocks := asBlocks(frames)
	devnull := rawcab.DevNull(t)
	ours := rawcab.BestOf(5, func() time.Duration {
		before := rawcab.SelfCPU()
		r, _ := NewBlockReader(&folderBlocks{blocks}, 21, int64(len(data)))
		if n, err := io.Copy(devnull, r); err != nil || n != int64(len(data)) {
			t.Fatalf("%d bytes, %v", n, err)
		}
		return rawcab.SelfCPU() - before
	})
	theirs := rawcab.BestOf(5, func() time.Duration { return rawcab.CabextractCPU(t, path, "data.bin") })
	mb := float64(len(data)) / 1e6
	t.Logf("Quantum 7/21 code %.1f MB: ours %.0f MB/s, cabextract %.0f MB/s (CPU time), ratio %.2fx",
		mb, mb/ours.Seconds(), mb/theirs.Seconds(), theirs.Seconds()/ours.Seconds())
}
