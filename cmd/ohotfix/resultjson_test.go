package main

import (
	"errors"
	"os"
	"path/filepath"
	"testing"

	"github.com/ohotfix/ohotfix/internal/resultschema"
)

// resultFilesIn lists the result files a command line asks for: the one
// the CLI itself finds (resultJSONArg, every spelling it accepts).
func resultFilesIn(args []string) []string {
	if f := resultJSONArg(args); f != "" {
		return []string{f}
	}
	return nil
}

// validateResultFiles checks that every result file a command line asked for
// and the run wrote matches docs/result.schema.json. End-to-end helpers call
// it after each run (runBinary), so every result the suite writes is held to
// the published schema. A missing file is not its business: the tests that
// expect one say so themselves.
func validateResultFiles(t resultschema.TB, args []string) {
	t.Helper()
	for _, f := range resultFilesIn(args) {
		if _, err := os.Stat(f); errors.Is(err, os.ErrNotExist) {
			continue
		}
		resultschema.Require(t, f)
	}
}

type recordingTB struct{ failures []string }

func (*recordingTB) Helper()                             {}
func (r *recordingTB) Fatalf(format string, args ...any) { r.failures = append(r.failures, format) }

func TestValidateResultFiles(t *testing.T) {
	dir := t.TempDir()
	for _, args := range [][]string{
		{"run", dir, "/result-json:" + filepath.Join(dir, "a.json")},
		{"run", "/RESULT-JSON:" + filepath.Join(dir, "a.json")},
		{"check", "--result-json", filepath.Join(dir, "a.json"), "--json"},
		{"check", "--result-json=" + filepath.Join(dir, "a.json")},
		{"run", "/result-json", filepath.Join(dir, "a.json"), "/q"},
	} {
		if got := resultFilesIn(args); len(got) != 1 || got[0] != filepath.Join(dir, "a.json") {
			t.Errorf("%q: %q", args, got)
		}
	}
	if got := resultFilesIn([]string{"run", dir, "--result-json"}); len(got) != 0 {
		t.Errorf("dangling flag: %q", got)
	}

	// A real result passes, a broken one fails, a missing one is ignored.
	res := filepath.Join(dir, "r.json")
	updates := filepath.Join(dir, "u")
	os.MkdirAll(updates, 0o755)
	os.WriteFile(filepath.Join(updates, "ohotfix.ini"), []byte("[OHotfix]\nOHotfixUILevel=x\n"), 0o644)
	args := []string{"run", updates, "/q", "/result-json:" + res}
	if r := runBinary(t, []string{"TMPDIR=" + dir}, args...); r.status != wantStatus(1639) {
		t.Fatalf("status %d %s", r.status, r.stderr)
	}
	var rec recordingTB
	validateResultFiles(&rec, args)
	if len(rec.failures) != 0 {
		t.Errorf("a real result was refused: %v", rec.failures)
	}
	os.WriteFile(res, []byte(`{"schema": 1, "exit_code": "0"}`), 0o644)
	validateResultFiles(&rec, args)
	if len(rec.failures) != 1 {
		t.Errorf("a broken result was accepted")
	}
	validateResultFiles(&rec, []string{"run", "/result-json:" + filepath.Join(dir, "missing.json")})
	if len(rec.failures) != 1 {
		t.Errorf("a missing result was reported")
	}
}
