package patch

import (
	"bytes"
	"fmt"
	"os"
	"path/filepath"
	"slices"
	"sort"
	"strings"
	"testing"

	"github.com/ohotfix/ohotfix/internal/testtools"
	"github.com/ohotfix/ohotfix/msi"
	"github.com/ohotfix/ohotfix/msi/transform"
)

// TestRealPatchesMatchPeerTools checks what we read from the Microsoft
// patches against tools we did not write: msiinfo (libmsi) for the patch's
// summary, MsiPatchSequence and MsiPatchMetadata; 7-Zip, which extracts the
// transform storages stream by stream, for which tables each transform
// carries and for the bytes behind every string we decode (its string
// pool, its summary).
func TestRealPatchesMatchPeerTools(t *testing.T) {
	msiinfo := testtools.LookPath(t, "msiinfo")
	seven := testtools.SevenZip(t)
	dir := corpus(t, "msi/lessmsi")
	for _, c := range realPatches {
		t.Run(c.file, func(t *testing.T) {
			path := filepath.Join(dir, c.file)
			p, err := Open(path)
			if err != nil {
				t.Fatal(err)
			}
			defer p.Close()

			sum := suminfoFields(runTool(t, msiinfo, "suminfo", path))
			want := map[string]string{
				"Template":               strings.Join(p.Targets, ";"),
				"Revision number (UUID)": strings.Join(append([]string{p.PatchCode}, p.Obsoletes...), ""),
				"Last author":            ":" + strings.Join(p.TransformNames, ";:"),
				"Source":                 fmt.Sprintf("%d (%d)", p.MinInstaller, p.MinInstaller),
				"Keywords":               strings.Join(p.SourceList, ";"),
			}
			for k, v := range want {
				if sum[k] != v {
					t.Errorf("msiinfo suminfo %s: %q, we read %q", k, sum[k], v)
				}
			}

			var seqs []string
			for _, row := range exportRows(t, msiinfo, path, "MsiPatchSequence") {
				seqs = append(seqs, strings.Join(row, "|"))
			}
			var ours []string
			for _, s := range p.Sequences {
				ours = append(ours, fmt.Sprintf("%s|%s|%s|%d", s.Family, s.ProductCode, s.Sequence, s.Attributes))
			}
			if !slices.Equal(seqs, ours) {
				t.Errorf("MsiPatchSequence: msiinfo %q, we read %q", seqs, ours)
			}
			meta := map[string]string{}
			if slices.Contains(strings.Fields(runTool(t, msiinfo, "tables", path)), "MsiPatchMetadata") {
				for _, row := range exportRows(t, msiinfo, path, "MsiPatchMetadata") {
					key := row[1]
					if row[0] != "" {
						key = row[0] + "/" + row[1]
					}
					meta[key] = row[2]
				}
			}
			if fmt.Sprint(meta) != fmt.Sprint(p.Metadata) {
				t.Errorf("MsiPatchMetadata: msiinfo %v, we read %v", meta, p.Metadata)
			}

			ex := t.TempDir()
			runTool(t, seven, "x", "-y", "-tCompound", "-o"+ex, path)
			if _, err := os.Stat(filepath.Join(ex, c.cab)); err != nil {
				t.Errorf("7-Zip extracts no cabinet stream %s: %v", c.cab, err)
			}
			pairs, err := p.Pairs()
			if err != nil {
				t.Fatal(err)
			}
			if len(pairs) != 1 {
				t.Fatalf("%d transform pairs, want 1", len(pairs))
			}
			for _, pr := range pairs {
				checkStorage(t, filepath.Join(ex, pr.Name), pr.Transform)
				checkStorage(t, filepath.Join(ex, "#"+pr.Name), pr.PatchTransform)
			}
		})
	}
}

// checkStorage compares a transform with its storage as 7-Zip extracted it
// into dir (streams named as 7-Zip shows them: "!Table", "[5]Summary...").
func checkStorage(t *testing.T, dir string, tr *transform.Transform) {
	t.Helper()
	name := filepath.Base(dir)
	ents, err := os.ReadDir(dir)
	if err != nil {
		t.Fatalf("7-Zip extracted no storage %s: %v", name, err)
	}
	system := map[string]bool{"_StringData": true, "_StringPool": true, "_Tables": true, "_Columns": true}
	var streams []string
	have := map[string]bool{}
	for _, e := range ents {
		have[e.Name()] = true
		if table, ok := strings.CutPrefix(e.Name(), "!"); ok && !system[table] {
			streams = append(streams, table)
		}
	}
	sort.Strings(streams)
	changes, err := tr.Changes(nil)
	if err != nil {
		t.Fatal(err)
	}
	pool, err := os.ReadFile(filepath.Join(dir, "!_StringData"))
	if err != nil {
		t.Fatalf("%s: %v", name, err)
	}
	// A table with a stream of its own has records (or a schema we cannot
	// know without the target database); one created without rows is only
	// in _Tables/_Columns, and its name in the string pool.
	var withRows []string
	for _, tc := range changes {
		if len(tc.Records) > 0 || tc.Err != nil {
			withRows = append(withRows, tc.Name)
		}
		if tc.Created && (!have["!_Tables"] || !have["!_Columns"] || !bytes.Contains(pool, []byte(tc.Name))) {
			t.Errorf("%s: created table %s is not in the storage's _Tables/_Columns/_StringData", name, tc.Name)
		}
		for _, r := range tc.Records {
			for _, v := range r.Values {
				if v.Kind() == msi.KindString && !bytes.Contains(pool, []byte(v.Str())) {
					t.Errorf("%s %s: string %q is not in the storage's _StringData", name, tc.Name, v.Str())
				}
			}
		}
	}
	sort.Strings(withRows)
	if !slices.Equal(streams, withRows) {
		t.Errorf("%s: 7-Zip extracts table streams %v, we read changes to %v", name, streams, withRows)
	}
	// The summary strings the transform's Info comes from, byte for byte.
	si, err := os.ReadFile(filepath.Join(dir, "[5]SummaryInformation"))
	if err != nil {
		t.Fatalf("%s: %v", name, err)
	}
	in := tr.Info
	rev := in.BaseProductCode + in.BaseVersion + ";" + in.NewProductCode + in.NewVersion + ";" + in.UpgradeCode
	for _, s := range []string{rev, in.BasePlatform + ";" + in.BaseLanguage} {
		if !bytes.Contains(si, []byte(s+"\x00")) {
			t.Errorf("%s: summary string %q is not in its [5]SummaryInformation stream", name, s)
		}
	}
}

// suminfoFields parses `msiinfo suminfo` ("Name: value" lines).
func suminfoFields(out string) map[string]string {
	m := map[string]string{}
	for _, line := range strings.Split(out, "\n") {
		if k, v, ok := strings.Cut(line, ": "); ok {
			m[k] = v
		} else if k, ok := strings.CutSuffix(line, ":"); ok {
			m[k] = ""
		}
	}
	return m
}

// exportRows runs `msiinfo export DB TABLE` and returns the data rows of
// the IDT text (after its three header lines).
func exportRows(t *testing.T, msiinfo, db, table string) [][]string {
	t.Helper()
	lines := strings.Split(strings.TrimRight(runTool(t, msiinfo, "export", db, table), "\r\n"), "\r\n")
	if len(lines) < 3 {
		t.Fatalf("msiinfo export %s: %q", table, lines)
	}
	var rows [][]string
	for _, l := range lines[3:] {
		rows = append(rows, strings.Split(l, "\t"))
	}
	return rows
}
