package cab

import (
	"bytes"
	"errors"
	"fmt"
	"math/rand"
	"os"
	"os/exec"
	"path/filepath"
	"runtime"
	"strings"
	"testing"
	"time"

	"github.com/ohotfix/ohotfix/internal/testtools"
)

// testMember is a member to write and expect back.
type testMember struct {
	name string
	data []byte
}

// mixedMembers builds members exercising every writer path: empty, small,
// block-sized, text (compressible), random (stored blocks), runs of one
// byte (single-distance deflate codes), a sub-directory and a non-ASCII
// name.
func mixedMembers(seed int64, scale int) []testMember {
	rnd := rand.New(rand.NewSource(seed))
	random := make([]byte, 70000*scale)
	rnd.Read(random)
	words := []string{"cabinet", "folder", "block", "deflate", "history", "window", "Microsoft", "\r\n"}
	var text bytes.Buffer
	for text.Len() < 150000*scale {
		text.WriteString(words[rnd.Intn(len(words))])
		text.WriteByte(' ')
	}
	return []testMember{
		{"empty.txt", nil},
		{"small.txt", []byte("hello, cabinet\n")},
		{"exact-block.bin", bytes.Repeat([]byte{0xAB, 0xCD, 0x01}, blockSize/3+1)[:blockSize]},
		{"text/words.txt", text.Bytes()},
		{"random.bin", random},
		{"zeros.bin", make([]byte, 100000*scale)},
		{"sub/dir/pattern.txt", bytes.Repeat([]byte("0123456789abcdefghijklmnopqrstuvwxyz\n"), 3000*scale)},
		{"tæst-ünïcode.txt", []byte("non-ASCII name\n")},
	}
}

func writeCab(t testing.TB, members []testMember, configure func(*Writer)) []byte {
	t.Helper()
	var buf bytes.Buffer
	w := NewWriter(&buf)
	if configure != nil {
		configure(w)
	}
	mod := time.Date(2021, 6, 7, 8, 9, 10, 0, time.UTC)
	for _, m := range members {
		fw, err := w.Create(&FileHeader{Name: m.name, Modified: mod, Attributes: AttrArchive})
		if err != nil {
			t.Fatal(err)
		}
		if _, err := fw.Write(m.data); err != nil {
			t.Fatal(err)
		}
	}
	if err := w.Close(); err != nil {
		t.Fatal(err)
	}
	return buf.Bytes()
}

var writerConfigs = map[string]func(*Writer){
	"mszip":          nil,
	"none":           func(w *Writer) { w.Method = MethodNone },
	"mszip-folders":  func(w *Writer) { w.FolderSize = 64 << 10; w.Level = 9 },
	"mszip-per-file": func(w *Writer) { w.FolderPerFile = true; w.Level = 1 },
	"reserves": func(w *Writer) {
		w.HeaderReserve = make([]byte, 20)
		w.FolderReserve = 7
		w.DataReserve = 5
		w.SetID = 4242
	},
}

func TestWriterRoundTrip(t *testing.T) {
	members := mixedMembers(1, 1)
	for name, cfg := range writerConfigs {
		data := writeCab(t, members, cfg)
		r, err := NewReader(bytes.NewReader(data), int64(len(data)))
		if err != nil {
			t.Fatalf("%s: %v", name, err)
		}
		if len(r.Files) != len(members) {
			t.Fatalf("%s: %d files", name, len(r.Files))
		}
		for i, f := range r.Files {
			want := members[i]
			if f.Name != strings.ReplaceAll(want.name, "/", `\`) {
				t.Errorf("%s: name %q", name, f.Name)
			}
			utf := f.Attributes&AttrNameIsUTF != 0
			if utf != (want.name == "tæst-ünïcode.txt") {
				t.Errorf("%s/%s: UTF-8 flag %v", name, f.Name, utf)
			}
			if got := readAll(t, f); !bytes.Equal(got, want.data) {
				t.Errorf("%s/%s: %d bytes differ", name, f.Name, len(got))
			}
			if !f.Modified.Equal(time.Date(2021, 6, 7, 8, 9, 10, 0, time.UTC)) {
				t.Errorf("%s: time %v", name, f.Modified)
			}
		}
		switch name {
		case "mszip-per-file":
			if len(r.Folders) != len(members) {
				t.Errorf("%s: %d folders", name, len(r.Folders))
			}
		case "mszip-folders":
			if len(r.Folders) < 3 {
				t.Errorf("%s: %d folders", name, len(r.Folders))
			}
		case "reserves":
			if len(r.Header.Reserve) != 20 || r.Header.FolderReserve != 7 || r.Header.DataReserve != 5 || r.Header.SetID != 4242 {
				t.Errorf("reserves: %+v", r.Header)
			}
		}
	}
}

func TestWriterRejects(t *testing.T) {
	w := NewWriter(&bytes.Buffer{})
	for _, n := range []string{"", strings.Repeat("a", 256), "nul\x00name", "bad\xffutf8"} {
		if _, err := w.Create(&FileHeader{Name: n}); err == nil {
			t.Errorf("name %q accepted", n)
		}
	}
	if err := NewWriter(&bytes.Buffer{}).Close(); err == nil {
		t.Errorf("empty cabinet written")
	}
	w = NewWriter(&bytes.Buffer{})
	w.Method = MethodLZX
	if _, err := w.Create(&FileHeader{Name: "x"}); !errors.Is(err, ErrUnsupported) {
		t.Errorf("LZX writer: %v", err)
	}
}

// A Close after only refused Creates reports the empty cabinet and stops
// the compressors the first Create started (no goroutines left behind).
func TestWriterCloseStopsCompressors(t *testing.T) {
	before := runtime.NumGoroutine()
	w := NewWriter(&bytes.Buffer{})
	w.Workers = 8
	if _, err := w.Create(&FileHeader{Name: ""}); !errors.Is(err, ErrUnsafeName) {
		t.Fatalf("empty name: %v", err)
	}
	if err := w.Close(); !errors.Is(err, ErrFormat) {
		t.Fatalf("Close: %v, want ErrFormat", err)
	}
	// The workers have returned; give the runtime a moment to retire them.
	deadline := time.Now().Add(2 * time.Second)
	for runtime.NumGoroutine() > before && time.Now().Before(deadline) {
		time.Sleep(time.Millisecond)
	}
	if n := runtime.NumGoroutine(); n > before {
		t.Errorf("%d goroutines after Close, %d before", n, before)
	}
}

// compareTree checks that dir holds exactly the members' bytes.
func compareTree(t *testing.T, tool, dir string, members []testMember) {
	t.Helper()
	for _, m := range members {
		got, err := os.ReadFile(filepath.Join(dir, filepath.FromSlash(m.name)))
		if err != nil {
			t.Errorf("%s: %v", tool, err)
			continue
		}
		if !bytes.Equal(got, m.data) {
			t.Errorf("%s: %s differs (%d vs %d bytes)", tool, m.name, len(got), len(m.data))
		}
	}
}

// TestWriterInterop: cabinets we write are tested and extracted to the same
// bytes by cabextract, gcab and 7-Zip.
func TestWriterInterop(t *testing.T) {
	members := mixedMembers(2, 1)
	for name, cfg := range writerConfigs {
		t.Run(name, func(t *testing.T) {
			dir := t.TempDir()
			path := filepath.Join(dir, "out.cab")
			if err := os.WriteFile(path, writeCab(t, members, cfg), 0o644); err != nil {
				t.Fatal(err)
			}
			tools := []struct {
				name    string
				find    func(testing.TB) string
				test    []string
				extract func(out string) []string
			}{
				{"cabextract", func(tb testing.TB) string { return testtools.LookPath(tb, "cabextract") }, []string{"-t", path}, func(out string) []string { return []string{"-q", "-d", out, path} }},
				{"gcab", func(tb testing.TB) string { return testtools.LookPath(tb, "gcab") }, nil, func(out string) []string { return []string{"-x", "-C", out, path} }},
				{"7-Zip", testtools.SevenZip, []string{"t", path}, func(out string) []string { return []string{"x", "-y", "-o" + out, path} }},
			}
			for _, tool := range tools {
				bin := tool.find(t)
				if tool.test != nil {
					if out, err := exec.Command(bin, tool.test...).CombinedOutput(); err != nil {
						t.Errorf("%s %v: %v\n%s", bin, tool.test, err, out)
					}
				}
				out := filepath.Join(dir, tool.name)
				if b, err := exec.Command(bin, tool.extract(out)...).CombinedOutput(); err != nil {
					t.Errorf("%s: %v\n%s", bin, err, b)
					continue
				}
				compareTree(t, bin, out, members)
			}
		})
	}
}

// TestReadGcabOutput: cabinets gcab writes (made here, with and without
// MSZIP) read back to the same bytes.
func TestReadGcabOutput(t *testing.T) {
	gcab := testtools.LookPath(t, "gcab")
	members := mixedMembers(3, 1)
	src := t.TempDir()
	var names []string
	for _, m := range members {
		p := filepath.Join(src, filepath.FromSlash(m.name))
		os.MkdirAll(filepath.Dir(p), 0o755)
		if err := os.WriteFile(p, m.data, 0o644); err != nil {
			t.Fatal(err)
		}
		names = append(names, m.name)
	}
	for _, z := range []bool{false, true} {
		out := filepath.Join(t.TempDir(), "g.cab")
		args := []string{"-c"}
		if z {
			args = append(args, "-z")
		}
		cmd := exec.Command(gcab, append(append(args, out), names...)...)
		cmd.Dir = src
		if b, err := cmd.CombinedOutput(); err != nil {
			t.Fatalf("gcab: %v\n%s", err, b)
		}
		r, err := OpenReader(out)
		if err != nil {
			t.Fatal(err)
		}
		byName := map[string][]byte{}
		for _, f := range r.Files {
			byName[SafePath(f.Name)] = readAll(t, f)
		}
		for _, m := range members {
			if got, ok := byName[m.name]; !ok || !bytes.Equal(got, m.data) {
				t.Errorf("gcab -z=%v: %s differs or missing", z, m.name)
			}
		}
		r.Close()
	}
}

// TestWriterMatchesGcabLayout: for gcab's own self-test input our writer
// produces the same bytes as gcab (test-none.cab) — same layout decisions.
func TestWriterMatchesGcabLayout(t *testing.T) {
	ref := openCorpus(t, "cab/gcab-tests", "test-none.cab")
	var members []testMember
	for _, f := range ref.Files {
		members = append(members, testMember{f.Name, readAll(t, f)})
	}
	var buf bytes.Buffer
	w := NewWriter(&buf)
	w.Method = MethodNone
	for i, m := range members {
		fw, err := w.Create(&ref.Files[i].FileHeader)
		if err != nil {
			t.Fatal(err)
		}
		fw.Write(m.data)
	}
	if err := w.Close(); err != nil {
		t.Fatal(err)
	}
	want, err := os.ReadFile(filepath.Join(corpusDir(t, "cab/gcab-tests"), "test-none.cab"))
	if err != nil {
		t.Fatal(err)
	}
	if !bytes.Equal(buf.Bytes(), want) {
		t.Errorf("differs from gcab's test-none.cab:\n%x\n%x", buf.Bytes(), want)
	}
}

func TestExtractAllParallelAndSafe(t *testing.T) {
	members := mixedMembers(4, 2)
	data := writeCab(t, members, func(w *Writer) { w.FolderPerFile = true })
	r, err := NewReader(bytes.NewReader(data), int64(len(data)))
	if err != nil {
		t.Fatal(err)
	}
	dir := t.TempDir()
	var progressed int64
	written, err := ExtractAll(r, dir, &ExtractOptions{Workers: 3, Progress: func(n int64) { progressed += n }})
	if err != nil {
		t.Fatal(err)
	}
	compareTree(t, "ExtractAll", dir, members)
	var total int64
	for _, m := range members {
		total += int64(len(m.data))
	}
	if progressed != total || len(written) != len(members) {
		t.Errorf("progress %d of %d, %d written", progressed, total, len(written))
	}
	ents, _ := os.ReadDir(dir)
	for _, e := range ents {
		if strings.HasSuffix(e.Name(), ".tmp") {
			t.Errorf("temporary file left: %s", e.Name())
		}
	}

	// A symbolic link in the target pointing outside is never followed.
	outside := t.TempDir()
	target := t.TempDir()
	if err := os.Symlink(outside, filepath.Join(target, "sub")); err != nil {
		t.Skip("no symlinks here:", err)
	}
	if _, err := ExtractAll(r, target, nil); err == nil {
		t.Errorf("extraction through an escaping symlink succeeded")
	}
	if ents, _ := os.ReadDir(outside); len(ents) != 0 {
		t.Errorf("wrote outside the target: %v", ents)
	}

	// Filter and size limit.
	only, err := ExtractAll(r, t.TempDir(), &ExtractOptions{Filter: func(f *File) bool { return f.Name == "small.txt" }})
	if err != nil || fmt.Sprint(only) != "[small.txt]" {
		t.Errorf("filter: %v %v", only, err)
	}
	if _, err := ExtractAll(r, t.TempDir(), &ExtractOptions{MaxFileSize: 1000}); !errors.Is(err, ErrLimit) {
		t.Errorf("MaxFileSize: %v", err)
	}
}

// TestWriterLibmspackSafeBlocks: runs of one byte and short patterns (which
// make klauspost emit a one-code distance tree libmspack rejects) are
// re-encoded with fixed codes: still small, and every block passes the
// full code check.
func TestWriterLibmspackSafeBlocks(t *testing.T) {
	members := []testMember{
		{"zeros", make([]byte, 1<<20)},
		{"pattern", bytes.Repeat([]byte("hello world, this is a test of the cab writer\n"), 20000)},
	}
	for _, level := range []int{1, 6, 9} {
		data := writeCab(t, members, func(w *Writer) { w.Level = level })
		if len(data) > 64<<10 {
			t.Errorf("level %d: %d bytes for 1.9 MiB of repetitive data", level, len(data))
		}
		r, err := NewReader(bytes.NewReader(data), int64(len(data)))
		if err != nil {
			t.Fatal(err)
		}
		if !checkCabBlocks(r) {
			t.Errorf("level %d: a block libmspack would reject", level)
		}
		for i, f := range r.Files {
			if !bytes.Equal(readAll(t, f), members[i].data) {
				t.Errorf("level %d: %s differs", level, f.Name)
			}
		}
	}
}
