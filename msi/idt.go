package msi

import (
	"bufio"
	"bytes"
	"errors"
	"fmt"
	"io"
	"io/fs"
	"os"
	"path/filepath"
	"runtime"
	"strconv"
	"strings"
	"time"

	"github.com/ohotfix/ohotfix/internal/atomicfile"
)

// IDT is the tab-separated text form of a table used by msidb/msibuild and
// written by MsiDatabaseExport/msidump: line 1 the column names, line 2 the
// type codes (ColumnType.IDT), line 3 the table name followed by the key
// column names, then one line per row, CRLF line ends. Binary cells hold the
// name of a file in the folder named after the table. Two pseudo-tables
// exist: `_SummaryInformation` (PropertyId, Value) and `_ForceCodepage`
// (no columns; line 3 is "<codepage>\t_ForceCodepage").

// Pseudo-table names of the IDT format.
const (
	SummaryTableName       = "_SummaryInformation"
	ForceCodepageTableName = "_ForceCodepage"
)

// WriteIDT writes t in msidump's exact format: values verbatim (no escaping),
// binary cells as their stream name, rows in the table's current order.
func WriteIDT(w io.Writer, t *Table) error {
	bw := bufio.NewWriterSize(w, 64<<10)
	line := func(fields []string) {
		for i, f := range fields {
			if i > 0 {
				bw.WriteByte('\t')
			}
			bw.WriteString(f)
		}
		bw.WriteString("\r\n")
	}
	names := make([]string, len(t.columns))
	types := make([]string, len(t.columns))
	keys := []string{t.name}
	for i, c := range t.columns {
		names[i], types[i] = c.Name, c.Type.IDT()
		if c.Type.IsKey() {
			keys = append(keys, c.Name)
		}
	}
	line(names)
	line(types)
	line(keys)
	var num [16]byte
	for _, r := range t.rows {
		for i, v := range r {
			if i > 0 {
				bw.WriteByte('\t')
			}
			switch v.kind {
			case KindInt:
				bw.Write(strconv.AppendInt(num[:0], int64(v.n), 10))
			case KindString, KindBinary:
				bw.WriteString(v.s)
			}
		}
		bw.WriteString("\r\n")
	}
	return bw.Flush()
}

// WriteForceCodepageIDT writes `_ForceCodepage.idt` exactly as msidump does
// (including its trailing NUL byte).
func WriteForceCodepageIDT(w io.Writer, codepage int) error {
	_, err := fmt.Fprintf(w, "\r\n\r\n%d\t_ForceCodepage\r\n\x00", codepage)
	return err
}

// summaryIDTProps are the properties msidump exports, in order.
var summaryIDTProps = map[PropertyID]bool{1: true, 2: true, 3: true, 4: true, 5: true, 6: true, 7: true, 8: true, 9: true,
	11: true, 12: true, 13: true, 14: true, 15: true, 16: true, 18: true, 19: true}

// SummaryTimeLayout is how IDT files write FILETIME properties (local time).
const SummaryTimeLayout = "2006/01/02 15:04:05"

// WriteSummaryIDT writes `_SummaryInformation.idt` as msidump does:
// integers in decimal, strings verbatim, FILETIMEs in local time.
func WriteSummaryIDT(w io.Writer, si *SummaryInfo) error {
	var b bytes.Buffer
	b.WriteString("PropertyId\tValue\r\ni2\tl255\r\n_SummaryInformation\tPropertyId\r\n")
	for _, pid := range si.IDs() {
		if !summaryIDTProps[pid] {
			continue
		}
		p := si.props[pid]
		var v string
		switch p.Type {
		case VTI2:
			if pid == PIDCodepage {
				v = strconv.Itoa(int(uint16(p.Int)))
			} else {
				v = strconv.Itoa(int(p.Int))
			}
		case VTI4:
			v = strconv.Itoa(int(p.Int))
		case VTLPSTR:
			// msidump copies summary strings byte for byte (no code page
			// conversion, unlike table strings); so do we while unchanged.
			if raw, ok := si.storedString(pid); ok {
				v = string(raw)
			} else {
				v = p.Str
			}
		case VTFiletime:
			v = FiletimeToTime(p.Time).Local().Format(SummaryTimeLayout)
		default:
			continue
		}
		fmt.Fprintf(&b, "%d\t%s\r\n", pid, v)
	}
	_, err := w.Write(b.Bytes())
	return err
}

// IDTFile is a parsed IDT file.
type IDTFile struct {
	Columns []string   // line 1
	Types   []string   // line 2
	Table   string     // line 3, first field
	Keys    []string   // line 3, remaining fields
	Rows    [][]string // data lines, one field per column
	// Codepage is set (HasCodepage true) for a `_ForceCodepage` file.
	Codepage    int
	HasCodepage bool
}

// maxIDTSize bounds an IDT file read into memory.
const maxIDTSize = 1 << 30

// ParseIDT parses IDT text the way msibuild reads it: lines end at LF (CRs
// are dropped), fields are tab-separated, a CR LF pair written as 0x11 0x19
// inside a field is restored, trailing NUL bytes of the file are ignored.
func ParseIDT(data []byte) (*IDTFile, error) {
	data = bytes.TrimRight(data, "\x00")
	lines := splitIDTLines(data)
	if len(lines) < 3 {
		return nil, errors.New("msi: IDT file has fewer than 3 header lines")
	}
	f := &IDTFile{Columns: lines[0], Types: lines[1]}
	if len(lines[2]) == 0 {
		return nil, errors.New("msi: IDT line 3 (table name) is empty")
	}
	if len(f.Columns) == 1 && f.Columns[0] == "" && len(lines[2]) == 2 && lines[2][1] == ForceCodepageTableName {
		cp, err := strconv.Atoi(lines[2][0])
		if err != nil {
			return nil, fmt.Errorf("msi: _ForceCodepage: bad code page %q", lines[2][0])
		}
		f.Table, f.Codepage, f.HasCodepage = ForceCodepageTableName, cp, true
		return f, nil
	}
	// msidump writes "\r\n\r\n<cp>\t_ForceCodepage": line 2 empty too.
	f.Table, f.Keys = lines[2][0], lines[2][1:]
	if len(f.Columns) != len(f.Types) {
		return nil, fmt.Errorf("msi: IDT %s: %d column names but %d types", f.Table, len(f.Columns), len(f.Types))
	}
	for _, l := range lines[3:] {
		if len(l) == 1 && l[0] == "" {
			continue // blank line
		}
		if len(l) > len(f.Columns) {
			return nil, fmt.Errorf("msi: IDT %s: row with %d fields for %d columns", f.Table, len(l), len(f.Columns))
		}
		for len(l) < len(f.Columns) {
			l = append(l, "")
		}
		f.Rows = append(f.Rows, l)
	}
	return f, nil
}

func splitIDTLines(data []byte) [][]string {
	var out [][]string
	for len(data) > 0 {
		i := bytes.IndexByte(data, '\n')
		var ln []byte
		if i < 0 {
			ln, data = data, nil
		} else {
			ln, data = data[:i], data[i+1:]
		}
		ln = bytes.TrimRight(ln, "\r")
		s := string(ln)
		if strings.Contains(s, "\x11\x19") {
			s = strings.ReplaceAll(s, "\x11\x19", "\r\n")
		}
		out = append(out, strings.Split(s, "\t"))
	}
	return out
}

// ReadIDTFile reads and parses one IDT file.
func ReadIDTFile(path string) (*IDTFile, error) {
	fi, err := os.Stat(path)
	if err != nil {
		return nil, err
	}
	if fi.Size() > maxIDTSize {
		return nil, fmt.Errorf("msi: %s: IDT file too large", path)
	}
	b, err := os.ReadFile(path)
	if err != nil {
		return nil, err
	}
	return ParseIDT(b)
}

// ImportIDT loads an IDT file into the database the way msibuild -i does: the
// summary pseudo-table sets summary properties, `_ForceCodepage` the code
// page; otherwise the table is created if missing and its rows replaced.
// Binary cells are read from "<dir of path>/<file base name>/<cell>".
func (db *Database) ImportIDT(path string) error {
	f, err := ReadIDTFile(path)
	if err != nil {
		return err
	}
	base := strings.TrimSuffix(path, filepath.Ext(path))
	return db.ImportParsedIDT(f, func(name string) ([]byte, error) {
		return os.ReadFile(filepath.Join(base, name))
	})
}

// ImportParsedIDT imports a parsed IDT; open returns the data of a binary
// cell's file.
func (db *Database) ImportParsedIDT(f *IDTFile, open func(name string) ([]byte, error)) error {
	switch {
	case f.HasCodepage:
		return db.SetCodepage(f.Codepage)
	case f.Table == SummaryTableName:
		return db.importSummary(f)
	}
	t, err := db.Table(f.Table)
	if errors.Is(err, ErrNotFound) {
		keys := map[string]bool{}
		for _, k := range f.Keys {
			keys[k] = true
		}
		cols := make([]Column, len(f.Columns))
		for i, name := range f.Columns {
			typ, err := ParseIDTType(f.Types[i], keys[name])
			if err != nil {
				return fmt.Errorf("msi: IDT %s column %s: %v", f.Table, name, err)
			}
			cols[i] = Column{Name: name, Type: typ}
		}
		t, err = db.CreateTable(f.Table, cols)
		if err != nil {
			return err
		}
	} else if err != nil {
		return err
	}
	if len(t.columns) != len(f.Columns) {
		return fmt.Errorf("msi: IDT %s has %d columns, the table has %d", f.Table, len(f.Columns), len(t.columns))
	}
	// Replace all rows (msibuild semantics).
	for _, r := range t.rows {
		for c, col := range t.columns {
			if col.Type.IsBinary() && r[c].kind == KindBinary {
				db.deleteStream(r[c].s)
			}
		}
	}
	t.rows, t.index, t.dirty = nil, nil, true
	vals := make([]any, len(t.columns))
	for n, rec := range f.Rows {
		for i, col := range t.columns {
			s := rec[i]
			switch {
			case s == "":
				vals[i] = nil
			case col.Type.IsBinary():
				if open == nil {
					return fmt.Errorf("msi: IDT %s row %d: binary cell %q but no folder to read it from", f.Table, n+1, s)
				}
				b, err := open(s)
				if err != nil {
					return fmt.Errorf("msi: IDT %s row %d column %s: %w", f.Table, n+1, col.Name, err)
				}
				vals[i] = b
			case col.Type&TypeString != 0:
				vals[i] = s
			default:
				v, err := strconv.ParseInt(strings.TrimSpace(s), 10, 32)
				if err != nil {
					return fmt.Errorf("msi: IDT %s row %d column %s: bad integer %q", f.Table, n+1, col.Name, s)
				}
				vals[i] = int32(v)
			}
		}
		if err := t.Put(vals...); err != nil {
			return fmt.Errorf("msi: IDT %s row %d: %w", f.Table, n+1, err)
		}
	}
	return nil
}

func (db *Database) importSummary(f *IDTFile) error {
	si, err := db.Summary()
	if err != nil {
		si = NewSummaryInfo()
	}
	for n, rec := range f.Rows {
		pid64, err := strconv.Atoi(rec[0])
		if err != nil || len(rec) < 2 {
			return fmt.Errorf("msi: _SummaryInformation row %d: bad property id %q", n+1, rec[0])
		}
		pid, v := PropertyID(pid64), rec[1]
		switch pid {
		case PIDCodepage, PIDPageCount, PIDWordCount, PIDCharCount, PIDSecurity:
			i, err := strconv.ParseInt(strings.TrimSpace(v), 10, 32)
			if err != nil {
				return fmt.Errorf("msi: _SummaryInformation property %d: bad integer %q", pid, v)
			}
			si.SetInt(pid, int32(i))
		case PIDLastPrinted, PIDCreated, PIDLastSaved:
			t, err := time.ParseInLocation(SummaryTimeLayout, strings.TrimSpace(v), time.Local)
			if err != nil {
				return fmt.Errorf("msi: _SummaryInformation property %d: bad time %q", pid, v)
			}
			si.SetTime(pid, t)
		case PIDTitle, PIDSubject, PIDAuthor, PIDKeywords, PIDComments, PIDTemplate, PIDLastSavedBy, PIDRevisionNumber, PIDAppName:
			si.SetString(pid, v)
		default:
			return fmt.Errorf("msi: _SummaryInformation: unsupported property id %d", pid)
		}
	}
	db.SetSummary(si)
	return nil
}

// ExportOptions select what Export writes besides the tables.
type ExportOptions struct {
	// Streams writes binary cells as files in "<dir>/<Table>/<stream name>"
	// and other streams in "<dir>/_Streams/<name>".
	Streams bool
}

// Export writes every table as "<dir>/<Table>.idt" plus
// `_SummaryInformation.idt` and `_ForceCodepage.idt`, like msidump -d.
// Every table is decoded and rendered before the first file is written, so
// a table that fails to decode leaves no partial dump behind. Each file,
// streams included, is written to a temporary file and renamed into place
// (never written through an existing symlink). Every write goes through an
// os.Root on dir, and a subfolder that exists as a symbolic link (or as
// anything but a folder) is refused before anything is written: nothing is
// ever written outside dir, nor through a link inside it.
func (db *Database) Export(dir string, opt ExportOptions) error {
	si, err := db.Summary()
	if err != nil {
		return err
	}
	// Paths are relative to dir: every write goes through an os.Root on it.
	type idtFile struct {
		path string
		text []byte
	}
	type streamFile struct {
		path, stream string
		optional     bool // a binary cell's marker may name no stream
	}
	var idts []idtFile
	var streams []streamFile
	render := func(path string, fill func(io.Writer) error) error {
		var buf bytes.Buffer
		if err := fill(&buf); err != nil {
			return err
		}
		idts = append(idts, idtFile{path, buf.Bytes()})
		return nil
	}
	if err := render(SummaryTableName+".idt", func(w io.Writer) error { return WriteSummaryIDT(w, si) }); err != nil {
		return err
	}
	if err := render(ForceCodepageTableName+".idt", func(w io.Writer) error { return WriteForceCodepageIDT(w, db.Codepage()) }); err != nil {
		return err
	}
	binaries := map[string]bool{}
	for _, name := range db.order {
		t, err := db.Table(name)
		if err != nil {
			return err
		}
		if err := render(safeFileName(name)+".idt", func(w io.Writer) error { return WriteIDT(w, t) }); err != nil {
			return err
		}
		if !opt.Streams {
			continue
		}
		for _, r := range t.rows {
			for c, col := range t.columns {
				if col.Type.IsBinary() && r[c].kind == KindBinary {
					sn := r[c].s
					binaries[sn] = true
					streams = append(streams, streamFile{filepath.Join(safeFileName(name), safeFileName(sn)), sn, true})
				}
			}
		}
	}
	if opt.Streams {
		for _, sn := range db.Streams() {
			if !binaries[sn] {
				streams = append(streams, streamFile{filepath.Join("_Streams", safeFileName(sn)), sn, false})
			}
		}
	}
	root, err := os.OpenRoot(dir)
	if err != nil {
		return err
	}
	defer root.Close()
	// Check every subfolder before the first write: a refusal changes
	// nothing. made: the subfolders created (and checked again) so far.
	made := map[string]bool{}
	for _, f := range streams {
		d := filepath.Dir(f.path)
		if _, seen := made[d]; seen {
			continue
		}
		made[d] = false
		if err := checkDumpDir(root, dir, d); err != nil {
			return err
		}
	}
	for _, f := range idts {
		if err := atomicfile.WriteIn(root, f.path, 0o644, true, writeBytes(f.text)); err != nil {
			return err
		}
	}
	for _, f := range streams {
		data, err := db.ReadStream(f.stream)
		if f.optional && errors.Is(err, ErrNotFound) {
			continue // marker without a stream: nothing to write
		} else if err != nil {
			return err
		}
		if d := filepath.Dir(f.path); !made[d] {
			if err := root.Mkdir(d, 0o755); err != nil && !errors.Is(err, fs.ErrExist) {
				return err
			}
			if err := checkDumpDir(root, dir, d); err != nil {
				return err
			}
			made[d] = true
		}
		if err := atomicfile.WriteIn(root, f.path, 0o644, true, writeBytes(data)); err != nil {
			return err
		}
	}
	return nil
}

// checkDumpDir refuses a subfolder d of the dump folder that exists as a
// symbolic link or anything but a folder (absent is fine: it is created).
func checkDumpDir(root *os.Root, dir, d string) error {
	fi, err := root.Lstat(d)
	switch {
	case errors.Is(err, fs.ErrNotExist):
		return nil
	case err != nil:
		return err
	case fi.Mode()&fs.ModeSymlink != 0:
		return &fs.PathError{Op: "dump", Path: filepath.Join(dir, d), Err: errors.New("is a symbolic link; refusing to write through it")}
	case !fi.IsDir():
		return &fs.PathError{Op: "dump", Path: filepath.Join(dir, d), Err: errors.New("exists and is not a folder")}
	}
	return nil
}

// safeFileName keeps a table or stream name from escaping the dump folder
// and, on Windows, from using characters its file names cannot hold (control
// characters such as the 0x05 of "\x05SummaryInformation", <>:"|?*).
func safeFileName(s string) string {
	s = strings.Map(func(r rune) rune {
		switch {
		case r == '/' || r == '\\' || r == 0:
			return '_'
		case runtime.GOOS == "windows" && (r < 0x20 || strings.ContainsRune(`<>:"|?*`, r)):
			return '_'
		}
		return r
	}, s)
	if s == "." || s == ".." || s == "" {
		s = "_" + s
	}
	return s
}

// writeBytes is an atomicfile fill that writes data.
func writeBytes(data []byte) func(io.Writer) error {
	return func(w io.Writer) error {
		_, err := w.Write(data)
		return err
	}
}
