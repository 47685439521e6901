package cfb

import (
	"bytes"
	"crypto/md5"
	"encoding/hex"
	"errors"
	"io"
	"os"
	"os/exec"
	"path/filepath"
	"slices"
	"strings"
	"testing"
	"time"
	"unicode"

	"github.com/richardlehane/mscfb"

	"github.com/ohotfix/ohotfix/internal/testtools"
)

// mscfbList reads a file with richardlehane/mscfb, an independent reader,
// and lists it like flatTree does (mscfb strips a non-printable first
// character into Initial; it is put back so names compare exactly).
func mscfbList(t testing.TB, data []byte) []flatEntry {
	t.Helper()
	doc, err := mscfb.New(bytes.NewReader(data))
	if err != nil {
		t.Fatalf("mscfb cannot open the file: %v", err)
	}
	var out []flatEntry
	for i, f := range doc.File {
		name := f.Name
		if f.Initial != 0 && !unicode.IsPrint(rune(f.Initial)) {
			name = string(rune(f.Initial)) + name
		}
		path := strings.Join(append(slices.Clone(f.Path), name), "/")
		fe := flatEntry{Path: path, Storage: f.FileInfo().IsDir(), Size: f.Size,
			Created: f.Created(), Modified: f.Modified()}
		if i == 0 {
			fe.Path = ""
			fe.Size = 0
		}
		if !fe.Storage {
			fe.Data, fe.Err = io.ReadAll(f)
		} else {
			fe.Size = 0
		}
		out = append(out, fe)
	}
	return out
}

// sameSecond compares our time with mscfb's, which truncates to seconds
// and reports a zero FILETIME as the Unix epoch.
func sameSecond(ours, theirs time.Time) bool {
	if ours.IsZero() {
		return theirs.IsZero() || theirs.Unix() == 0
	}
	return ours.Truncate(time.Second).Equal(theirs.Truncate(time.Second))
}

// TestCorpusMatchesMscfb: every corpus file lists the same entries in the
// same order, with the same sizes, times and bytes as mscfb reads them.
func TestCorpusMatchesMscfb(t *testing.T) {
	for _, p := range corpusFiles(t) {
		t.Run(filepath.Base(p), func(t *testing.T) {
			data, err := os.ReadFile(p)
			if err != nil {
				t.Fatal(err)
			}
			r, err := NewReader(bytes.NewReader(data), int64(len(data)))
			if err != nil {
				t.Fatal(err)
			}
			ours := flatTree(t, r)
			theirs := mscfbList(t, data)
			if len(ours) != len(theirs) {
				t.Fatalf("%d entries, mscfb has %d", len(ours), len(theirs))
			}
			streams := 0
			for i := range ours {
				a, b := ours[i], theirs[i]
				if a.Path != b.Path || a.Storage != b.Storage || a.Size != b.Size {
					t.Fatalf("entry %d: ours %q storage=%v size=%d, mscfb %q storage=%v size=%d",
						i, printable(a.Path), a.Storage, a.Size, printable(b.Path), b.Storage, b.Size)
				}
				if !sameSecond(a.Modified, b.Modified) || !sameSecond(a.Created, b.Created) {
					t.Errorf("%q: times %s/%s, mscfb %s/%s", printable(a.Path), a.Created, a.Modified, b.Created, b.Modified)
				}
				if a.Storage {
					continue
				}
				streams++
				if a.Err != nil {
					// Only the known-truncated VBRuntime.msi may fail, and
					// then mscfb must not deliver the full stream either.
					if !errors.Is(a.Err, ErrCorrupt) || filepath.Base(p) != "VBRuntime.msi" {
						t.Fatalf("%q: %v", printable(a.Path), a.Err)
					}
					if b.Err == nil && int64(len(b.Data)) == b.Size {
						t.Fatalf("%q: we report %v but mscfb read it whole", printable(a.Path), a.Err)
					}
					t.Logf("%q: %v (mscfb: %d of %d bytes, %v)", printable(a.Path), a.Err, len(b.Data), b.Size, b.Err)
					continue
				}
				if !bytes.Equal(a.Data, b.Data) {
					t.Fatalf("%q: contents differ from mscfb's", printable(a.Path))
				}
			}
			if streams == 0 {
				t.Fatal("no streams compared")
			}
		})
	}
}

// TestCorpusMatchesMsiinfo compares the root-level non-table streams with
// the decoded names `msiinfo streams` prints.
func TestCorpusMatchesMsiinfo(t *testing.T) {
	msiinfo := testtools.LookPath(t, "msiinfo")
	for _, p := range corpusFiles(t) {
		if strings.HasSuffix(p, ".mst") {
			continue // msiinfo opens databases and patches, not transforms
		}
		t.Run(filepath.Base(p), func(t *testing.T) {
			out, err := exec.Command(msiinfo, "streams", p).Output()
			if err != nil {
				t.Fatalf("msiinfo streams: %v", err)
			}
			want := strings.Fields(string(out))
			r, _ := openFile(t, p)
			var got []string
			for _, c := range r.Root().Children {
				if c.IsStorage() {
					continue
				}
				name, table := decodeMSIName(c.Name)
				if table {
					continue
				}
				got = append(got, name) // msiinfo prints the \x05 prefix raw
			}
			slices.Sort(want)
			slices.Sort(got)
			if !slices.Equal(got, want) {
				t.Fatalf("streams\n got %q\nwant %q (msiinfo)", got, want)
			}
		})
	}
}

// TestCorpusFacts checks values documented in the corpus READMEs.
func TestCorpusFacts(t *testing.T) {
	gen := corpusDir(t, "generated")
	msiCLSID := [16]byte{0x84, 0x10, 0x0C, 0, 0, 0, 0, 0, 0xC0, 0, 0, 0, 0, 0, 0, 0x46}
	withKind := func(kind byte) [16]byte { c := msiCLSID; c[0] = kind; return c }

	r, _ := openFile(t, filepath.Join(gen, "tiny.msi"))
	if r.Version() != 3 || r.Root().CLSID != msiCLSID {
		t.Errorf("tiny.msi: version %d CLSID % x", r.Version(), r.Root().CLSID)
	}
	// The cabinet stream is byte-identical to what msiinfo extracted.
	cab := r.Root().Child(encodeMSIName("tiny.cab"))
	if cab == nil {
		t.Fatal("tiny.msi: no tiny.cab stream")
	}
	got, err := r.ReadStream(cab)
	if err != nil {
		t.Fatal(err)
	}
	want, err := os.ReadFile(filepath.Join(gen, "tiny-embedded.cab"))
	if err != nil {
		t.Fatal(err)
	}
	if !bytes.Equal(got, want) {
		t.Fatalf("tiny.cab stream (%d bytes) differs from tiny-embedded.cab (%d bytes)", len(got), len(want))
	}
	// Tables keep the 0x4840 prefix; summary information keeps \x05.
	if r.Root().Child("\u4840\u3f7f\u4164\u422f\u4836") == nil || r.Root().Child("\x05SummaryInformation") == nil {
		t.Error("tiny.msi: _Tables or \\005SummaryInformation not found by raw name")
	}

	mst, _ := openFile(t, filepath.Join(gen, "fix.mst"))
	if mst.Root().CLSID != withKind(0x82) {
		t.Errorf("fix.mst: root CLSID % x", mst.Root().CLSID)
	}
	// hand.msp: substorages T1 and #T1 hold exactly fix.mst's streams.
	msp, _ := openFile(t, filepath.Join(gen, "hand.msp"))
	if msp.Root().CLSID != withKind(0x86) {
		t.Errorf("hand.msp: root CLSID % x", msp.Root().CLSID)
	}
	for _, name := range []string{"T1", "#T1"} {
		st := msp.Root().Child(name)
		if st == nil || !st.IsStorage() || st.CLSID != withKind(0x82) {
			t.Fatalf("hand.msp: substorage %q missing or wrong: %+v", name, st)
		}
		if len(st.Children) != len(mst.Root().Children) {
			t.Fatalf("%s has %d children, fix.mst %d", name, len(st.Children), len(mst.Root().Children))
		}
		for _, c := range mst.Root().Children {
			a, _ := mst.ReadStream(c)
			b, err := msp.ReadStream(st.Child(c.Name))
			if err != nil || !bytes.Equal(a, b) {
				t.Fatalf("%s/%q differs from fix.mst: %v", name, printable(c.Name), err)
			}
		}
	}

	less := corpusDir(t, filepath.Join("msi", "lessmsi"))
	ivi, _ := openFile(t, filepath.Join(less, "IviNetSharedComponents32_Fx20_1.3.0.msi"))
	if ivi.Version() != 4 {
		t.Errorf("IviNet…msi: version %d, want 4", ivi.Version())
	}
	// vcredist.msi's external cabinet is not inside, but its embedded ones
	// are: check one by checksum to pin a large FAT stream's bytes.
	vc, _ := openFile(t, filepath.Join(less, "SQL2008_AS.msp"))
	pcw := vc.Root().Child(encodeMSIName("PCW_CAB_Family01"))
	if pcw == nil {
		t.Fatal("SQL2008_AS.msp: no PCW_CAB_Family01 stream")
	}
	b, err := vc.ReadStream(pcw)
	if err != nil || !bytes.HasPrefix(b, []byte("MSCF")) {
		t.Fatalf("PCW_CAB_Family01: %v, starts % x", err, b[:min(4, len(b))])
	}
	// Pinned from msitools: msiinfo extract SQL2008_AS.msp PCW_CAB_Family01 | md5sum
	if sum := md5.Sum(b); len(b) != 101 || hex.EncodeToString(sum[:]) != "e511831e8bdb9fc02f59893d883119a8" {
		t.Errorf("PCW_CAB_Family01: %d bytes, md5 %s; msiinfo reads 101 bytes, md5 e511831e8bdb9fc02f59893d883119a8", len(b), hex.EncodeToString(sum[:]))
	}
}

// TestStreamReaderSeeker exercises Read/Seek/ReadAt against ReadStream on a
// multi-sector stream and a mini stream.
func TestStreamReaderSeeker(t *testing.T) {
	r, _ := openFile(t, filepath.Join(corpusDir(t, "generated"), "tiny.msi"))
	for _, name := range []string{encodeMSIName("tiny.cab"), "\x05SummaryInformation"} {
		e := r.Root().Child(name)
		whole, err := r.ReadStream(e)
		if err != nil {
			t.Fatal(err)
		}
		s, err := r.OpenStream(e)
		if err != nil {
			t.Fatal(err)
		}
		if s.Size() != int64(len(whole)) {
			t.Fatalf("Size %d, ReadStream %d bytes", s.Size(), len(whole))
		}
		if got := readAllFrom(t, s); !bytes.Equal(got, whole) {
			t.Fatal("Read loop differs from ReadStream")
		}
		for _, off := range []int64{0, 1, 63, 64, 511, 512, 4095, int64(len(whole)) - 7} {
			if off < 0 || off >= int64(len(whole)) {
				continue
			}
			if _, err := s.Seek(off, io.SeekStart); err != nil {
				t.Fatal(err)
			}
			buf := make([]byte, 700)
			n, err := io.ReadFull(s, buf)
			if err != nil && err != io.ErrUnexpectedEOF {
				t.Fatal(err)
			}
			if !bytes.Equal(buf[:n], whole[off:min(off+700, int64(len(whole)))]) {
				t.Fatalf("%q: data at %d differs", printable(name), off)
			}
		}
		if n, err := s.ReadAt(make([]byte, 10), s.Size()); n != 0 || err != io.EOF {
			t.Fatalf("ReadAt at end: %d, %v", n, err)
		}
		if _, err := s.Seek(-1, io.SeekStart); err == nil {
			t.Fatal("negative seek accepted")
		}
	}
	if _, err := r.OpenStream(r.Root()); !errors.Is(err, ErrNotStream) {
		t.Fatalf("OpenStream(root): %v", err)
	}
}

// TestConcurrentReads reads every stream of a file from several goroutines
// at once through one Reader (run with -race to check the sharing).
func TestConcurrentReads(t *testing.T) {
	r, _ := openFile(t, filepath.Join(corpusDir(t, "generated"), "hand.msp"))
	want := flatTree(t, r)
	errs := make(chan string, 8)
	for g := 0; g < 8; g++ {
		go func() {
			errs <- diffTrees(want, flatTree(t, r))
		}()
	}
	for g := 0; g < 8; g++ {
		if d := <-errs; d != "" {
			t.Fatal(d)
		}
	}
}
