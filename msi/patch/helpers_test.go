package patch

import (
	"os"
	"testing"

	"github.com/ohotfix/ohotfix/internal/testcorpus"
)

func corpus(t testing.TB, sub string) string { t.Helper(); return testcorpus.Dir(t, sub) }

func writeFile(t *testing.T, path string, b []byte) {
	t.Helper()
	if err := os.WriteFile(path, b, 0o644); err != nil {
		t.Fatal(err)
	}
}
