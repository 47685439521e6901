package msi

import (
	"bytes"
	"encoding/binary"
	"fmt"
	"sort"
	"strconv"
	"strings"
	"time"
)

// PropertyID identifies a summary information property (MS-OLEPS PID).
type PropertyID uint32

// Summary information properties and what the installer uses them for.
const (
	PIDCodepage       PropertyID = 1  // VT_I2: code page of the string properties
	PIDTitle          PropertyID = 2  // "Installation Database", "Transform", "Patch"...
	PIDSubject        PropertyID = 3  // product name
	PIDAuthor         PropertyID = 4  // manufacturer
	PIDKeywords       PropertyID = 5  // keywords; for a patch, its source list
	PIDComments       PropertyID = 6  // description
	PIDTemplate       PropertyID = 7  // "Platform;Lang,Lang"; patch: target product codes
	PIDLastSavedBy    PropertyID = 8  // transform: platform;lang after; patch: ":T;:#T"
	PIDRevisionNumber PropertyID = 9  // package code; patch code (+ obsoleted); transform product codes
	PIDEditTime       PropertyID = 10 // VT_FILETIME duration (rare)
	PIDLastPrinted    PropertyID = 11 // VT_FILETIME
	PIDCreated        PropertyID = 12 // VT_FILETIME
	PIDLastSaved      PropertyID = 13 // VT_FILETIME
	PIDPageCount      PropertyID = 14 // VT_I4: minimum installer version ×100
	PIDWordCount      PropertyID = 15 // VT_I4: source flags; patch: minimum installer
	PIDCharCount      PropertyID = 16 // VT_I4: transform validation<<16 | error flags
	PIDAppName        PropertyID = 18 // creating application
	PIDSecurity       PropertyID = 19 // VT_I4: 0 none, 2 read-only recommended, 4 enforced
)

// OLE property types used by summary information.
const (
	VTEmpty    uint32 = 0
	VTI2       uint32 = 2
	VTI4       uint32 = 3
	VTLPSTR    uint32 = 30
	VTFiletime uint32 = 64
)

// Property is one summary property value.
type Property struct {
	Type uint32 // VTI2, VTI4, VTLPSTR, VTFiletime, or another VT kept as Raw
	Int  int32
	Str  string
	Time uint64 // FILETIME: 100 ns intervals since 1601-01-01 UTC
	Raw  []byte // the bytes after the type word, for types not decoded

	stored []byte // VT_LPSTR bytes as read (before code page decoding)
}

// SummaryInfo is the `\005SummaryInformation` property set.
type SummaryInfo struct {
	// OSVersion is the property set header's OS version word (0x00020005
	// from msitools/libgsf, 0x00020205 from Windows).
	OSVersion uint32
	props     map[PropertyID]Property
}

// NewSummaryInfo returns an empty property set.
func NewSummaryInfo() *SummaryInfo {
	return &SummaryInfo{OSVersion: 0x00020005, props: map[PropertyID]Property{}}
}

var fmtidSummaryInformation = [16]byte{0xe0, 0x85, 0x9f, 0xf2, 0xf9, 0x4f, 0x68, 0x10, 0xab, 0x91, 0x08, 0x00, 0x2b, 0x27, 0xb3, 0xd9}

// maxProperties bounds the property count a section may declare.
const maxProperties = 1024

// DecodeSummaryInfo parses a summary information stream.
func DecodeSummaryInfo(b []byte) (*SummaryInfo, error) {
	bad := func(format string, args ...any) error { return formatErr(SummaryStream[1:], format, args...) }
	if len(b) < 48 {
		return nil, bad("stream of %d bytes is shorter than a property set header", len(b))
	}
	le := binary.LittleEndian
	if le.Uint16(b) != 0xFFFE {
		return nil, bad("byte-order mark %#04x, want 0xFFFE", le.Uint16(b))
	}
	si := NewSummaryInfo()
	si.OSVersion = le.Uint32(b[4:])
	nsect := le.Uint32(b[24:])
	if nsect == 0 || nsect > 16 || 28+int(nsect)*20 > len(b) {
		return nil, bad("invalid section count %d", nsect)
	}
	off := -1
	for i := 0; i < int(nsect); i++ {
		e := b[28+i*20:]
		if bytes.Equal(e[:16], fmtidSummaryInformation[:]) {
			off = int(le.Uint32(e[16:]))
			break
		}
	}
	if off < 0 {
		return nil, bad("no SummaryInformation section")
	}
	if off < 0 || off > len(b)-8 {
		return nil, bad("section offset %d outside the stream", off)
	}
	sec := b[off:]
	size := int(le.Uint32(sec))
	count := int(le.Uint32(sec[4:]))
	if size < 8 || size > len(sec) {
		return nil, bad("section size %d does not fit the stream (%d bytes left)", size, len(sec))
	}
	sec = sec[:size]
	if count > maxProperties || 8+count*8 > size {
		return nil, bad("%d properties do not fit a %d-byte section", count, size)
	}
	type ent struct {
		pid PropertyID
		off int
	}
	ents := make([]ent, count)
	for i := range ents {
		ents[i] = ent{PropertyID(le.Uint32(sec[8+i*8:])), int(le.Uint32(sec[12+i*8:]))}
	}
	// Strings are in the code page of PID 1 (read first).
	cp := 1252
	for _, e := range ents {
		if e.pid == PIDCodepage && e.off >= 0 && e.off+8 <= size && le.Uint32(sec[e.off:]) == VTI2 {
			cp = int(uint16(le.Uint16(sec[e.off+4:])))
		}
	}
	cc, err := newCodec(cp)
	if err != nil {
		cc, _ = newCodec(1252)
	}
	// Raw values run to the next property's offset.
	offs := make([]int, 0, count+1)
	for _, e := range ents {
		offs = append(offs, e.off)
	}
	offs = append(offs, size)
	sort.Ints(offs)
	for _, e := range ents {
		if e.pid == 0 || e.pid == 0x80000000 { // dictionary / locale: not in MSI summaries
			continue
		}
		if e.off < 8+count*8 || e.off+4 > size {
			return nil, bad("property %d at offset %d outside the section", e.pid, e.off)
		}
		vt := le.Uint32(sec[e.off:])
		v := sec[e.off+4:]
		p := Property{Type: vt}
		switch vt {
		case VTEmpty:
		case VTI2:
			if len(v) < 2 {
				return nil, bad("property %d: truncated VT_I2", e.pid)
			}
			p.Int = int32(int16(le.Uint16(v)))
		case VTI4:
			if len(v) < 4 {
				return nil, bad("property %d: truncated VT_I4", e.pid)
			}
			p.Int = int32(le.Uint32(v))
		case VTFiletime:
			if len(v) < 8 {
				return nil, bad("property %d: truncated VT_FILETIME", e.pid)
			}
			p.Time = le.Uint64(v)
		case VTLPSTR:
			if len(v) < 4 {
				return nil, bad("property %d: truncated VT_LPSTR", e.pid)
			}
			n := int(le.Uint32(v))
			if n < 0 || n > len(v)-4 {
				return nil, bad("property %d: string of %d bytes runs past the section", e.pid, n)
			}
			s := v[4 : 4+n]
			if i := bytes.IndexByte(s, 0); i >= 0 {
				s = s[:i]
			}
			p.Str = cc.decode(s)
			p.stored = s
		default:
			end := size
			for _, o := range offs {
				if o > e.off {
					end = o
					break
				}
			}
			end = max(end, e.off+4) // two properties may share an offset
			p.Raw = append([]byte(nil), sec[e.off+4:end]...)
		}
		si.props[e.pid] = p
	}
	return si, nil
}

// Encode writes the property set (one section, properties by ascending PID).
func (si *SummaryInfo) Encode() ([]byte, error) {
	cp := 1252
	if p, ok := si.props[PIDCodepage]; ok && p.Type == VTI2 {
		cp = int(uint16(p.Int))
	}
	cc, err := newCodec(cp)
	if err != nil {
		return nil, fmt.Errorf("msi: summary code page: %v", err)
	}
	pids := si.IDs()
	le := binary.LittleEndian
	var vals []byte
	offsets := make([]uint32, len(pids))
	base := 8 + 8*len(pids)
	for i, pid := range pids {
		p := si.props[pid]
		offsets[i] = uint32(base + len(vals))
		vals = le.AppendUint32(vals, p.Type)
		switch p.Type {
		case VTEmpty:
		case VTI2:
			vals = le.AppendUint16(vals, uint16(p.Int))
			vals = append(vals, 0, 0)
		case VTI4:
			vals = le.AppendUint32(vals, uint32(p.Int))
		case VTFiletime:
			vals = le.AppendUint64(vals, p.Time)
		case VTLPSTR:
			s, err := cc.encode(p.Str)
			if err != nil {
				return nil, fmt.Errorf("msi: summary property %d: %v", pid, err)
			}
			vals = le.AppendUint32(vals, uint32(len(s)+1))
			vals = append(vals, s...)
			vals = append(vals, 0)
		default:
			vals = append(vals, p.Raw...)
		}
		for len(vals)%4 != 0 {
			vals = append(vals, 0)
		}
	}
	out := make([]byte, 0, 48+base+len(vals))
	out = le.AppendUint16(out, 0xFFFE)
	out = le.AppendUint16(out, 0)
	out = le.AppendUint32(out, si.OSVersion)
	out = append(out, make([]byte, 16)...)
	out = le.AppendUint32(out, 1)
	out = append(out, fmtidSummaryInformation[:]...)
	out = le.AppendUint32(out, 48)
	out = le.AppendUint32(out, uint32(base+len(vals)))
	out = le.AppendUint32(out, uint32(len(pids)))
	for i, pid := range pids {
		out = le.AppendUint32(out, uint32(pid))
		out = le.AppendUint32(out, offsets[i])
	}
	return append(out, vals...), nil
}

// storedString returns the bytes a string property was read as, when its
// text is unchanged since (IDT export writes them verbatim, like msidump).
func (si *SummaryInfo) storedString(pid PropertyID) ([]byte, bool) {
	p := si.props[pid]
	if p.Type != VTLPSTR || p.stored == nil || isASCII(p.stored) {
		return nil, false
	}
	cp := 1252
	if c, ok := si.props[PIDCodepage]; ok && c.Type == VTI2 {
		cp = int(uint16(c.Int))
	}
	cc, err := newCodec(cp)
	if err != nil || cc.decode(p.stored) != p.Str {
		return nil, false
	}
	return p.stored, true
}

// IDs lists the properties present, ascending.
func (si *SummaryInfo) IDs() []PropertyID {
	ids := make([]PropertyID, 0, len(si.props))
	for id := range si.props {
		ids = append(ids, id)
	}
	sort.Slice(ids, func(i, j int) bool { return ids[i] < ids[j] })
	return ids
}

// Get returns a property.
func (si *SummaryInfo) Get(pid PropertyID) (Property, bool) {
	p, ok := si.props[pid]
	return p, ok
}

// Set stores a property as given.
func (si *SummaryInfo) Set(pid PropertyID, p Property) { si.props[pid] = p }

// Delete removes a property.
func (si *SummaryInfo) Delete(pid PropertyID) { delete(si.props, pid) }

// String returns a string property ("" when absent or not a string).
func (si *SummaryInfo) String(pid PropertyID) string { return si.props[pid].Str }

// SetString stores a VT_LPSTR property.
func (si *SummaryInfo) SetString(pid PropertyID, s string) {
	si.props[pid] = Property{Type: VTLPSTR, Str: s}
}

// Int returns an integer property and whether it is present.
func (si *SummaryInfo) Int(pid PropertyID) (int32, bool) {
	p, ok := si.props[pid]
	return p.Int, ok && (p.Type == VTI2 || p.Type == VTI4)
}

// SetInt stores an integer property: VT_I2 for the code page, VT_I4 otherwise.
func (si *SummaryInfo) SetInt(pid PropertyID, n int32) {
	vt := VTI4
	if pid == PIDCodepage {
		vt = VTI2
	}
	si.props[pid] = Property{Type: vt, Int: n}
}

// filetimeEpoch is 1601-01-01 in Unix seconds.
const filetimeEpoch = -11644473600

// Time returns a FILETIME property as a time.
func (si *SummaryInfo) Time(pid PropertyID) (time.Time, bool) {
	p, ok := si.props[pid]
	if !ok || p.Type != VTFiletime {
		return time.Time{}, false
	}
	return FiletimeToTime(p.Time), true
}

// SetTime stores a FILETIME property.
func (si *SummaryInfo) SetTime(pid PropertyID, t time.Time) {
	si.props[pid] = Property{Type: VTFiletime, Time: timeToFiletime(t)}
}

// FiletimeToTime converts a FILETIME to a UTC time.
func FiletimeToTime(ft uint64) time.Time {
	secs := int64(ft/10_000_000) + filetimeEpoch
	return time.Unix(secs, int64(ft%10_000_000)*100).UTC()
}

// timeToFiletime converts a time to a FILETIME (0 before 1601).
func timeToFiletime(t time.Time) uint64 {
	secs := t.Unix() - filetimeEpoch
	if secs < 0 {
		return 0
	}
	return uint64(secs)*10_000_000 + uint64(t.Nanosecond()/100)
}

// Codepage returns the summary's code page (PID 1), 0 when absent.
func (si *SummaryInfo) Codepage() int {
	n, _ := si.Int(PIDCodepage)
	return int(uint16(n))
}

func (si *SummaryInfo) Title() string          { return si.String(PIDTitle) }
func (si *SummaryInfo) Subject() string        { return si.String(PIDSubject) }
func (si *SummaryInfo) Author() string         { return si.String(PIDAuthor) }
func (si *SummaryInfo) Keywords() string       { return si.String(PIDKeywords) }
func (si *SummaryInfo) Comments() string       { return si.String(PIDComments) }
func (si *SummaryInfo) Template() string       { return si.String(PIDTemplate) }
func (si *SummaryInfo) LastSavedBy() string    { return si.String(PIDLastSavedBy) }
func (si *SummaryInfo) RevisionNumber() string { return si.String(PIDRevisionNumber) }
func (si *SummaryInfo) AppName() string        { return si.String(PIDAppName) }

// PageCount of a package is the minimum installer version ×100.
func (si *SummaryInfo) PageCount() int32 { n, _ := si.Int(PIDPageCount); return n }

// WordCount of a package holds source-type flags; of a patch, the minimum
// installer generation.
func (si *SummaryInfo) WordCount() int32 { n, _ := si.Int(PIDWordCount); return n }

// CharCount of a transform: validation flags in the high word, error
// suppression flags in the low word.
func (si *SummaryInfo) CharCount() int32 { n, _ := si.Int(PIDCharCount); return n }

// Security: 0 none, 2 read-only recommended, 4 read-only enforced.
func (si *SummaryInfo) Security() int32 { n, _ := si.Int(PIDSecurity); return n }

// Word Count bits of a package.
const (
	WordCountShortNames  = 1 // source uses short file names
	WordCountCompressed  = 2 // files are in cabinets by default
	WordCountAdminImage  = 4 // an administrative image
	WordCountNoElevation = 8 // no elevated privileges needed
)

// ShortNames, Compressed and AdminImage decode the package Word Count bits.
func (si *SummaryInfo) ShortNames() bool { return si.WordCount()&WordCountShortNames != 0 }
func (si *SummaryInfo) Compressed() bool { return si.WordCount()&WordCountCompressed != 0 }
func (si *SummaryInfo) AdminImage() bool { return si.WordCount()&WordCountAdminImage != 0 }

// Platform is the platform half of a package's Template ("Intel", "x64",
// "Arm64", "Intel64", or "" for neutral).
func (si *SummaryInfo) Platform() string {
	t := si.Template()
	if i := strings.IndexByte(t, ';'); i >= 0 {
		return t[:i]
	}
	return t
}

// Languages lists the LANGIDs of a package's Template (0 = neutral).
func (si *SummaryInfo) Languages() []int {
	t := si.Template()
	i := strings.IndexByte(t, ';')
	if i < 0 {
		return nil
	}
	var out []int
	for _, f := range strings.Split(t[i+1:], ",") {
		if n, err := strconv.Atoi(strings.TrimSpace(f)); err == nil {
			out = append(out, n)
		}
	}
	return out
}

// SetPlatformLanguages sets a package Template from its parts.
func (si *SummaryInfo) SetPlatformLanguages(platform string, langs ...int) {
	parts := make([]string, len(langs))
	for i, l := range langs {
		parts[i] = strconv.Itoa(l)
	}
	si.SetString(PIDTemplate, platform+";"+strings.Join(parts, ","))
}

// PatchTargets lists the product codes a patch's Template names.
func (si *SummaryInfo) PatchTargets() []string { return splitList(si.Template()) }

// PatchTransforms lists a patch's transform substorages from LastSavedBy,
// without the leading ':' ("T1", "#T1", ...).
func (si *SummaryInfo) PatchTransforms() []string {
	var out []string
	for _, s := range splitList(si.LastSavedBy()) {
		out = append(out, strings.TrimPrefix(s, ":"))
	}
	return out
}

// PackageCode is a package's Revision Number (its package code GUID).
func (si *SummaryInfo) PackageCode() string { return strings.TrimSpace(si.RevisionNumber()) }

// PatchCode is the first GUID of a patch's Revision Number; ObsoletedPatches
// are the GUIDs that follow it directly (no separator).
func (si *SummaryInfo) PatchCode() string {
	g := guids(si.RevisionNumber())
	if len(g) == 0 {
		return ""
	}
	return g[0]
}

// ObsoletedPatches lists the patch codes a patch obsoletes.
func (si *SummaryInfo) ObsoletedPatches() []string {
	g := guids(si.RevisionNumber())
	if len(g) < 2 {
		return nil
	}
	return g[1:]
}

// guids splits a run of concatenated {GUID}s.
func guids(s string) []string {
	var out []string
	for {
		i := strings.IndexByte(s, '{')
		if i < 0 {
			return out
		}
		j := strings.IndexByte(s[i:], '}')
		if j < 0 {
			return out
		}
		out = append(out, s[i:i+j+1])
		s = s[i+j+1:]
	}
}

func splitList(s string) []string {
	var out []string
	for _, f := range strings.Split(s, ";") {
		if f = strings.TrimSpace(f); f != "" {
			out = append(out, f)
		}
	}
	return out
}
