package winetest

import (
	"context"
	"path/filepath"
	"strconv"
	"strings"
	"testing"
	"time"
)

// toolTimeout bounds one run of a C helper; they finish in well under a second.
const toolTimeout = 2 * time.Minute

// Tool returns the host path of a C helper (see [ToolPath]) for use with [Prefix.Run].
func (p *Prefix) Tool(t testing.TB, name string) string {
	t.Helper()
	return ToolPath(t, name)
}

// runTool runs a helper with host-path arguments already translated by the caller; it fails t
// only when the helper could not be run at all.
func (p *Prefix) runTool(t testing.TB, name string, args ...string) (stdout, stderr string, exit int) {
	t.Helper()
	ctx, cancel := context.WithTimeout(context.Background(), toolTimeout)
	defer cancel()
	stdout, stderr, exit, err := p.Run(ctx, p.Tool(t, name), args...)
	if err != nil {
		t.Fatal(err)
	}
	return stdout, stderr, exit
}

// ApplyTransform copies db to out and applies the transform mst to out with Wine's
// MsiDatabaseApplyTransformW(errorFlags) and MsiDatabaseCommit (all host paths). It returns
// the Windows Installer error code (0 = applied) and the helper's messages, which name the
// failing call and Windows Installer's error record.
func (p *Prefix) ApplyTransform(t testing.TB, db, mst, out string, errorFlags uint32) (code int, messages string) {
	t.Helper()
	stdout, stderr, exit := p.runTool(t, "msiapply", p.WinPath(db), p.WinPath(mst), p.WinPath(out),
		"0x"+strconv.FormatUint(uint64(errorFlags), 16))
	return exit, stdout + stderr
}

// Query runs one SQL statement against the database at host path db through Wine's msi.dll
// and returns the result rows, cells as text (integers in decimal, NULL as "", binary cells as
// "[stream N]"). Failing SQL fails t with Windows Installer's message.
func (p *Prefix) Query(t testing.TB, db, sql string) [][]string {
	t.Helper()
	stdout, stderr, exit := p.runTool(t, "msiquery", p.WinPath(db), sql)
	if exit != 0 {
		t.Fatalf("winetest: msiquery %q on %s: error %d: %s", sql, db, exit, strings.TrimSpace(stderr))
	}
	return parseRows(stdout)
}

// QueryPatch is Query for a patch (.msp), opened read-only with MSIDBOPEN_PATCHFILE; it sees
// the patch's own tables (MsiPatchSequence, MsiPatchMetadata, _Tables...), not its transforms.
func (p *Prefix) QueryPatch(t testing.TB, msp, sql string) [][]string {
	t.Helper()
	stdout, stderr, exit := p.runTool(t, "msiquery", "-p", p.WinPath(msp), sql)
	if exit != 0 {
		t.Fatalf("winetest: msiquery -p %q on %s: error %d: %s", sql, msp, exit, strings.TrimSpace(stderr))
	}
	return parseRows(stdout)
}

// SummaryInfo returns the summary information of an .msi, .mst or .msp (chosen by extension)
// as Windows Installer reads it, keyed by property id: strings as text, integers in decimal,
// FILETIMEs as "YYYY-MM-DD hh:mm:ss" UTC. Absent properties are absent from the map.
func (p *Prefix) SummaryInfo(t testing.TB, path string) map[int]string {
	t.Helper()
	args := []string{p.WinPath(path)}
	if strings.EqualFold(filepath.Ext(path), ".msp") {
		args = append([]string{"-p"}, args...)
	}
	stdout, stderr, exit := p.runTool(t, "msisuminfo", args...)
	if exit != 0 {
		t.Fatalf("winetest: msisuminfo %s: error %d: %s", path, exit, strings.TrimSpace(stderr))
	}
	props := map[int]string{}
	for _, row := range parseRows(stdout) {
		if len(row) != 2 {
			t.Fatalf("winetest: msisuminfo: malformed line %q", row)
		}
		pid, err := strconv.Atoi(row[0])
		if err != nil {
			t.Fatalf("winetest: msisuminfo: bad property id %q", row[0])
		}
		props[pid] = row[1]
	}
	return props
}

// parseRows splits msiquery's output into rows of unescaped cells.
func parseRows(out string) [][]string {
	if out == "" {
		return nil
	}
	var rows [][]string
	for _, line := range strings.Split(strings.TrimSuffix(out, "\n"), "\n") {
		cells := strings.Split(line, "\t")
		for i, c := range cells {
			cells[i] = unescapeCell(c)
		}
		rows = append(rows, cells)
	}
	return rows
}

// unescapeCell reverses msiquery's escaping of backslash, tab, CR and LF.
func unescapeCell(s string) string {
	if !strings.Contains(s, `\`) {
		return s
	}
	var b strings.Builder
	for i := 0; i < len(s); i++ {
		if s[i] != '\\' || i+1 == len(s) {
			b.WriteByte(s[i])
			continue
		}
		i++
		switch s[i] {
		case 't':
			b.WriteByte('\t')
		case 'n':
			b.WriteByte('\n')
		case 'r':
			b.WriteByte('\r')
		default:
			b.WriteByte(s[i])
		}
	}
	return b.String()
}

// Product is one installed product as Windows Installer reports it.
type Product struct {
	Code         string // {ProductCode}
	Version      string // VersionString, e.g. "1.0.0"
	Name         string // ProductName
	LocalPackage string // cached package, a Windows path under C:\windows\Installer
	Patches      []Patch
}

// Patch is one patch applied to a product (MsiEnumPatches).
type Patch struct {
	Code         string // {PatchCode}
	Transforms   string // e.g. ":T1;:#T1"
	LocalPackage string // cached .msp (Windows path), if Windows Installer recorded one
}

// Products lists the installed products and their patches (msiproducts.exe).
func (p *Prefix) Products(t testing.TB) []Product {
	t.Helper()
	stdout, stderr, exit := p.runTool(t, "msiproducts")
	if exit != 0 {
		t.Fatalf("winetest: msiproducts: error %d: %s", exit, strings.TrimSpace(stderr))
	}
	return parseProducts(stdout)
}

func parseProducts(out string) []Product {
	var products []Product
	for _, row := range parseRows(out) {
		for len(row) < 5 {
			row = append(row, "")
		}
		switch row[0] {
		case "product":
			products = append(products, Product{Code: row[1], Version: row[2], Name: row[3], LocalPackage: row[4]})
		case "patch":
			for i := range products {
				if products[i].Code == row[1] {
					products[i].Patches = append(products[i].Patches, Patch{Code: row[2], Transforms: row[3], LocalPackage: row[4]})
				}
			}
		}
	}
	return products
}
