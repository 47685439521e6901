package quantum

import (
	"bytes"
	"io"
	"testing"

	"github.com/ohotfix/ohotfix/cab/internal/rawcab"
)

func benchmarkFolder(b *testing.B, name string, blockMode bool) {
	cab := rawcab.OpenCorpus(b, name)
	var f *rawcab.Folder
	for i := range cab.Folders {
		if cab.Folders[i].Method() == rawcab.MethodQuantum {
			f = &cab.Folders[i]
		}
	}
	payload, size := f.Payload(), f.UncompressedSize()
	b.SetBytes(size)
	b.ReportAllocs()
	for b.Loop() {
		var r io.Reader
		var err error
		if blockMode {
			r, err = NewBlockReader(&folderBlocks{f.Blocks}, f.WindowBits(), size)
		} else {
			r, err = NewReader(bytes.NewReader(payload), f.WindowBits(), size)
		}
		if err != nil {
			b.Fatal(err)
		}
		if _, err := io.Copy(io.Discard, r); err != nil {
			b.Fatal(err)
		}
	}
}

// BenchmarkQuantumZeros: 16 frames (512 KiB of zeros, Quantum 2/18) from
// cabextract's cve-2010-2801-qtm-flush.cab, block mode.
func BenchmarkQuantumZeros(b *testing.B) {
	benchmarkFolder(b, "cabextract-tests/bugs/cve-2010-2801-qtm-flush.cab", true)
}

// BenchmarkQuantumZerosStream: the same in stream mode (NewReader).
func BenchmarkQuantumZerosStream(b *testing.B) {
	benchmarkFolder(b, "cabextract-tests/bugs/cve-2010-2801-qtm-flush.cab", false)
}

// BenchmarkQuantumText: qtm.txt of mszip_lzx_qtm.cab (setup dominated).
func BenchmarkQuantumText(b *testing.B) {
	benchmarkFolder(b, "libmspack-cabd/mszip_lzx_qtm.cab", true)
}

var codeSample struct {
	data   []byte
	frames [][]byte
}

// quantumCode is 4 MiB of x86-64 code (this test binary, repeated if
// short) compressed by the test encoder with a 2^21 window.
func quantumCode(tb testing.TB) ([]byte, [][]byte) {
	if codeSample.data == nil {
		code := rawcab.Executable(tb, 400<<10)
		exe := code
		for len(code) < 4<<20 {
			code = append(code, exe...)
		}
		codeSample.data = code[:4<<20]
		codeSample.frames = encodeQuantum(codeSample.data, 21)
	}
	return codeSample.data, codeSample.frames
}

// BenchmarkQuantumCode decodes 4 MiB of executable code (block mode).
func BenchmarkQuantumCode(b *testing.B) {
	data, frames := quantumCode(b)
	blocks := asBlocks(frames)
	b.SetBytes(int64(len(data)))
	for b.Loop() {
		r, err := NewBlockReader(&folderBlocks{blocks}, 21, int64(len(data)))
		if err != nil {
			b.Fatal(err)
		}
		if _, err := io.Copy(io.Discard, r); err != nil {
			b.Fatal(err)
		}
	}
}
