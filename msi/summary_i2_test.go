package msi_test

import (
	"encoding/binary"
	"path/filepath"
	"strconv"
	"testing"

	"github.com/ohotfix/ohotfix/internal/testcorpus"
	"github.com/ohotfix/ohotfix/internal/winetest"
	"github.com/ohotfix/ohotfix/msi"
)

// i2PropertySet builds, byte by byte (not with Encode), a summary property
// set whose 2-byte integers have the top bit set: the code page 65001
// (0xFDE9, as UTF-8 databases store it), 0xFFFE and 0x8000.
func i2PropertySet() []byte {
	le := binary.LittleEndian
	type prop struct {
		pid uint32
		raw uint16
	}
	props := []prop{{1, 0xFDE9}, {14, 0xFFFE}, {15, 0x8000}}
	var b []byte
	b = le.AppendUint16(b, 0xFFFE) // byte order mark
	b = le.AppendUint16(b, 0)      // format version
	b = le.AppendUint32(b, 0x00020006)
	b = append(b, make([]byte, 16)...) // CLSID
	b = le.AppendUint32(b, 1)          // one section
	// FMTID_SummaryInformation {F29F85E0-4FF9-1068-AB91-08002B27B3D9}
	b = append(b, 0xE0, 0x85, 0x9F, 0xF2, 0xF9, 0x4F, 0x68, 0x10, 0xAB, 0x91, 0x08, 0x00, 0x2B, 0x27, 0xB3, 0xD9)
	b = le.AppendUint32(b, 48) // section offset
	table := 8 + 8*len(props)
	b = le.AppendUint32(b, uint32(table+8*len(props))) // section size
	b = le.AppendUint32(b, uint32(len(props)))
	for i, p := range props {
		b = le.AppendUint32(b, p.pid)
		b = le.AppendUint32(b, uint32(table+8*i))
	}
	for _, p := range props {
		b = le.AppendUint32(b, msi.VTI2)
		b = le.AppendUint16(b, p.raw)
		b = le.AppendUint16(b, 0) // padding to 4 bytes
	}
	return b
}

// TestSummaryI2IsSigned: VT_I2 is a signed 16-bit integer ([MS-OLEPS]
// 2.15), so 0xFFFE reads as -2, not 65534; Windows Installer reports it so
// (TestSummaryI2MatchesWindowsInstaller). The code page keeps its unsigned
// meaning through Codepage().
func TestSummaryI2IsSigned(t *testing.T) {
	si, err := msi.DecodeSummaryInfo(i2PropertySet())
	if err != nil {
		t.Fatal(err)
	}
	for pid, want := range map[msi.PropertyID]int32{1: -535, 14: -2, 15: -32768} {
		if got, ok := si.Int(pid); !ok || got != want {
			t.Errorf("PID %d: Int = %d, %v; want %d", pid, got, ok, want)
		}
	}
	if cp := si.Codepage(); cp != 65001 {
		t.Errorf("Codepage() = %d, want 65001", cp)
	}
}

// TestSummaryI2MatchesWindowsInstaller: Wine's msi.dll
// (MsiSummaryInfoGetProperty) reads the 2-byte integers of a database's
// summary as we do: sign-extended.
func TestSummaryI2MatchesWindowsInstaller(t *testing.T) {
	if testing.Short() {
		t.Skip("starts Wine")
	}
	db, err := msi.Open(filepath.Join(testcorpus.Dir(t, "generated"), "tiny.msi"))
	if err != nil {
		t.Fatal(err)
	}
	defer db.Close()
	neg, err := msi.DecodeSummaryInfo(i2PropertySet())
	if err != nil {
		t.Fatal(err)
	}
	si, err := db.Summary()
	if err != nil {
		t.Fatal(err)
	}
	for _, pid := range neg.IDs() {
		p, _ := neg.Get(pid)
		si.Set(pid, p)
	}
	db.SetSummary(si)
	out := filepath.Join(t.TempDir(), "negative-i2.msi")
	if err := db.WriteFile(out); err != nil {
		t.Fatal(err)
	}
	back, _, err := msi.ReadSummaryFile(out)
	if err != nil {
		t.Fatal(err)
	}
	wine := winetest.NewPrefix(t).SummaryInfo(t, out)
	for _, pid := range neg.IDs() {
		ours, _ := back.Int(pid)
		if got := strconv.Itoa(int(ours)); wine[int(pid)] != got {
			t.Errorf("PID %d: Windows Installer reads %q, we read %s", pid, wine[int(pid)], got)
		}
	}
}
