package payload

import (
	"crypto"
	"os"
	"path/filepath"
	"testing"
)

// benchPackage packs 64 MiB (ohotfix.ini and two files of slightly
// compressible data) on an ELF-like stub.
func benchPackage(b *testing.B) (exe string, size int64) {
	b.Helper()
	dir, files := updateDir(b, 16<<20, 48<<20)
	for _, f := range files {
		size += int64(len(f))
	}
	return pack(b, elfStub(b), dir), size
}

func BenchmarkPack(b *testing.B) {
	dir, files := updateDir(b, 16<<20, 48<<20)
	var size int64
	for _, f := range files {
		size += int64(len(f))
	}
	stub := elfStub(b)
	names, _ := Files(dir)
	out := filepath.Join(b.TempDir(), "pkg")
	b.SetBytes(size)
	b.ResetTimer()
	for b.Loop() {
		if _, err := Pack(stub, dir, names, out); err != nil {
			b.Fatal(err)
		}
	}
}

// BenchmarkExtract is what every run of a patch executable does first:
// find, open, decode, hash and write the payload.
func BenchmarkExtract(b *testing.B) {
	exe, size := benchPackage(b)
	root := b.TempDir()
	b.SetBytes(size)
	b.ResetTimer()
	for b.Loop() {
		out, err := os.MkdirTemp(root, "x")
		if err != nil {
			b.Fatal(err)
		}
		p, ok, err := Find(exe)
		if err != nil || !ok {
			b.Fatal(ok, err)
		}
		if _, err := p.Extract(out); err != nil {
			b.Fatal(err)
		}
		b.StopTimer()
		os.RemoveAll(out)
		b.StartTimer()
	}
}

func BenchmarkVerify(b *testing.B) {
	exe, size := benchPackage(b)
	b.SetBytes(size)
	b.ResetTimer()
	for b.Loop() {
		p, _, _ := Find(exe)
		a, err := p.Open()
		if err != nil {
			b.Fatal(err)
		}
		if _, err := a.Verify(nil); err != nil {
			b.Fatal(err)
		}
		a.Close()
	}
}

// BenchmarkFind is the cost a plain (unpacked) ohotfix pays at every start.
func BenchmarkFind(b *testing.B) {
	exe := peStub(b)
	for b.Loop() {
		if _, ok, err := Find(exe); ok || err != nil {
			b.Fatal(ok, err)
		}
	}
}

// BenchmarkPEDigest is the Authenticode digest `pack --verify` computes
// over a 64 MiB package.
func BenchmarkPEDigest(b *testing.B) {
	dir, files := updateDir(b, 16<<20, 48<<20)
	var size int64
	for _, f := range files {
		size += int64(len(f))
	}
	exe := pack(b, peStub(b), dir)
	b.SetBytes(size)
	b.ResetTimer()
	for b.Loop() {
		if _, err := PEDigest(exe, crypto.SHA256); err != nil {
			b.Fatal(err)
		}
	}
}
