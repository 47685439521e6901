package cfb

import (
	"bytes"
	"encoding/binary"
	"errors"
	"math/rand/v2"
	"os"
	"path/filepath"
	"runtime"
	"strings"
	"testing"
	"time"
	"unicode/utf16"
)

// exercise does everything a caller might do with a file: open it, read
// every stream, take the Tree and write it back. It returns the first error.
func exercise(data []byte) error {
	r, err := NewReader(bytes.NewReader(data), int64(len(data)))
	if err != nil {
		return err
	}
	err = r.Root().walk(func(c *Entry) error {
		if c.IsStorage() {
			return nil
		}
		_, err := r.ReadStream(c)
		return err
	})
	if err != nil {
		return err
	}
	tree, err := r.Tree()
	if err != nil {
		return err
	}
	return Write(discard{}, tree, nil)
}

type discard struct{}

func (discard) Write(p []byte) (int, error) { return len(p), nil }

// typedErr reports whether err is one of the package's classified errors.
func typedErr(err error) bool {
	return errors.Is(err, ErrFormat) || errors.Is(err, ErrCorrupt) || errors.Is(err, ErrInvalidTree)
}

// cfbEditor patches the structures of a valid v3 file to build hostile ones.
type cfbEditor struct {
	data []byte
	ss   int
}

func newEditor(t testing.TB, data []byte) *cfbEditor {
	t.Helper()
	e := &cfbEditor{data: bytes.Clone(data), ss: 1 << binary.LittleEndian.Uint16(data[0x1E:])}
	return e
}

func (e *cfbEditor) u32(off int) uint32      { return binary.LittleEndian.Uint32(e.data[off:]) }
func (e *cfbEditor) put32(off int, v uint32) { binary.LittleEndian.PutUint32(e.data[off:], v) }
func (e *cfbEditor) sectorOff(s uint32) int  { return (int(s) + 1) * e.ss }
func (e *cfbEditor) fatEntryOff(s uint32) int { // only header-listed FAT sectors
	per := uint32(e.ss / 4)
	fatSec := e.u32(0x4C + 4*int(s/per))
	return e.sectorOff(fatSec) + int(s%per)*4
}
func (e *cfbEditor) next(s uint32) uint32 { return e.u32(e.fatEntryOff(s)) }

// entryOff finds the directory entry with the given name.
func (e *cfbEditor) entryOff(t testing.TB, name string) int {
	t.Helper()
	per := e.ss / dirEntrySize
	want := utf16.Encode([]rune(name))
	for s, i := e.u32(0x30), 0; s != endOfChain && i < 1000; s, i = e.next(s), i+1 {
		for k := 0; k < per; k++ {
			off := e.sectorOff(s) + k*dirEntrySize
			n := int(binary.LittleEndian.Uint16(e.data[off+0x40:]))/2 - 1
			if n != len(want) {
				continue
			}
			match := true
			for j, u := range want {
				if binary.LittleEndian.Uint16(e.data[off+2*j:]) != u {
					match = false
				}
			}
			if match {
				return off
			}
		}
	}
	t.Fatalf("entry %q not found", name)
	return 0
}

// TestHostileInputs builds specific corruptions and checks that each is
// reported as the right kind of error with a message naming the defect.
func TestHostileInputs(t *testing.T) {
	tree := sampleTree()
	// Padding so the file has over 236 sectors, enough to claim a FAT
	// that needs a DIFAT sector beyond the header's 109 slots.
	tree.Children = append(tree.Children, &Node{Name: "pad", Source: patternSource{9, 70_000}, Size: 70_000})
	base := writeTree(t, tree, 3)
	type edit func(t *testing.T, e *cfbEditor)
	cases := []struct {
		name string
		kind error
		msg  string
		edit edit
	}{
		{"bad signature", ErrFormat, "signature", func(t *testing.T, e *cfbEditor) { e.data[0] = 0 }},
		{"version 5", ErrFormat, "version", func(t *testing.T, e *cfbEditor) { e.data[0x1A] = 5 }},
		{"v3 with 4096 sectors", ErrFormat, "sector shift", func(t *testing.T, e *cfbEditor) { e.data[0x1E] = 12 }},
		{"mini cutoff", ErrFormat, "cutoff", func(t *testing.T, e *cfbEditor) { e.put32(0x38, 1<<20) }},
		{"huge FAT count", ErrCorrupt, "FAT sectors", func(t *testing.T, e *cfbEditor) { e.put32(0x2C, 0xFFFFFFFF) }},
		{"huge DIFAT count", ErrCorrupt, "DIFAT sectors", func(t *testing.T, e *cfbEditor) { e.put32(0x48, 0x7FFFFFFF) }},
		{"FAT sector out of range", ErrCorrupt, "out of range", func(t *testing.T, e *cfbEditor) { e.put32(0x4C, 0xFFFFF0) }},
		{"DIFAT loop", ErrCorrupt, "DIFAT chain loops", func(t *testing.T, e *cfbEditor) {
			// Claim 240 FAT sectors, 109 in the header and the rest in a
			// DIFAT sector that points at itself.
			for i := 1; i < 109; i++ {
				e.put32(0x4C+4*i, uint32(i))
			}
			e.put32(0x2C, 240)
			e.put32(0x48, 5)
			e.put32(0x44, 150)
			off := e.sectorOff(150)
			for k := 0; k < e.ss/4-1; k++ {
				e.put32(off+4*k, uint32(109+k))
			}
			e.put32(off+e.ss-4, 150)
		}},
		{"stream chain loop", ErrCorrupt, "loops at sector", func(t *testing.T, e *cfbEditor) {
			start := e.u32(e.entryOff(t, "big100k") + 0x74)
			e.put32(e.fatEntryOff(start+5), start+2)
		}},
		{"stream chain too short", ErrCorrupt, "ends after", func(t *testing.T, e *cfbEditor) {
			start := e.u32(e.entryOff(t, "big100k") + 0x74)
			e.put32(e.fatEntryOff(start+5), endOfChain)
		}},
		{"stream start out of range", ErrCorrupt, "out of range", func(t *testing.T, e *cfbEditor) {
			e.put32(e.entryOff(t, "big100k")+0x74, 0xFFFFF00)
		}},
		{"directory chain loop", ErrCorrupt, "loops at sector", func(t *testing.T, e *cfbEditor) {
			d := e.u32(0x30)
			e.put32(e.fatEntryOff(d+2), d)
		}},
		{"directory tree loop", ErrCorrupt, "loops at entry", func(t *testing.T, e *cfbEditor) {
			off := e.entryOff(t, "Sub")
			e.put32(off+0x4C, 0) // Sub's child is the root
		}},
		{"link beyond directory", ErrCorrupt, "beyond the", func(t *testing.T, e *cfbEditor) {
			e.put32(e.entryOff(t, "Sub")+0x44, 100000)
		}},
		{"stream size beyond file", ErrCorrupt, "larger than the", func(t *testing.T, e *cfbEditor) {
			e.put32(e.entryOff(t, "big100k")+0x78, 0xFFFFFFF0)
		}},
		{"stream sizes add up beyond file", ErrCorrupt, "add up", func(t *testing.T, e *cfbEditor) {
			e.put32(e.entryOff(t, "big100k")+0x78, uint32(len(e.data)-e.ss))
			e.put32(e.entryOff(t, "inner")+0x78, uint32(len(e.data)/2))
		}},
		{"mini sizes beyond mini stream", ErrCorrupt, "mini stream", func(t *testing.T, e *cfbEditor) {
			e.put32(e.entryOff(t, "one")+0x78, 4000)
			e.put32(e.entryOff(t, "abc")+0x78, 4000)
			e.put32(e.entryOff(t, "ab")+0x78, 4000)
		}},
		{"mini chain loop", ErrCorrupt, "mini FAT chain", func(t *testing.T, e *cfbEditor) {
			start := e.u32(e.entryOff(t, "mini4095") + 0x74)
			mf := e.u32(0x3C)
			off := e.sectorOff(mf) + int(start+3)*4 // mini FAT fits one sector here
			e.put32(off, start)
		}},
		{"bad entry type", ErrCorrupt, "type", func(t *testing.T, e *cfbEditor) { e.data[e.entryOff(t, "Sub")+0x42] = 9 }},
		{"bad name length", ErrCorrupt, "name length", func(t *testing.T, e *cfbEditor) {
			binary.LittleEndian.PutUint16(e.data[e.entryOff(t, "Sub")+0x40:], 200)
		}},
		{"root not root", ErrCorrupt, "root", func(t *testing.T, e *cfbEditor) {
			e.data[e.sectorOff(e.u32(0x30))+0x42] = byte(TypeStorage)
		}},
	}
	for _, c := range cases {
		t.Run(c.name, func(t *testing.T) {
			e := newEditor(t, base)
			c.edit(t, e)
			err := exercise(e.data)
			if !errors.Is(err, c.kind) || !strings.Contains(err.Error(), c.msg) {
				t.Fatalf("got %v; want %v mentioning %q", err, c.kind, c.msg)
			}
		})
	}
}

// TestTruncated cuts files at many lengths: every cut must give a typed
// error or, if nothing needed was cut, a readable file.
func TestTruncated(t *testing.T) {
	files := map[string][]byte{"sample-v3": writeTree(t, sampleTree(), 3), "sample-v4": writeTree(t, sampleTree(), 4)}
	tiny, err := os.ReadFile(filepath.Join(corpusDir(t, "generated"), "tiny.msi"))
	if err != nil {
		t.Fatal(err)
	}
	files["tiny.msi"] = tiny
	for name, data := range files {
		failed := 0
		for cut := 0; cut < len(data); cut += 1 + cut/40 {
			err := exercise(data[:cut])
			if err == nil {
				continue
			}
			failed++
			if !typedErr(err) {
				t.Fatalf("%s cut at %d: untyped error %v", name, cut, err)
			}
		}
		if failed == 0 {
			t.Fatalf("%s: no truncation was detected", name)
		}
	}
}

// TestBitFlips flips random bits in real files; every outcome must be a
// clean success or a typed error, with bounded time and allocation.
func TestBitFlips(t *testing.T) {
	seeds := [][]byte{writeTree(t, sampleTree(), 3)}
	for _, p := range []string{"tiny.msi", "hand.msp", "fix.mst"} {
		b, err := os.ReadFile(filepath.Join(corpusDir(t, "generated"), p))
		if err != nil {
			t.Fatal(err)
		}
		seeds = append(seeds, b)
	}
	rng := rand.New(rand.NewPCG(1, 2))
	iterations := 3000
	if testing.Short() {
		iterations = 300
	}
	var ms runtime.MemStats
	for i := 0; i < iterations; i++ {
		data := bytes.Clone(seeds[i%len(seeds)])
		for k := 0; k <= rng.IntN(4); k++ {
			// Bias towards the header and metadata, where damage matters.
			pos := rng.IntN(len(data))
			if rng.IntN(2) == 0 {
				pos = rng.IntN(min(len(data), 2048))
			}
			data[pos] ^= 1 << rng.IntN(8)
		}
		runtime.ReadMemStats(&ms)
		before := ms.TotalAlloc
		start := time.Now()
		err := exercise(data)
		elapsed := time.Since(start)
		runtime.ReadMemStats(&ms)
		if err != nil && !typedErr(err) {
			t.Fatalf("iteration %d: untyped error %v", i, err)
		}
		if alloc := ms.TotalAlloc - before; alloc > uint64(64*len(data)+4<<20) {
			t.Fatalf("iteration %d: allocated %d bytes for a %d-byte file", i, alloc, len(data))
		}
		if elapsed > 2*time.Second {
			t.Fatalf("iteration %d: took %v", i, elapsed)
		}
	}
}
