package payload

import (
	"bytes"
	"os"
	"testing"
)

// FuzzPackage feeds arbitrary bytes to everything that reads a package:
// the trailer and PE header search, the cabinets and the manifest, the
// member checks, and the Authenticode parser. None may panic or hang.
func FuzzPackage(f *testing.F) {
	dir, _ := updateDir(f, 3000, 500)
	elf, _ := os.ReadFile(pack(f, elfStub(f), dir))
	f.Add(elf)
	pe := pack(f, peStub(f), dir)
	fakeSign(f, pe, []byte("\x30\x82\x01\x00not really DER"))
	peBytes, _ := os.ReadFile(pe)
	f.Add(peBytes)
	f.Add(peBytes[:len(peBytes)/2])
	f.Fuzz(func(t *testing.T, data []byte) {
		r := bytes.NewReader(data)
		if p, ok, err := find(r, int64(len(data)), "fuzz"); ok && err == nil {
			if a, err := openArchive(p, r); err == nil {
				a.Verify(nil)
				a.Peek("ohotfix.ini", 1<<20)
			}
		}
		signatures(r, int64(len(data)))
	})
}
