// Package testcorpus finds the shared test corpus for the project's tests:
// shared/testdata beside the repository (CI clones main with shared/ next to
// it). It is for tests only.
package testcorpus

import (
	"os"
	"path/filepath"
	"runtime"
	"testing"
)

// root is the module root, found from this source file's recorded path, so
// that the corpus is found from any package, working directory or clone.
func root() string {
	_, self, _, _ := runtime.Caller(0)
	return filepath.Join(filepath.Dir(self), "..", "..")
}

// Dir returns shared/testdata/<rel>. When it is absent the test is skipped
// with a message naming it, or fails when the environment variable CI is
// "true" (CI always has the corpus).
func Dir(tb testing.TB, rel string) string {
	tb.Helper()
	p := filepath.Join(root(), "..", "shared", "testdata", rel)
	if _, err := os.Stat(p); err != nil {
		if os.Getenv("CI") == "true" {
			tb.Fatalf("shared test corpus missing in CI: %v", err)
		}
		tb.Skipf("shared test corpus not found (%v); it lives in shared/testdata beside the repository", err)
	}
	return p
}
