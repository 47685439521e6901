package rawcab

import (
	"bytes"
	"fmt"
	"math/rand"
	"os"
	"testing"
)

// Executable returns up to max bytes of x86-64 code: the running test
// binary, full of E8 calls (what LZX's E8 translation is for).
func Executable(tb testing.TB, max int) []byte {
	tb.Helper()
	exe, err := os.Executable()
	if err != nil {
		tb.Fatal(err)
	}
	code, err := os.ReadFile(exe)
	if err != nil {
		tb.Fatal(err)
	}
	return code[:min(len(code), max)]
}

// Text returns at least n bytes of numbered, repetitive English lines:
// long matches at many distances.
func Text(n int) []byte {
	var text bytes.Buffer
	for i := 0; text.Len() < n; i++ {
		fmt.Fprintf(&text, "line %d: the quick brown fox %x jumps over the lazy dog\n", i, i*i%977)
	}
	return text.Bytes()
}

// Random returns n incompressible bytes, the same on every run.
func Random(n int) []byte {
	b := make([]byte, n)
	rand.New(rand.NewSource(1)).Read(b)
	return b
}

// WriteCab writes Build's cabinet to path, for an external extractor.
func WriteCab(path, name string, data []byte, typeCompress uint16, blocks [][]byte) error {
	cab, err := Build(name, data, typeCompress, blocks)
	if err != nil {
		return err
	}
	return os.WriteFile(path, cab, 0o644)
}
