// Package testcorpus finds the shared test corpus for the project's tests:
// shared/testdata beside the repository (CI clones main with shared/ next to
// it). It is for tests only.
package testcorpus

import (
	"os"
	"path/filepath"
	"testing"

	"github.com/ohotfix/ohotfix/internal/testtools"
)

// Dir returns shared/testdata/<rel>. When it is absent the test is skipped
// with a message naming it, or fails when the environment variable CI is
// "true" (CI always has the corpus).
func Dir(tb testing.TB, rel string) string {
	tb.Helper()
	p := filepath.Join(testtools.Root(), "..", "shared", "testdata", rel)
	if _, err := os.Stat(p); err != nil {
		testtools.SkipOrFail(tb, "shared test corpus not found (%v); it lives in shared/testdata beside the repository", err)
	}
	return p
}
