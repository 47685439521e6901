package patch

import (
	"testing"

	"github.com/ohotfix/ohotfix/msi/transform/transformtest"
)

func corpus(t testing.TB, sub string) string { t.Helper(); return transformtest.Corpus(t, sub) }
