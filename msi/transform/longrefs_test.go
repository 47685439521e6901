package transform

import (
	"fmt"
	"testing"

	"github.com/ohotfix/ohotfix/msi"
)

// A transform whose own pool needs more than 65535 ids switches to 3-byte
// string references; it must still round-trip.
func TestLongStringRefs(t *testing.T) {
	if testing.Short() {
		t.Skip("builds a 66,000-row table")
	}
	gen := corpus(t, "generated")
	upd, err := msi.Open(gen + "/tiny.msi")
	if err != nil {
		t.Fatal(err)
	}
	defer upd.Close()
	big, err := upd.CreateTable("BigStr", []msi.Column{{Name: "Key", Type: msi.StringType(32, false, true, false)}, {Name: "Val", Type: msi.StringType(32, true, false, false)}})
	if err != nil {
		t.Fatal(err)
	}
	for i := 0; i < 33000; i++ {
		if err := big.Insert(fmt.Sprintf("k%05d", i), fmt.Sprintf("v%05d", i)); err != nil {
			t.Fatal(err)
		}
	}
	path := diffApply(t, gen+"/tiny.msi", upd, DiffOptions{Validate: ValProduct})
	tr, err := Open(path)
	if err != nil {
		t.Fatal(err)
	}
	defer tr.Close()
	if !tr.Pool().LongRefs || tr.Pool().Count() <= 0x10000 {
		t.Errorf("pool of %d ids, long refs %v", tr.Pool().Count(), tr.Pool().LongRefs)
	}
	// 3-byte refs: each BigStr insert is mask + 2 × 3 bytes.
	if n := len(tr.Raw("BigStr")); n != 33000*8 {
		t.Errorf("BigStr records take %d bytes, want %d", n, 33000*8)
	}
}
