package delta

import (
	"bytes"
	"errors"
	"io"
	"os"
	"path/filepath"
	"strconv"
	"strings"
	"testing"

	"github.com/ohotfix/ohotfix/internal/testcorpus"
)

// vector is one row of shared/testdata/pa19/EXPECTED.tsv.
type vector struct {
	name, patch, old, flags, expected, note string
}

func readVectors(t *testing.T) (dir string, rows []vector) {
	t.Helper()
	dir = testcorpus.Dir(t, "pa19")
	data, err := os.ReadFile(filepath.Join(dir, "EXPECTED.tsv"))
	if err != nil {
		t.Fatal(err)
	}
	for i, line := range strings.Split(strings.TrimSpace(string(data)), "\n") {
		if i == 0 {
			continue
		}
		c := strings.Split(line, "\t")
		if len(c) != 6 {
			t.Fatalf("EXPECTED.tsv line %d: %d columns", i+1, len(c))
		}
		rows = append(rows, vector{c[0], c[1], c[2], c[3], c[4], c[5]})
	}
	return dir, rows
}

// applyFile applies the delta at patchPath to the file at oldPath ("" for
// none) and returns the new file; testOnly checks without rebuilding.
func applyFile(t *testing.T, patchPath, oldPath string, opt ApplyOptions, testOnly bool) ([]byte, error) {
	t.Helper()
	pf, err := os.Open(patchPath)
	if err != nil {
		t.Fatal(err)
	}
	defer pf.Close()
	st, _ := pf.Stat()
	var old io.ReaderAt = bytes.NewReader(nil)
	var oldSize int64
	if oldPath != "" {
		of, err := os.Open(oldPath)
		if err != nil {
			t.Fatal(err)
		}
		defer of.Close()
		ost, _ := of.Stat()
		old, oldSize = of, ost.Size()
	}
	d, err := Open(pf, st.Size())
	if err != nil {
		return nil, err
	}
	if testOnly {
		_, err := d.Check(old, oldSize, opt)
		return nil, err
	}
	r, err := d.Apply(old, oldSize, opt)
	if err != nil {
		return nil, err
	}
	return io.ReadAll(r)
}

// notHere are rows whose expectation is about Windows' C API, with where
// the equivalent is tested instead.
var notHere = map[string]string{
	"missing_patch_file":          "a missing file is the CLI's (TestDeltaCLIVectorsFileErrors)",
	"missing_old_file":            "a missing file is the CLI's (TestDeltaCLIVectorsFileErrors)",
	"bad_output_path":             "an output path is the CLI's (TestDeltaCLIVectorsFileErrors)",
	"null_input_no_output_buffer": "no output-buffer argument exists in Go: Apply returns a reader",
	"two_ranges_progress_cancel":  "no progress callback in Go; a failure after output started leaves nothing (cmd/ohotfix TestDeltaCLIFailureMidStream)",
}

// TestVectors runs every case of EXPECTED.tsv: outputs byte-equal where a
// file is named, sizes where a size is given, errors as listed.
func TestVectors(t *testing.T) {
	dir, rows := readVectors(t)
	if len(rows) < 20 {
		t.Fatalf("only %d rows in EXPECTED.tsv", len(rows))
	}
	for _, v := range rows {
		t.Run(v.name, func(t *testing.T) {
			if why, ok := notHere[v.name]; ok {
				t.Skip(why)
			}
			oldPath := ""
			if v.old != "-" {
				oldPath = filepath.Join(dir, v.old)
			}
			opt := ApplyOptions{FailIfExact: strings.Contains(v.flags, "FAIL_IF_EXACT")}
			testOnly := strings.Contains(v.flags, "TEST_ONLY") || strings.Contains(v.note, "TestApplyPatchToFile") ||
				strings.Contains(v.expected, "test-only")
			got, err := applyFile(t, filepath.Join(dir, v.patch), oldPath, opt, testOnly)
			want := map[string]error{
				"ERROR_PATCH_WRONG_FILE":    ErrWrongFile,
				"ERROR_PATCH_CORRUPT":       ErrCorrupt,
				"ERROR_PATCH_NOT_NECESSARY": ErrNotNecessary,
			}
			for code, e := range want {
				if strings.Contains(v.expected, code) {
					if !errors.Is(err, e) {
						t.Fatalf("got %v, want %v (%s)", err, e, code)
					}
					t.Logf("refused as expected: %v", err)
					return
				}
			}
			if !strings.HasPrefix(v.expected, "success") && !strings.HasPrefix(v.expected, "output ==") && !strings.HasPrefix(v.expected, "size ") {
				t.Fatalf("expectation not understood: %q", v.expected)
			}
			if err != nil {
				t.Fatalf("apply: %v", err)
			}
			if testOnly {
				return
			}
			if f, ok := strings.CutPrefix(v.expected, "output == "); ok {
				name := strings.Fields(f)[0]
				exp, err := os.ReadFile(filepath.Join(dir, name))
				if err != nil {
					t.Fatal(err)
				}
				if !bytes.Equal(got, exp) {
					t.Fatalf("output (%d bytes) differs from %s (%d bytes)", len(got), name, len(exp))
				}
			}
			if i := strings.Index(v.expected, "size "); i >= 0 {
				n, err := strconv.Atoi(strings.Trim(strings.Fields(v.expected[i+5:])[0], ",()"))
				if err != nil {
					t.Fatalf("size in %q: %v", v.expected, err)
				}
				if len(got) != n {
					t.Fatalf("output is %d bytes, want %d", len(got), n)
				}
			}
		})
	}
}
