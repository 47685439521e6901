//go:build unix

package payload

import (
	"bufio"
	"crypto/sha256"
	"fmt"
	"io"
	"math/rand/v2"
	"os"
	"path/filepath"
	"syscall"
	"testing"
)

// A payload of more than 4 GiB (incompressible, so the cabinets hold more
// than 4 GiB too and the trailer's 64-bit fields are needed) on an ELF
// stub packs, verifies and extracts, in bounded memory. It writes about
// 15 GB: only with OHOTFIX_LARGE_TESTS=1.
func TestLargePayloadELF(t *testing.T) {
	if os.Getenv("OHOTFIX_LARGE_TESTS") != "1" {
		t.Skip("set OHOTFIX_LARGE_TESTS=1 to pack and extract a > 4 GiB payload (about 15 GB of disk)")
	}
	dir := t.TempDir()
	const each = 1_600_000_000
	want := map[string][sha256.Size]byte{}
	for i := range 3 {
		name := fmt.Sprintf("part%d.msp", i+1)
		want[name] = writeRandom(t, filepath.Join(dir, name), each, uint64(i))
	}
	os.WriteFile(filepath.Join(dir, "ohotfix.ini"), []byte("[OHotfix]\n"), 0o644)
	stub, err := os.Executable() // an ELF binary
	if err != nil {
		t.Fatal(err)
	}
	files, _ := Files(dir)
	out := filepath.Join(t.TempDir(), "big")
	info, err := Pack(stub, dir, files, out)
	if err != nil {
		t.Fatal(err)
	}
	p, ok, err := Find(out)
	if err != nil || !ok || p.Size <= 1<<32 {
		t.Fatalf("Find: %+v %v %v (want a payload over 4 GiB)", p, ok, err)
	}
	for _, name := range files { // the inputs go: room for the extraction
		os.Remove(filepath.Join(dir, name))
	}
	a, err := p.Open()
	if err != nil {
		t.Fatal(err)
	}
	defer a.Close()
	if a.Cabinets != info.Cabinets || a.Cabinets < 4 {
		t.Errorf("%d cabinets (pack said %d)", a.Cabinets, info.Cabinets)
	}
	x := filepath.Join(t.TempDir(), "x")
	if _, err := a.Extract(x, nil); err != nil {
		t.Fatal(err)
	}
	for name, h := range want {
		if got := fileHash(t, filepath.Join(x, name)); got != h {
			t.Errorf("%s differs after extraction", name)
		}
	}
	var ru syscall.Rusage
	syscall.Getrusage(syscall.RUSAGE_SELF, &ru)
	t.Logf("payload %d bytes in %d cabinets; peak RSS %d MiB", p.Size, a.Cabinets, ru.Maxrss>>10)
	if ru.Maxrss<<10 > 1<<30 {
		t.Errorf("peak RSS %d MiB: the payload is not streamed", ru.Maxrss>>10)
	}
}

func writeRandom(t *testing.T, path string, n int64, seed uint64) [sha256.Size]byte {
	f, err := os.Create(path)
	if err != nil {
		t.Fatal(err)
	}
	defer f.Close()
	h := sha256.New()
	w := bufio.NewWriterSize(io.MultiWriter(f, h), 1<<20)
	src := rand.NewChaCha8([32]byte{byte(seed)})
	if _, err := io.CopyN(w, src, n); err != nil {
		t.Fatal(err)
	}
	if err := w.Flush(); err != nil {
		t.Fatal(err)
	}
	var s [sha256.Size]byte
	copy(s[:], h.Sum(nil))
	return s
}

func fileHash(t *testing.T, path string) [sha256.Size]byte {
	f, err := os.Open(path)
	if err != nil {
		t.Fatal(err)
	}
	defer f.Close()
	h := sha256.New()
	io.Copy(h, f)
	var s [sha256.Size]byte
	copy(s[:], h.Sum(nil))
	return s
}
