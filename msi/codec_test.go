package msi

import (
	"bytes"
	"encoding/binary"
	"strings"
	"testing"
	"unicode/utf16"
)

func units(s string) []uint16 { return utf16.Encode([]rune(s)) }

// Vectors from rust-msi and Wine's tests.
func TestStreamNameVectors(t *testing.T) {
	cases := []struct {
		name  string
		table bool
		want  []uint16
	}{
		{"_Columns", true, []uint16{0x4840, 0x3B3F, 0x43F2, 0x4438, 0x45B1}},
		{"_Tables", true, []uint16{0x4840, 0x3F7F, 0x4164, 0x422F, 0x4836}},
		{"_StringData", true, []uint16{0x4840, 0x3F3F, 0x4577, 0x446C, 0x3B6A, 0x45E4, 0x4824}},
		{"_StringPool", true, []uint16{0x4840, 0x3F3F, 0x4577, 0x446C, 0x3E6A, 0x44B2, 0x482F}},
		{"File", true, []uint16{0x4840, 0x430F, 0x422F}},
		{"App.exe", false, []uint16{0x44CA, 0x47B3, 0x46E8, 0x4828}},
	}
	for _, c := range cases {
		enc := encodeStreamName(c.name, c.table)
		if got := units(enc); !slicesEqual(got, c.want) {
			t.Errorf("Encode(%q) = %04X, want %04X", c.name, got, c.want)
		}
		name, table := decodeStreamName(enc)
		if name != c.name || table != c.table {
			t.Errorf("Decode(Encode(%q)) = %q, %v", c.name, name, table)
		}
	}
	// Characters outside the alphabet pass through.
	for _, s := range []string{"\x05SummaryInformation", "a-b c", "Binary.Ключ"} {
		if got, _ := decodeStreamName(encodeStreamName(s, false)); got != s {
			t.Errorf("round trip %q -> %q", s, got)
		}
	}
	if validStreamName(strings.Repeat("a", 63), false) || !validStreamName(strings.Repeat("a", 62), false) {
		t.Error("62 packed characters is the limit")
	}
}

func slicesEqual(a, b []uint16) bool {
	if len(a) != len(b) {
		return false
	}
	for i := range a {
		if a[i] != b[i] {
			return false
		}
	}
	return true
}

// poolBytes builds raw pool/data streams from (length, refcount) entries.
func poolBytes(hdr uint32, entries [][2]uint16) []byte {
	b := binary.LittleEndian.AppendUint32(nil, hdr)
	for _, e := range entries {
		b = binary.LittleEndian.AppendUint16(b, e[0])
		b = binary.LittleEndian.AppendUint16(b, e[1])
	}
	return b
}

func TestStringPoolHolesAndLongStrings(t *testing.T) {
	long := strings.Repeat("x", 70000)
	pool := poolBytes(1252, [][2]uint16{{3, 2}, {0, 0}, {0, 1}, {uint16(70000 & 0xFFFF), 5}, {2, 1}})
	data := []byte("abc" + long + "zz")
	p, err := decodeStringPool(pool, data)
	if err != nil {
		t.Fatal(err)
	}
	// ids: 1 "abc", 2 hole, 3 long (two entries, one id), 4 "zz"
	if p.Count() != 5 {
		t.Fatalf("Count = %d, want 5", p.Count())
	}
	for id, want := range []string{"", "abc", "", long, "zz"} {
		if s, ok := p.String(uint32(id)); !ok || s != want {
			t.Errorf("id %d = %.10q", id, s)
		}
	}
	if p.RefCount(3) != 5 || p.RefCount(1) != 2 {
		t.Errorf("refcounts %d %d", p.RefCount(3), p.RefCount(1))
	}
	pool2, data2, err := p.Encode()
	if err != nil {
		t.Fatal(err)
	}
	if !bytes.Equal(pool2, pool) || !bytes.Equal(data2, data) {
		t.Errorf("re-encoded pool differs")
	}
}

func TestStringPoolCodepages(t *testing.T) {
	p := NewStringPool(1251)
	id := p.Add("Привет")
	p.Add("Привет")
	pool, data, err := p.Encode()
	if err != nil {
		t.Fatal(err)
	}
	if len(data) != 6 || p.RefCount(id) != 2 {
		t.Fatalf("1251 data %d bytes, refcount %d", len(data), p.RefCount(id))
	}
	q, err := decodeStringPool(pool, data)
	if err != nil {
		t.Fatal(err)
	}
	if s, _ := q.String(id); s != "Привет" {
		t.Errorf("decoded %q", s)
	}
	bad := NewStringPool(1252)
	bad.Add("日本")
	if _, _, err := bad.Encode(); err == nil {
		t.Error("encoding Japanese in code page 1252 should fail")
	}
}

func TestStringPoolErrors(t *testing.T) {
	cases := map[string][2][]byte{
		"odd size":        {[]byte{0, 0, 0, 0, 1}, nil},
		"past data":       {poolBytes(0, [][2]uint16{{10, 1}}), []byte("abc")},
		"extra data":      {poolBytes(0, [][2]uint16{{1, 1}}), []byte("ab")},
		"cut long string": {poolBytes(0, [][2]uint16{{0, 1}}), nil},
		"bad code page":   {poolBytes(0x7FFFFFFF, [][2]uint16{{1, 1}}), []byte("a")},
	}
	for name, c := range cases {
		if _, err := decodeStringPool(c[0], c[1]); err == nil || !IsFormatError(err) {
			t.Errorf("%s: err = %v, want a FormatError", name, err)
		}
	}
}

func TestColumnTypes(t *testing.T) {
	cases := []struct {
		t   ColumnType
		idt string
	}{
		{0x2D48, "s72"}, {0x0D48, "s72"}, {0x1D48, "S72"}, {0x0FFF, "l255"}, {0x1F40, "L64"},
		{0x2502, "i2"}, {0x1502, "I2"}, {0x0104, "i4"}, {0x1104, "I4"}, {0x0900, "v0"}, {0x1900, "V0"}, {0x0F00, "l0"},
	}
	for _, c := range cases {
		if got := c.t.IDT(); got != c.idt {
			t.Errorf("%#04x.IDT() = %s, want %s", uint16(c.t), got, c.idt)
		}
		back, err := ParseIDTType(c.idt, c.t.IsKey())
		if err != nil || back != c.t {
			t.Errorf("ParseIDTType(%s) = %#04x, %v; want %#04x", c.idt, uint16(back), err, uint16(c.t))
		}
	}
	if !ColumnType(0x0900).IsBinary() || ColumnType(0x0D48).IsBinary() || ColumnType(0x0104).Width(3) != 4 || ColumnType(0x0D48).Width(3) != 3 {
		t.Error("binary/width classification wrong")
	}
}

func TestTableCodecSortsAndRoundTrips(t *testing.T) {
	cols := []Column{
		{"K", StringType(32, false, true, false)},
		{"N", IntType(2, false, true)},
		{"V", IntType(4, true, false)},
		{"B", BinaryType(true, false)},
	}
	p := NewStringPool(0)
	p.Add("b")
	p.Add("a") // id order: b=1, a=2: rows sort by id, not alphabet
	rows := []Row{
		{Str("a"), Int(-5), Int(-2147483647), Null},
		{Str("b"), Int(7), Null, Binary("T.b.7")},
		{Str("a"), Int(3), Int(2147483647), Null},
	}
	raw, err := encodeRows("T", cols, rows, p)
	if err != nil {
		t.Fatal(err)
	}
	if len(raw) != 3*(2+2+4+2) {
		t.Fatalf("stream %d bytes", len(raw))
	}
	got, err := decodeRows("T", cols, raw, p)
	if err != nil {
		t.Fatal(err)
	}
	want := []Row{rows[1], rows[0], rows[2]}
	for i := range want {
		if fmtRow(got[i]) != fmtRow(want[i]) {
			t.Errorf("row %d = %s, want %s", i, fmtRow(got[i]), fmtRow(want[i]))
		}
	}
	if _, err := encodeRows("T", cols, []Row{{Null, Int(1), Null, Null}}, p); err == nil {
		t.Error("NULL key accepted")
	}
	if _, err := encodeRows("T", cols, []Row{{Str("a"), Int(40000), Null, Null}}, p); err == nil {
		t.Error("40000 accepted in an i2 column")
	}
	if _, err := decodeRows("T", cols, []byte{9, 9, 0, 0, 0, 0, 0, 0, 0, 0}, p); err == nil {
		t.Error("string id beyond the pool accepted")
	}
}

func TestSummaryRoundTrip(t *testing.T) {
	si := NewSummaryInfo()
	si.SetInt(PIDCodepage, 1252)
	si.SetString(PIDTitle, "Patch")
	si.SetString(PIDTemplate, "{AAAAAAAA-1111-2222-3333-444444444444};{BBBBBBBB-1111-2222-3333-444444444444}")
	si.SetString(PIDLastSavedBy, ":T1;:#T1")
	si.SetString(PIDRevisionNumber, "{CCCCCCCC-1111-2222-3333-444444444444}{DDDDDDDD-1111-2222-3333-444444444444}")
	si.SetString(PIDKeywords, "")
	si.SetInt(PIDWordCount, 4)
	si.SetString(PIDAuthor, "Müller")
	b, err := si.Encode()
	if err != nil {
		t.Fatal(err)
	}
	got, err := DecodeSummaryInfo(b)
	if err != nil {
		t.Fatal(err)
	}
	if got.Author() != "Müller" || got.WordCount() != 4 || got.Codepage() != 1252 {
		t.Errorf("decoded %+v", got.props)
	}
	if _, ok := got.Get(PIDKeywords); !ok {
		t.Error("empty Keywords lost (msidump prints it)")
	}
	if pc := got.PatchCode(); pc != "{CCCCCCCC-1111-2222-3333-444444444444}" {
		t.Errorf("PatchCode %s", pc)
	}
	if o := got.ObsoletedPatches(); len(o) != 1 || o[0] != "{DDDDDDDD-1111-2222-3333-444444444444}" {
		t.Errorf("ObsoletedPatches %v", o)
	}
	if len(got.PatchTargets()) != 2 || strings.Join(got.PatchTransforms(), ",") != "T1,#T1" {
		t.Errorf("targets %v transforms %v", got.PatchTargets(), got.PatchTransforms())
	}
	pkg := NewSummaryInfo()
	pkg.SetPlatformLanguages("x64", 1033, 1031)
	pkg.SetInt(PIDWordCount, WordCountCompressed|WordCountAdminImage)
	if pkg.Platform() != "x64" || len(pkg.Languages()) != 2 || pkg.Languages()[1] != 1031 ||
		!pkg.Compressed() || !pkg.AdminImage() || pkg.ShortNames() {
		t.Errorf("package helpers: %q %v", pkg.Template(), pkg.Languages())
	}
}

// A code page without a table (1361, Johab) still opens and round-trips.
func TestUnknownCodepageRoundTrips(t *testing.T) {
	pool := poolBytes(1361, [][2]uint16{{3, 1}})
	data := []byte{0x88, 0xA1, 'x'}
	p, err := decodeStringPool(pool, data)
	if err != nil {
		t.Fatal(err)
	}
	pool2, data2, err := p.Encode()
	if err != nil || !bytes.Equal(pool2, pool) || !bytes.Equal(data2, data) {
		t.Fatalf("round trip: %v", err)
	}
}

func TestSafeFileName(t *testing.T) {
	for in, want := range map[string]string{"File": "File", "../x": ".._x", "a/b\\c": "a_b_c", "..": "_..", "": "_"} {
		if got := safeFileName(in); got != want {
			t.Errorf("safeFileName(%q) = %q, want %q", in, got, want)
		}
	}
}
