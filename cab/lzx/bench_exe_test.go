package lzx

import (
	"bytes"
	"io"
	"os"
	"os/exec"
	"path/filepath"
	"runtime"
	"strings"
	"testing"
)

// executableSample compresses an x86-64 program (the Go compiler from
// GOROOT, else this test binary) with the test encoder: LZX:21, aligned
// blocks, E8 translation: representative of real cabinets of executables.
func executableSample(tb testing.TB) (data, stream []byte, frames []int) {
	tb.Helper()
	var err error = os.ErrNotExist
	if root, gerr := exec.Command("go", "env", "GOROOT").Output(); gerr == nil {
		path := filepath.Join(strings.TrimSpace(string(root)), "pkg", "tool", runtime.GOOS+"_"+runtime.GOARCH, "compile")
		data, err = os.ReadFile(path)
	}
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
