package cab

import (
	"bytes"
	"errors"
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"testing"

	"github.com/ohotfix/ohotfix/internal/testtools"
)

// cabextractSearch runs cabextract -l, which searches the file for
// cabinets as libmspack's cabd_search does, and returns how many member
// lines it lists (-1: "no valid cabinets found").
func cabextractSearch(t *testing.T, bin, path string) int {
	t.Helper()
	// cabextract exits 1 when a cabinet has errors; its listing is still
	// the answer.
	out, _ := exec.Command(bin, "-l", path).CombinedOutput()
	text := string(out)
	if strings.Contains(text, "no valid cabinets found") {
		return -1
	}
	n := 0
	for _, line := range strings.Split(text, "\n") {
		if strings.Count(line, " | ") == 2 && !strings.Contains(line, "File size | Date") {
			n++
		}
	}
	return n
}

// TestFindAgreesWithCabextract: on every small corpus cabinet (the fuzz
// seeds), Find finds a cabinet exactly when cabextract's search does, and
// the cabinets FindAll finds hold the members cabextract lists. Six of them
// open with NewReader and yet are found by neither (partial_nodata.cab,
// hidden-file-beyond-eof.cab ...): they claim more bytes than the file has
// (+32 bytes slack), which cabextract reports as "possibly truncated" and
// skips in a search, while libmspack's cabd_open (our NewReader) opens them.
func TestFindAgreesWithCabextract(t *testing.T) {
	bin := testtools.LookPath(t, "cabextract")
	var compared, openNotFound int
	for _, sub := range []string{"cab/libmspack-cabd", "cab/gcab-tests", "cab/cabextract-tests/bugs", "generated"} {
		paths, err := filepath.Glob(filepath.Join(corpusDir(t, sub), "*.cab"))
		if err != nil || len(paths) == 0 {
			t.Fatalf("%s: no cabinets (%v)", sub, err)
		}
		for _, p := range paths {
			data, err := os.ReadFile(p)
			if err != nil {
				t.Fatal(err)
			}
			if len(data) >= 64<<10 {
				continue
			}
			name := sub + "/" + filepath.Base(p)
			want := cabextractSearch(t, bin, p)
			offs, err := FindAll(bytes.NewReader(data), int64(len(data)))
			if err != nil {
				t.Fatalf("%s: FindAll: %v", name, err)
			}
			_, findErr := Find(bytes.NewReader(data), int64(len(data)))
			if (want < 0) != errors.Is(findErr, ErrNotFound) || (want < 0) != (len(offs) == 0) {
				t.Errorf("%s: cabextract lists %d members (-1: none found); Find: %v, FindAll: %v", name, want, findErr, offs)
				continue
			}
			compared++
			if _, err := NewReader(bytes.NewReader(data), int64(len(data))); err == nil && want < 0 {
				openNotFound++
				t.Logf("%s: opens, but is not found by a search (cabextract nor Find)", name)
			}
			if want < 0 {
				continue
			}
			got := 0
			for _, off := range offs {
				r, err := NewReaderAt(bytes.NewReader(data), off, int64(len(data)))
				if err != nil {
					t.Fatalf("%s: cabinet at %d: %v", name, off, err)
				}
				got += len(r.Files)
			}
			if got != want {
				t.Errorf("%s: the cabinets at %v hold %d members, cabextract lists %d", name, offs, got, want)
			}
		}
	}
	if compared < 50 {
		t.Errorf("only %d cabinets compared", compared)
	}
	if openNotFound != 6 {
		t.Errorf("%d cabinets open but are not found by a search, want the 6 the corpus has", openNotFound)
	}
}
