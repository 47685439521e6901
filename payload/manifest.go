package payload

import (
	"bytes"
	"crypto/sha256"
	"encoding/hex"
	"fmt"
	"sort"
	"strings"
)

// ManifestName is the payload member listing every other member's SHA-256,
// one "HASH  NAME" line each (sha256sum's format: `sha256sum -c SHA256SUMS`
// checks an extracted payload).
const ManifestName = "SHA256SUMS"

// maxManifestSize bounds what a manifest may take in memory: a cabinet
// holds at most 65535 members of at most 256-byte names.
const maxManifestSize = 65535 * (64 + 2 + 256 + 1)

// Manifest maps member names to their SHA-256.
type Manifest map[string][sha256.Size]byte

// Marshal writes the manifest, sorted by name.
func (m Manifest) Marshal() []byte {
	names := make([]string, 0, len(m))
	for n := range m {
		names = append(names, n)
	}
	sort.Strings(names)
	var b bytes.Buffer
	for _, n := range names {
		h := m[n]
		fmt.Fprintf(&b, "%x  %s\n", h[:], n)
	}
	return b.Bytes()
}

// ParseManifest reads "HASH  NAME" lines (also sha256sum's binary-mode
// "HASH *NAME"). Every line must be well formed and every name unique.
func ParseManifest(data []byte) (Manifest, error) {
	m := Manifest{}
	for i, line := range strings.Split(strings.TrimSuffix(string(data), "\n"), "\n") {
		line = strings.TrimSuffix(line, "\r")
		if len(line) < 2*sha256.Size+3 || (line[64:66] != "  " && line[64:66] != " *") {
			return nil, fmt.Errorf("%s line %d: want \"HASH  NAME\"", ManifestName, i+1)
		}
		var h [sha256.Size]byte
		if _, err := hex.Decode(h[:], []byte(line[:64])); err != nil {
			return nil, fmt.Errorf("%s line %d: %v", ManifestName, i+1, err)
		}
		name := line[66:]
		if _, dup := m[name]; dup {
			return nil, fmt.Errorf("%s lists %s twice", ManifestName, name)
		}
		m[name] = h
	}
	return m, nil
}
