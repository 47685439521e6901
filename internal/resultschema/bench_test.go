package resultschema_test

import (
	"encoding/json"
	"testing"

	"github.com/ohotfix/ohotfix/internal/resultschema"
)

// BenchmarkValidate measures one validation of a typical result (two
// patches, three checks): what each end-to-end test pays per result.
func BenchmarkValidate(b *testing.B) {
	data, _ := json.Marshal(good())
	if err := resultschema.Validate(data); err != nil {
		b.Fatal(err)
	}
	b.SetBytes(int64(len(data)))
	b.ReportAllocs()
	for b.Loop() {
		if err := resultschema.Validate(data); err != nil {
			b.Fatal(err)
		}
	}
}
