package patch

import (
	"bytes"
	"crypto/rand"
	"fmt"
	"strconv"
	"strings"
	"time"

	"github.com/ohotfix/ohotfix/cab"
	"github.com/ohotfix/ohotfix/msi"
	"github.com/ohotfix/ohotfix/msi/transform"
)

// Standard property the patch Media row names as its source.
const mediaSourceProperty = "PATCHMediaSrcProp"

// patchTables makes final the state after the patch transform: a Media row
// for the patch cabinet above the product's disks and sequences, the
// PatchPackage row, delivered files moved into the patch's sequence range
// (marked compressed, and PatchAdded when new), PatchFiles in the execute
// sequences, and the PATCHNEW* properties.
func (c *creator) patchTables() error {
	c.patchCode = c.opt.PatchCode
	if c.patchCode == "" {
		c.patchCode = newGUID()
	}
	if !isGUID(c.patchCode) {
		return fmt.Errorf("patch code %q is not a {GUID} in upper case", c.patchCode)
	}
	for i, o := range c.opt.Obsoletes {
		c.opt.Obsoletes[i] = strings.ToUpper(o)
		if !isGUID(c.opt.Obsoletes[i]) || strings.EqualFold(o, c.patchCode) {
			return fmt.Errorf("obsoleted patch code %q is not a {GUID} (or is this patch's own code)", o)
		}
	}
	c.cabName = "PATCH_" + strings.NewReplacer("{", "", "}", "", "-", "").Replace(c.patchCode)[:8]
	db := c.final
	mt, err := db.Table("Media")
	if err != nil {
		return err
	}
	row := make([]any, len(mt.Columns()))
	for i, col := range mt.Columns() {
		switch col.Name {
		case "DiskId":
			row[i] = c.diskID
		case "LastSequence":
			row[i] = c.last
		case "Cabinet":
			row[i] = "#" + c.cabName
		case "Source":
			row[i] = mediaSourceProperty
		}
	}
	if err := mt.Insert(row...); err != nil {
		return fmt.Errorf("patch Media row: %w", err)
	}
	pp, err := db.Table("PatchPackage")
	if err != nil {
		if pp, err = db.CreateTable("PatchPackage", []msi.Column{
			{Name: "PatchId", Type: msi.StringType(38, false, true, false)},
			{Name: "Media_", Type: msi.IntType(2, false, false)},
		}); err != nil {
			return err
		}
	}
	if err := pp.Put(c.patchCode, c.diskID); err != nil {
		return err
	}
	ft, err := db.Table("File")
	if err != nil {
		return err
	}
	attrName := ft.Columns()[ft.ColumnIndex("Attributes")].Name
	seqOf := map[string]int{}
	for i, key := range c.delivered {
		seqOf[key] = c.first + i
		if _, ok := c.deltas[key]; ok {
			continue // a Patch row (deltaTables); the File row stays
		}
		f := c.usrc.files[key]
		attrs := f.attrs&^attrNoncompressed | attrCompressed
		if c.added[key] {
			attrs |= attrPatchAdded
		}
		if err := ft.Set([]any{key}, attrName, attrs); err != nil {
			return err
		}
		if err := ft.Set([]any{key}, "Sequence", c.first+i); err != nil {
			return err
		}
	}
	if err := c.deltaTables(seqOf); err != nil {
		return err
	}
	for _, seq := range []string{"InstallExecuteSequence", "AdminExecuteSequence"} {
		if err := addPatchFiles(db, seq); err != nil {
			return err
		}
	}
	si, err := db.Summary()
	if err != nil {
		return err
	}
	pt, err := db.Table("Property")
	if err != nil {
		return err
	}
	props := [][2]string{{"PATCHNEWPACKAGECODE", si.PackageCode()}, {"PATCHNEWSUMMARYSUBJECT", si.Subject()}, {"PATCHNEWSUMMARYCOMMENTS", si.Comments()}}
	for _, p := range props {
		if p[1] != "" {
			if err := pt.Put(p[0], p[1]); err != nil {
				return err
			}
		}
	}
	c.res = Created{PatchCode: c.patchCode, TargetCode: c.tf.ProductCode, FromVersion: c.tf.ProductVersion, ToVersion: c.uf.ProductVersion,
		Delivered: c.delivered, DiskID: c.diskID, FirstSeq: c.first, LastSeq: c.last, Cabinet: c.cabName}
	for _, k := range c.delivered {
		if c.added[k] {
			c.res.Added = append(c.res.Added, k)
		}
		c.res.CabinetData += int64(len(c.member(k)))
		if d, ok := c.deltas[k]; ok {
			c.res.Deltas = append(c.res.Deltas, k)
			c.res.DeltaBytes += int64(len(d))
		}
	}
	return nil
}

// addPatchFiles schedules PatchFiles right after InstallFiles when the
// sequence table has InstallFiles and no PatchFiles yet.
func addPatchFiles(db *msi.Database, table string) error {
	if !db.HasTable(table) {
		return nil
	}
	t, err := db.Table(table)
	if err != nil {
		return err
	}
	if _, ok := t.Lookup("PatchFiles"); ok {
		return nil
	}
	inst, ok := t.Lookup("InstallFiles")
	if !ok {
		return nil
	}
	n, _ := inst[2].Int()
	return t.Insert("PatchFiles", nil, int(n)+1)
}

// cabinet packs the delivered files, named by File key, in sequence order.
func (c *creator) cabinet() ([]byte, error) {
	var buf bytes.Buffer
	w := cab.NewWriter(&buf)
	w.Level = c.opt.Level
	now := c.now()
	for _, key := range c.delivered {
		fw, err := w.Create(&cab.FileHeader{Name: key, Modified: now, Attributes: cab.AttrArchive})
		if err != nil {
			return nil, err
		}
		if _, err := fw.Write(c.member(key)); err != nil {
			return nil, err
		}
	}
	if err := w.Close(); err != nil {
		return nil, err
	}
	return buf.Bytes(), nil
}

func (c *creator) now() time.Time {
	if c.opt.Now.IsZero() {
		return time.Now()
	}
	return c.opt.Now
}

// write assembles the .msp: root tables, cabinet stream, the two
// transform substorages and the summary.
func (c *creator) write(outPath string, t, pt *transform.Transform, cabData []byte) error {
	db := msi.New(msi.Patch)
	meta, err := db.CreateTable("MsiPatchMetadata", []msi.Column{
		{Name: "Company", Type: msi.StringType(72, true, true, false)},
		{Name: "Property", Type: msi.StringType(72, false, true, false)},
		{Name: "Value", Type: msi.StringType(0, true, false, true)},
	})
	if err != nil {
		return err
	}
	ts, _ := c.target.Table("Property")
	prop := func(n string) string {
		if r, ok := ts.Lookup(n); ok {
			return r[1].Str()
		}
		return ""
	}
	o := c.opt
	if o.Classification == "" {
		o.Classification = "Update"
	}
	if o.DisplayName == "" {
		o.DisplayName = strings.TrimSpace(prop("ProductName") + " " + c.uf.ProductVersion + " patch")
	}
	if o.Description == "" {
		o.Description = o.DisplayName
	}
	if o.Manufacturer == "" {
		o.Manufacturer = prop("Manufacturer")
	}
	if o.Family == "" {
		o.Family = "OHF" + strings.NewReplacer("{", "", "}", "", "-", "").Replace(c.tf.ProductCode)
	}
	if o.Sequence == "" {
		o.Sequence = c.uf.ProductVersion
	}
	if o.PairName == "" {
		o.PairName = "TargetToUpgraded"
	}
	for _, kv := range [][2]string{
		{"Classification", o.Classification}, {"DisplayName", o.DisplayName}, {"Description", o.Description},
		{"ManufacturerName", o.Manufacturer}, {"TargetProductName", prop("ProductName")}, {"AllowRemoval", "0"},
		{"CreationTimeUTC", c.now().UTC().Format("01/02/2006 15:04")},
	} {
		if kv[1] != "" {
			if err := meta.Insert(nil, kv[0], kv[1]); err != nil {
				return err
			}
		}
	}
	seq, err := db.CreateTable("MsiPatchSequence", []msi.Column{
		{Name: "PatchFamily", Type: msi.StringType(72, false, true, false)},
		{Name: "ProductCode", Type: msi.StringType(38, true, true, false)},
		{Name: "Sequence", Type: msi.StringType(72, false, false, false)},
		{Name: "Attributes", Type: msi.IntType(4, true, false)},
	})
	if err != nil {
		return err
	}
	if err := seq.Insert(o.Family, c.tf.ProductCode, o.Sequence, nil); err != nil {
		return err
	}
	if err := db.WriteStream(c.cabName, cabData); err != nil {
		return err
	}
	tn, err := t.Node()
	if err != nil {
		return err
	}
	pn, err := pt.Node()
	if err != nil {
		return err
	}
	db.SetStorage(o.PairName, tn)
	db.SetStorage("#"+o.PairName, pn)

	si := msi.NewSummaryInfo()
	si.SetInt(msi.PIDCodepage, 1252)
	si.SetString(msi.PIDTitle, "Patch")
	si.SetString(msi.PIDSubject, o.DisplayName)
	si.SetString(msi.PIDAuthor, o.Manufacturer)
	si.SetString(msi.PIDComments, o.Description)
	si.SetString(msi.PIDTemplate, c.tf.ProductCode)
	si.SetString(msi.PIDLastSavedBy, ":"+o.PairName+";:#"+o.PairName)
	si.SetString(msi.PIDRevisionNumber, c.patchCode+strings.Join(o.Obsoletes, ""))
	si.SetTime(msi.PIDCreated, c.now())
	si.SetTime(msi.PIDLastSaved, c.now())
	// Word Count 4: needs Windows Installer 3.0 (MsiPatchSequence,
	// MsiPatchMetadata).
	si.SetInt(msi.PIDWordCount, 4)
	si.SetString(msi.PIDAppName, "ohotfix")
	si.SetInt(msi.PIDSecurity, 4)
	db.SetSummary(si)
	return db.WriteFile(outPath)
}

func newGUID() string {
	var b [16]byte
	rand.Read(b[:])
	b[6] = b[6]&0x0f | 0x40
	b[8] = b[8]&0x3f | 0x80
	return strings.ToUpper(fmt.Sprintf("{%x-%x-%x-%x-%x}", b[0:4], b[4:6], b[6:8], b[8:10], b[10:16]))
}

func isGUID(s string) bool {
	if len(s) != 38 || s[0] != '{' || s[37] != '}' {
		return false
	}
	for i, r := range s[1:37] {
		switch i {
		case 8, 13, 18, 23:
			if r != '-' {
				return false
			}
		default:
			if !strings.ContainsRune("0123456789ABCDEF", r) {
				return false
			}
		}
	}
	return true
}

// parseVer parses "a.b.c[.d]" (missing fields are 0).
func parseVer(s string) ([4]int, bool) {
	var v [4]int
	f := strings.Split(strings.TrimSpace(s), ".")
	if len(f) > 4 || f[0] == "" {
		return v, false
	}
	for i, x := range f {
		n, err := strconv.Atoi(x)
		if err != nil || n < 0 {
			return v, false
		}
		v[i] = n
	}
	return v, true
}

func cmpVer(a, b [4]int) int {
	for i := range a {
		if a[i] != b[i] {
			if a[i] < b[i] {
				return -1
			}
			return 1
		}
	}
	return 0
}
