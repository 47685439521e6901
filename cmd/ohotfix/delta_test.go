package main

import (
	"bytes"
	"encoding/binary"
	"hash/crc32"
	"math/rand/v2"
	"os"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"github.com/urfave/cli/v2"

	"github.com/ohotfix/ohotfix/exitcode"
)

// runDelta runs `ohotfix delta ARGS` in-process, with the argument
// normalisation of a real run (flags after positional arguments), and
// returns stdout, stderr and the full result code.
func runDelta(t *testing.T, args ...string) (string, string, exitcode.Code) {
	t.Helper()
	var out, errb bytes.Buffer
	app := newApp(strings.NewReader(""), &out, &errb)
	app.ExitErrHandler = func(*cli.Context, error) {}
	norm, err := normalizeArgs(append([]string{"ohotfix", "delta"}, args...), commandSpec(app.Flags, app.Commands))
	if err == nil {
		err = classify(app.Run(norm))
	}
	if err != nil {
		errb.WriteString(err.Error())
	}
	return out.String(), errb.String(), exitcode.Of(err)
}

// deltaPair is an old and a new file for delta tests.
type deltaPair struct {
	name     string
	old, new []byte
}

// editedTextPair: a text and a copy with scattered insertions and deletions.
func editedTextPair(rng *rand.Rand, n int) deltaPair {
	words := strings.Fields("patch delta window installer cabinet reference the of and file administrative image update product version transform stream table row column")
	var a []byte
	for len(a) < n {
		a = append(a, words[rng.IntN(len(words))]...)
		a = append(a, " \n"[min(rng.IntN(12), 1)])
	}
	b := append([]byte(nil), a...)
	for range 30 {
		i := rng.IntN(len(b))
		b = append(b[:i], append([]byte("a new sentence here; "), b[i:]...)...)
		j := rng.IntN(len(b) - 64)
		b = append(b[:j], b[j+1+rng.IntN(60):]...)
	}
	return deltaPair{"text with edits", a, b}
}

// scatteredEdits changes a few bytes in many places of a copy of a, inserts
// ins bytes copied from elsewhere (and some random ones) in the middle, and
// cuts cut bytes near the end.
func scatteredEdits(rng *rand.Rand, a []byte, edits, ins, cut int) []byte {
	b := append([]byte(nil), a...)
	for range edits {
		i := rng.IntN(len(b) - 8)
		for k := range 1 + rng.IntN(6) {
			b[i+k] = byte(rng.Uint32())
		}
	}
	if ins > 0 {
		at, from := len(b)/2, rng.IntN(len(b)-ins)
		chunk := append([]byte(nil), b[from:from+ins]...)
		for k := 0; k < len(chunk); k += 97 {
			chunk[k] = byte(rng.Uint32())
		}
		b = append(b[:at], append(chunk, b[at:]...)...)
	}
	if cut > 0 {
		at := len(b) - len(b)/5
		b = append(b[:at], b[at+cut:]...)
	}
	return b
}

func randomBytes(rng *rand.Rand, n int) []byte {
	b := make([]byte, n)
	for i := range b {
		b[i] = byte(rng.Uint32())
	}
	return b
}

func writeFile(t *testing.T, path string, data []byte) string {
	t.Helper()
	if err := os.WriteFile(path, data, 0o644); err != nil {
		t.Fatal(err)
	}
	return path
}

func TestDeltaCLIRoundTrip(t *testing.T) {
	rng := rand.New(rand.NewPCG(7, 8))
	dir := t.TempDir()
	text := editedTextPair(rng, 100<<10)
	random := randomBytes(rng, 200<<10)
	pairs := []deltaPair{
		text,
		{"random with edits and a cut", random, scatteredEdits(rng, random, 40, 0, 10000)},
		{"empty old", nil, text.new},
		{"identical", text.old, text.old},
	}
	for i, p := range pairs {
		t.Run(p.name, func(t *testing.T) {
			old := writeFile(t, filepath.Join(dir, "old"+string(rune('0'+i))), p.old)
			nw := writeFile(t, filepath.Join(dir, "new"+string(rune('0'+i))), p.new)
			d := filepath.Join(dir, "d"+string(rune('0'+i)))
			if out, errOut, code := runDelta(t, "create", old, nw, "-o", d); code != 0 {
				t.Fatalf("create: %d %s %s", code, out, errOut)
			}
			got := filepath.Join(dir, "got"+string(rune('0'+i)))
			if out, errOut, code := runDelta(t, "apply", old, d, "-o", got); code != 0 {
				t.Fatalf("apply: %d %s %s", code, out, errOut)
			}
			b, _ := os.ReadFile(got)
			if !bytes.Equal(b, p.new) {
				t.Fatalf("apply(create(old, new), old) != new")
			}
			info, _, code := runDelta(t, "info", d)
			if code != 0 || !strings.Contains(info, "new file:") || !strings.Contains(info, "CRC-32 of the delta OK") {
				t.Fatalf("info: %d %s", code, info)
			}
			st, _ := os.Stat(d)
			t.Logf("%d -> %d bytes: delta %d bytes", len(p.old), len(p.new), st.Size())
		})
	}
}

// TestDeltaCLIVectorsFileErrors covers the file-level rows of
// shared/testdata/pa19/EXPECTED.tsv (missing patch or old file, an output
// path in a missing folder: nothing may remain) and the refusals' exit
// codes, with an existing output left untouched.
func TestDeltaCLIVectorsFileErrors(t *testing.T) {
	v := cabCorpus(t, "pa19")
	dir := t.TempDir()
	patch := filepath.Join(v, "patch_two_files_ranges.bin")
	old0 := filepath.Join(v, "old_two_files_ranges_0.bin")
	out := filepath.Join(dir, "new.bin")
	cases := []struct {
		name string
		args []string
		want exitcode.Code
	}{
		{"missing_patch_file", []string{"apply", old0, filepath.Join(dir, "nonexistent.bin"), "-o", out}, exitcode.PatchOpenFailed},
		{"missing_old_file", []string{"apply", filepath.Join(dir, "nonexistent.bin"), patch, "-o", out}, exitcode.PackageOpenFailed},
		{"bad_output_path", []string{"apply", old0, patch, "-o", filepath.Join(dir, "no", "such", "dir", "new.bin")}, exitcode.Fatal},
		{"wrong old file", []string{"apply", filepath.Join(v, "old_blocktype2_no_timestamp.bin"), patch, "-o", out}, exitcode.PatchTargetNotFound},
		{"corrupt", []string{"apply", filepath.Join(v, "old_blocktype2_no_timestamp.bin"), filepath.Join(v, "derived_patch_blocktype2_no_timestamp_corrupt.bin"), "-o", out}, exitcode.PatchInvalid},
		{"header only", []string{"apply", old0, filepath.Join(v, "patch_header_only.bin"), "-o", out}, exitcode.PatchInvalid},
		{"usage", []string{"apply", old0, "-o", out}, exitcode.InvalidCommandLine},
		{"create usage", []string{"create", old0, "-o", out}, exitcode.InvalidCommandLine},
		{"create missing", []string{"create", old0, filepath.Join(dir, "nonexistent.bin"), "-o", out}, exitcode.PackageOpenFailed},
		{"info missing", []string{"info", filepath.Join(dir, "nonexistent.bin")}, exitcode.PatchOpenFailed},
		{"info corrupt", []string{"info", filepath.Join(v, "derived_patch_blocktype2_no_timestamp_truncated.bin")}, exitcode.PatchInvalid},
	}
	for _, c := range cases {
		t.Run(c.name, func(t *testing.T) {
			if _, errOut, code := runDelta(t, c.args...); code != c.want {
				t.Fatalf("exit %d, want %d (%s)", code, c.want, errOut)
			}
			if _, err := os.Stat(out); err == nil {
				t.Fatalf("output %s was left behind", out)
			}
			if entries, _ := os.ReadDir(dir); len(entries) != 0 {
				t.Fatalf("files left in the output folder: %v", entries)
			}
		})
	}
	// A refused apply leaves an existing output as it was.
	writeFile(t, out, []byte("keep me"))
	if _, _, code := runDelta(t, "apply", filepath.Join(v, "old_blocktype2_no_timestamp.bin"), patch, "-o", out); code != exitcode.PatchTargetNotFound {
		t.Fatalf("exit %d", code)
	}
	if b, _ := os.ReadFile(out); string(b) != "keep me" {
		t.Fatalf("existing output changed to %q", b)
	}
	// An empty OLD file applies a delta made without one.
	empty := writeFile(t, filepath.Join(dir, "empty"), nil)
	if _, errOut, code := runDelta(t, "apply", empty, filepath.Join(v, "patch_null_input_uncompressed.bin"), "-o", out); code != 0 {
		t.Fatalf("null-input delta with an empty OLD: %d %s", code, errOut)
	}
	got, _ := os.ReadFile(out)
	want, _ := os.ReadFile(filepath.Join(v, "old_unnecessary.bin"))
	if !bytes.Equal(got, want) {
		t.Fatal("null-input delta: wrong output")
	}
}

// TestDeltaCLIFailureMidStream: a delta damaged deep in its stream (its
// CRC fixed so that the damage reaches the decoder) fails after output has
// started; nothing is left behind (the Windows equivalent is a cancelled
// or failed ApplyPatchToFile leaving no output file).
func TestDeltaCLIFailureMidStream(t *testing.T) {
	rng := rand.New(rand.NewPCG(31, 32))
	dir := t.TempDir()
	p := editedTextPair(rng, 2<<20)
	old := writeFile(t, filepath.Join(dir, "old"), p.old)
	nw := writeFile(t, filepath.Join(dir, "new"), p.new)
	d := filepath.Join(dir, "d")
	if _, errOut, code := runDelta(t, "create", old, nw, "-o", d); code != 0 {
		t.Fatalf("create: %d %s", code, errOut)
	}
	raw, _ := os.ReadFile(d)
	raw[len(raw)-40] ^= 0x10 // in the last chunk of the stream
	binary.LittleEndian.PutUint32(raw[len(raw)-4:], crc32.ChecksumIEEE(raw[:len(raw)-4])^0xFFFFFFFF)
	writeFile(t, d, raw)
	out := filepath.Join(dir, "out", "new")
	os.Mkdir(filepath.Dir(out), 0o755)
	if _, errOut, code := runDelta(t, "apply", old, d, "-o", out); code != exitcode.PatchInvalid {
		t.Fatalf("exit %d, want 1636: %s", code, errOut)
	}
	if entries, _ := os.ReadDir(filepath.Dir(out)); len(entries) != 0 {
		t.Fatalf("left behind: %v", entries)
	}
}

// TestDeltaCLITimestamp: --timestamp stores NEW's modification time; apply
// gives the rebuilt file that time, as Windows does.
func TestDeltaCLITimestamp(t *testing.T) {
	dir := t.TempDir()
	old := writeFile(t, filepath.Join(dir, "old"), bytes.Repeat([]byte("old line of text\n"), 2000))
	nw := writeFile(t, filepath.Join(dir, "new"), bytes.Repeat([]byte("new line of text\n"), 2000))
	when := time.Date(2024, 5, 17, 8, 30, 0, 0, time.UTC)
	if err := os.Chtimes(nw, when, when); err != nil {
		t.Fatal(err)
	}
	d := filepath.Join(dir, "d")
	if _, errOut, code := runDelta(t, "create", "--timestamp", old, nw, "-o", d); code != 0 {
		t.Fatalf("create: %d %s", code, errOut)
	}
	if info, _, _ := runDelta(t, "info", d); !strings.Contains(info, "timestamp:  2024-05-17 08:30:00 UTC") || !strings.Contains(info, "TIMESTAMP") {
		t.Fatalf("info:\n%s", info)
	}
	out := filepath.Join(dir, "out")
	if _, errOut, code := runDelta(t, "apply", old, d, "-o", out); code != 0 {
		t.Fatalf("apply: %d %s", code, errOut)
	}
	if st, err := os.Stat(out); err != nil || !st.ModTime().Equal(when) {
		t.Fatalf("rebuilt file's time: %v %v, want %v", st.ModTime(), err, when)
	}
	// Without --timestamp there is none, and the file keeps the time of
	// its writing.
	if _, _, code := runDelta(t, "create", old, nw, "-o", d); code != 0 {
		t.Fatal(code)
	}
	if info, _, _ := runDelta(t, "info", d); strings.Contains(info, "timestamp:") {
		t.Fatalf("info shows a timestamp:\n%s", info)
	}
}
