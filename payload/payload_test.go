package payload

import (
	"bytes"
	"crypto/sha256"
	"encoding/binary"
	"errors"
	"fmt"
	"math/rand/v2"
	"os"
	"path/filepath"
	"sort"
	"strings"
	"testing"

	"github.com/ohotfix/ohotfix/cab"
	"github.com/ohotfix/ohotfix/exitcode"
)

// updateDir writes an ohotfix.ini and .msp-named files of the given sizes
// (default: two, one larger than a cabinet folder) into a fresh folder.
// Their bytes are random, like the compressed cabinets that fill real .msp
// files.
func updateDir(t testing.TB, sizes ...int) (string, map[string][]byte) {
	t.Helper()
	if len(sizes) == 0 {
		sizes = []int{300_000, 40 << 20}
	}
	dir := t.TempDir()
	files := map[string][]byte{"ohotfix.ini": []byte("[OHotfix]\nOHotfixUILevel=q\n")}
	rng := rand.NewChaCha8([32]byte{1})
	for i, n := range sizes {
		b := make([]byte, n)
		rng.Read(b)
		files[fmt.Sprintf("fix%d.msp", i+1)] = b
	}
	for name, b := range files {
		if err := os.WriteFile(filepath.Join(dir, name), b, 0o644); err != nil {
			t.Fatal(err)
		}
	}
	return dir, files
}

// elfStub is a stand-in for a non-PE ohotfix binary.
func elfStub(t testing.TB) string {
	p := filepath.Join(t.TempDir(), "stub")
	os.WriteFile(p, append([]byte("\x7fELF"), bytes.Repeat([]byte{0x90}, 5000)...), 0o755)
	return p
}

// peStub is a minimal PE32+ file: DOS header, PE headers with 16 data
// directories and no sections, then filler.
func peStub(t testing.TB) string {
	b := make([]byte, 0x40+24+240+3001)
	copy(b, "MZ")
	binary.LittleEndian.PutUint32(b[0x3c:], 0x40)
	copy(b[0x40:], "PE\x00\x00")
	binary.LittleEndian.PutUint16(b[0x44:], 0x8664)
	binary.LittleEndian.PutUint16(b[0x44+16:], 240)
	opt := 0x40 + 24
	binary.LittleEndian.PutUint16(b[opt:], 0x20b)
	binary.LittleEndian.PutUint32(b[opt+108:], 16)
	for i := opt + 240; i < len(b); i++ {
		b[i] = byte(i)
	}
	p := filepath.Join(t.TempDir(), "stub.exe")
	os.WriteFile(p, b, 0o755)
	return p
}

// fakeSign does to a PE file what a signing tool does: pad to 8 bytes with
// zeros, append a certificate table, point the security directory at it.
func fakeSign(t testing.TB, path string, blob []byte) {
	b, err := os.ReadFile(path)
	if err != nil {
		t.Fatal(err)
	}
	l, ok, err := readPELayout(bytes.NewReader(b), int64(len(b)))
	if err != nil || !ok {
		t.Fatalf("not a PE: %v", err)
	}
	if l.signed() { // re-signing replaces the table
		b = b[:l.certOff]
	}
	for len(b)%8 != 0 {
		b = append(b, 0)
	}
	off := len(b)
	entry := binary.LittleEndian.AppendUint32(nil, uint32(8+len(blob)))
	entry = append(entry, 0x00, 0x02, 0x02, 0x00)
	entry = append(entry, blob...)
	for len(entry)%8 != 0 {
		entry = append(entry, 0)
	}
	b = append(b, entry...)
	binary.LittleEndian.PutUint32(b[l.certDirOff:], uint32(off))
	binary.LittleEndian.PutUint32(b[l.certDirOff+4:], uint32(len(entry)))
	if err := os.WriteFile(path, b, 0o755); err != nil {
		t.Fatal(err)
	}
}

func pack(t testing.TB, stub, dir string) string {
	t.Helper()
	files, err := Files(dir)
	if err != nil {
		t.Fatal(err)
	}
	out := filepath.Join(t.TempDir(), "fix.exe")
	if _, err := Pack(stub, dir, files, out); err != nil {
		t.Fatal(err)
	}
	return out
}

func readDir(t testing.TB, dir string) map[string][]byte {
	t.Helper()
	got := map[string][]byte{}
	entries, err := os.ReadDir(dir)
	if err != nil {
		t.Fatal(err)
	}
	for _, e := range entries {
		b, err := os.ReadFile(filepath.Join(dir, e.Name()))
		if err != nil {
			t.Fatal(err)
		}
		got[e.Name()] = b
	}
	return got
}

// wantExtracted checks that dir holds exactly files plus a SHA256SUMS that
// sha256sum would accept.
func wantExtracted(t testing.TB, dir string, files map[string][]byte) {
	t.Helper()
	got := readDir(t, dir)
	sums, err := ParseManifest(got[ManifestName])
	if err != nil {
		t.Fatalf("extracted SHA256SUMS: %v", err)
	}
	delete(got, ManifestName)
	if len(got) != len(files) || len(sums) != len(files) {
		t.Errorf("extracted %d files (manifest %d), want %d", len(got), len(sums), len(files))
	}
	for name, want := range files {
		if !bytes.Equal(got[name], want) {
			t.Errorf("%s: extracted %d bytes differ from the %d packed", name, len(got[name]), len(want))
		}
		if sums[name] != sha256.Sum256(want) {
			t.Errorf("%s: SHA256SUMS has a wrong hash", name)
		}
	}
}

func TestPackExtractELF(t *testing.T) {
	dir, files := updateDir(t)
	exe := pack(t, elfStub(t), dir)
	p, ok, err := Find(exe)
	if err != nil || !ok || p.PE {
		t.Fatalf("Find: %+v %v %v", p, ok, err)
	}
	out := filepath.Join(t.TempDir(), "x")
	names, err := p.Extract(out)
	if err != nil {
		t.Fatal(err)
	}
	if strings.Join(names, " ") != "SHA256SUMS fix1.msp fix2.msp ohotfix.ini" {
		t.Errorf("names %v", names)
	}
	wantExtracted(t, out, files)
	a, err := p.Open()
	if err != nil {
		t.Fatal(err)
	}
	defer a.Close()
	if a.Members[0].Name != "ohotfix.ini" || a.Cabinets != 2 {
		t.Errorf("members %v, %d cabinets (want ohotfix.ini first, 2 cabinets)", a.Members, a.Cabinets)
	}
	// Repacking a packed executable replaces its payload.
	dir2, files2 := updateDir(t, 1000)
	p2, ok, _ := Find(pack(t, exe, dir2))
	if !ok || p2.Offset != p.Offset {
		t.Fatalf("repacked: %+v, want the payload at %d", p2, p.Offset)
	}
	out2 := filepath.Join(t.TempDir(), "y")
	if _, err := p2.Extract(out2); err != nil {
		t.Fatal(err)
	}
	wantExtracted(t, out2, files2)
}

// The payload survives signing, re-signing and a second (nested-style,
// larger) table, with every amount of padding a signing tool may add.
func TestPEPayloadFoundBeforeCertificateTable(t *testing.T) {
	dir, files := updateDir(t, 1234)
	for pad := range 8 {
		stub := peStub(t)
		b, _ := os.ReadFile(stub)
		os.WriteFile(stub, append(b, make([]byte, pad)...), 0o755) // vary the package's length mod 8
		exe := pack(t, stub, dir)
		for round, blob := range [][]byte{bytes.Repeat([]byte{1}, 700), bytes.Repeat([]byte{2}, 1500), bytes.Repeat([]byte{3}, 3)} {
			fakeSign(t, exe, blob)
			p, ok, err := Find(exe)
			if err != nil || !ok || !p.PE || !p.Signed {
				t.Fatalf("pad %d round %d: Find %+v %v %v", pad, round, p, ok, err)
			}
			out := filepath.Join(t.TempDir(), "x")
			if _, err := p.Extract(out); err != nil {
				t.Fatalf("pad %d round %d: %v", pad, round, err)
			}
			wantExtracted(t, out, files)
		}
		// Packing a signed package drops the signature and the directory
		// entry: the new package is unsigned until it is signed again.
		again := pack(t, exe, dir)
		p, ok, err := Find(again)
		if err != nil || !ok || p.Signed {
			t.Fatalf("repacked signed package: %+v %v %v", p, ok, err)
		}
	}
}

// A non-zero byte where padding should be is not padding: no payload.
func TestPEPaddingMustBeZero(t *testing.T) {
	dir, _ := updateDir(t, 100)
	exe := pack(t, peStub(t), dir)
	b, _ := os.ReadFile(exe)
	os.WriteFile(exe, append(b, 0xff), 0o755) // then the zeros of fakeSign
	fakeSign(t, exe, []byte("sig"))
	if _, ok, err := Find(exe); ok || err != nil {
		t.Errorf("found a payload behind non-zero padding (err %v)", err)
	}
}

func isInvalid(err error) bool {
	return errors.Is(err, ErrInvalid) && exitcode.Of(err) == exitcode.PackageInvalid
}

// Any flipped byte of the payload is caught before anything is visible:
// 1620, the destination keeps what it held, nothing else appears.
func TestFlippedByteExtractsNothing(t *testing.T) {
	dir, _ := updateDir(t, 300_000, 70_000)
	exe := pack(t, elfStub(t), dir)
	p, _, _ := Find(exe)
	orig, _ := os.ReadFile(exe)
	rng := rand.New(rand.NewPCG(3, 4))
	positions := []int64{p.Offset + 10, p.Offset + p.Size/2, p.Offset + p.Size - 5}
	for range 20 {
		positions = append(positions, p.Offset+rng.Int64N(p.Size))
	}
	for _, pos := range positions {
		b := bytes.Clone(orig)
		b[pos] ^= 0x20
		os.WriteFile(exe, b, 0o755)
		out := t.TempDir()
		os.WriteFile(filepath.Join(out, "keep.txt"), []byte("mine"), 0o644)
		p, ok, err := Find(exe)
		if err == nil && ok {
			_, err = p.Extract(out)
		}
		if !isInvalid(err) {
			t.Errorf("byte %d flipped: err %v, want 1620", pos-p.Offset, err)
		}
		if got := readDir(t, out); len(got) != 1 || string(got["keep.txt"]) != "mine" {
			t.Errorf("byte %d flipped: destination now holds %d entries", pos-p.Offset, len(got))
		}
		a, err := p.Open()
		if err == nil {
			_, err = a.Verify(nil)
			a.Close()
		}
		if !isInvalid(err) {
			t.Errorf("byte %d flipped: Verify %v", pos-p.Offset, err)
		}
	}
}

// payloadWith writes stub + a cabinet of members (as given) + trailer.
func payloadWith(t *testing.T, members map[string][]byte) string {
	var buf bytes.Buffer
	cw := cab.NewWriter(&buf)
	names := make([]string, 0, len(members))
	for n := range members {
		names = append(names, n)
	}
	sort.Strings(names)
	for _, n := range names {
		w, err := cw.Create(&cab.FileHeader{Name: n})
		if err != nil {
			t.Fatal(err)
		}
		w.Write(members[n])
	}
	if err := cw.Close(); err != nil {
		t.Fatal(err)
	}
	stub := []byte("\x7fELF stub")
	b := append(append(stub, buf.Bytes()...), trailer(int64(len(stub)), int64(buf.Len()))...)
	p := filepath.Join(t.TempDir(), "pkg")
	os.WriteFile(p, b, 0o755)
	return p
}

// Cabinets with valid checksums whose members do not match SHA256SUMS.
func TestManifestMismatches(t *testing.T) {
	ini := []byte("[OHotfix]\n")
	sum := func(b []byte) string { return fmt.Sprintf("%x", sha256.Sum256(b)) }
	cases := map[string]map[string][]byte{
		"wrong hash":        {"ohotfix.ini": ini, ManifestName: []byte(sum([]byte("other")) + "  ohotfix.ini\n")},
		"member not listed": {"ohotfix.ini": ini, "a.msp": []byte("x"), ManifestName: []byte(sum(ini) + "  ohotfix.ini\n")},
		"listed, missing":   {"ohotfix.ini": ini, ManifestName: []byte(sum(ini) + "  ohotfix.ini\n" + sum(ini) + "  b.msp\n")},
		"no manifest":       {"ohotfix.ini": ini},
		"bad line":          {"ohotfix.ini": ini, ManifestName: []byte("xyz ohotfix.ini\n")},
		"path in name":      {"../evil.msp": ini, ManifestName: []byte(sum(ini) + "  ../evil.msp\n")},
		"case twins":        {"a.msp": ini, "A.msp": ini, ManifestName: []byte(sum(ini) + "  a.msp\n" + sum(ini) + "  A.msp\n")},
	}
	for name, members := range cases {
		exe := payloadWith(t, members)
		p, ok, err := Find(exe)
		if err != nil || !ok {
			t.Fatalf("%s: Find %v %v", name, ok, err)
		}
		out := t.TempDir()
		if _, err := p.Extract(out); !isInvalid(err) {
			t.Errorf("%s: %v, want 1620", name, err)
		}
		if got := readDir(t, out); len(got) != 0 {
			t.Errorf("%s: extracted %d entries", name, len(got))
		}
	}
	// The same layout with a right manifest extracts.
	exe := payloadWith(t, map[string][]byte{"ohotfix.ini": ini, ManifestName: []byte(sum(ini) + "  ohotfix.ini\n")})
	p, _, _ := Find(exe)
	if _, err := p.Extract(t.TempDir()); err != nil {
		t.Errorf("valid hand-made payload: %v", err)
	}
}

func TestDamagedTrailer(t *testing.T) {
	dir, _ := updateDir(t, 100)
	exe := pack(t, elfStub(t), dir)
	b, _ := os.ReadFile(exe)
	binary.LittleEndian.PutUint64(b[len(b)-8:], 12) // the size no longer reaches the trailer
	os.WriteFile(exe, b, 0o755)
	if _, _, err := Find(exe); !isInvalid(err) {
		t.Errorf("damaged trailer: %v", err)
	}
	if _, ok, err := Find(elfStub(t)); ok || err != nil {
		t.Errorf("plain stub: ok %v err %v", ok, err)
	}
}

// A PE package cannot reach 4 GiB; the check comes before anything is
// read or written (the inputs here are sparse files).
func TestPERefusesFourGiB(t *testing.T) {
	dir := t.TempDir()
	os.WriteFile(filepath.Join(dir, "ohotfix.ini"), []byte("[OHotfix]\n"), 0o644)
	for i := range 3 {
		f, _ := os.Create(filepath.Join(dir, fmt.Sprintf("big%d.msp", i)))
		f.Truncate(1_500_000_000)
		f.Close()
	}
	files, _ := Files(dir)
	out := filepath.Join(t.TempDir(), "big.exe")
	_, err := Pack(peStub(t), dir, files, out)
	if exitcode.Of(err) != exitcode.InvalidCommandLine || !strings.Contains(err.Error(), "4 GiB") {
		t.Fatalf("err %v", err)
	}
	if _, serr := os.Stat(out); serr == nil {
		t.Error("output written")
	}
	// A member larger than a cabinet can hold is refused too (any stub).
	f, _ := os.Create(filepath.Join(dir, "huge.msp"))
	f.Truncate(cabinetLimit + 1)
	f.Close()
	files, _ = Files(dir)
	if _, err := Pack(elfStub(t), dir, files, out); err == nil || !strings.Contains(err.Error(), "huge.msp") {
		t.Errorf("huge member: %v", err)
	}
}

func TestManifestRoundTrip(t *testing.T) {
	m := Manifest{"b.msp": sha256.Sum256([]byte("b")), "a b.msp": sha256.Sum256(nil)}
	text := m.Marshal()
	if !strings.HasPrefix(string(text), fmt.Sprintf("%x  a b.msp\n", sha256.Sum256(nil))) {
		t.Errorf("marshal: %q", text)
	}
	back, err := ParseManifest(text)
	if err != nil || len(back) != 2 || back["b.msp"] != m["b.msp"] {
		t.Errorf("parse: %v %v", back, err)
	}
	if _, err := ParseManifest(append(text, text...)); err == nil {
		t.Error("duplicate names accepted")
	}
}

func TestPackRefusesCaseTwins(t *testing.T) {
	dir := t.TempDir()
	os.WriteFile(filepath.Join(dir, "fix.msp"), []byte("a"), 0o644)
	if err := os.WriteFile(filepath.Join(dir, "FIX.msp"), []byte("b"), 0o644); err != nil {
		t.Fatal(err)
	}
	files, _ := Files(dir)
	if len(files) != 2 {
		t.Skip("this file system ignores case")
	}
	_, err := Pack(elfStub(t), dir, files, filepath.Join(t.TempDir(), "out"))
	if exitcode.Of(err) != exitcode.InvalidCommandLine || !strings.Contains(err.Error(), "differ only in case") {
		t.Errorf("%v", err)
	}
}
