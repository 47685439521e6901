package watson

import (
	"bufio"
	"bytes"
	"fmt"
	"strconv"
	"strings"
	"unicode/utf8"
)

// ManifestName is the member holding the DW manifest.
const ManifestName = "manifest.txt"

// maxManifest bounds what a collector reads of a manifest.
const maxManifest = 64 << 10

// Manifest is the DW-style manifest: KEY=VALUE lines, in order.
type Manifest struct {
	Keys   []string
	Values map[string]string
}

// Get returns the value of key ("" when absent).
func (m *Manifest) Get(key string) string { return m.Values[key] }

func (m *Manifest) set(key, value string) {
	if m.Values == nil {
		m.Values = map[string]string{}
	}
	if _, ok := m.Values[key]; !ok {
		m.Keys = append(m.Keys, key)
	}
	m.Values[key] = value
}

// Params returns P1..P10 as the manifest states them.
func (m *Manifest) Params() Params {
	var p Params
	for i := range p {
		p[i] = m.Get("P" + strconv.Itoa(i+1))
	}
	return p
}

// Bucket is the bucket of the report the manifest describes.
func (m *Manifest) Bucket() string { return Bucket(m.Get("EventType"), m.Params()) }

// Marshal writes the manifest: UTF-8, one KEY=VALUE per line, CRLF line
// ends as DW's manifests on Windows have.
func (m *Manifest) Marshal() []byte {
	var b bytes.Buffer
	for _, k := range m.Keys {
		fmt.Fprintf(&b, "%s=%s\r\n", k, m.Values[k])
	}
	return b.Bytes()
}

// ParseManifest reads a manifest, refusing what is not one: text that is
// not UTF-8, a line without '=', an empty or repeated key, no EventType, a
// missing or over-long P1..P10.
func ParseManifest(data []byte) (*Manifest, error) {
	if len(data) > maxManifest {
		return nil, fmt.Errorf("manifest is %d bytes (at most %d)", len(data), maxManifest)
	}
	data = bytes.TrimPrefix(data, []byte("\xef\xbb\xbf"))
	if !utf8.Valid(data) {
		return nil, fmt.Errorf("manifest is not UTF-8")
	}
	m := &Manifest{Values: map[string]string{}}
	sc := bufio.NewScanner(bytes.NewReader(data))
	sc.Buffer(make([]byte, 0, 4096), maxManifest)
	for n := 1; sc.Scan(); n++ {
		line := strings.TrimRight(sc.Text(), "\r")
		if line == "" {
			continue
		}
		k, v, ok := strings.Cut(line, "=")
		if !ok || k == "" {
			return nil, fmt.Errorf("manifest line %d is not KEY=VALUE", n)
		}
		if _, dup := m.Values[k]; dup {
			return nil, fmt.Errorf("manifest repeats key %s", k)
		}
		m.set(k, v)
	}
	if err := sc.Err(); err != nil {
		return nil, err
	}
	if !ValidBucket(m.Get("EventType")) {
		return nil, fmt.Errorf("manifest has no valid EventType")
	}
	for i := 1; i <= 10; i++ {
		v, ok := m.Values["P"+strconv.Itoa(i)]
		if !ok || v == "" || utf8.RuneCountInString(v) > maxParamLen {
			return nil, fmt.Errorf("manifest: P%d missing, empty or longer than %d characters", i, maxParamLen)
		}
	}
	return m, nil
}
