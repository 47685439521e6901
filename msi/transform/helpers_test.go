package transform

import (
	"strings"
	"testing"

	"github.com/ohotfix/ohotfix/internal/testcorpus"
	"github.com/ohotfix/ohotfix/internal/transformtest"
	"github.com/ohotfix/ohotfix/msi"
)

func corpus(t testing.TB, sub string) string { t.Helper(); return testcorpus.Dir(t, sub) }

func snapshot(t testing.TB, db *msi.Database) map[string]map[string]string {
	t.Helper()
	return transformtest.Snapshot(t, db)
}

func diffSnapshots(a, b map[string]map[string]string) []string { return transformtest.Diff(a, b) }

func join(s []string) string { return strings.Join(s, "\n") }
