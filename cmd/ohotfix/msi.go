package main

import (
	"bufio"
	"errors"
	"fmt"
	"io"
	"io/fs"
	"os"
	"path/filepath"
	"strings"
	"time"

	"github.com/urfave/cli/v2"

	"github.com/ohotfix/ohotfix/exitcode"
	"github.com/ohotfix/ohotfix/msi"
)

// msiSubcommands are extra `ohotfix msi` subcommands contributed by other
// files of this package (msi diff, msi apply ...): append a constructor from
// an init function, e.g.
//
//	func init() { msiSubcommands = append(msiSubcommands, msiDiffCommand) }
//
// msiCommand runs after every init, so the order of files does not matter.
var msiSubcommands []func() *cli.Command

// msiCommand is `ohotfix msi info|tables|export|streams|dump|build`. Exit
// codes: a missing or unreadable database is PackageOpenFailed (1619), an
// invalid one PackageInvalid (1620), bad usage InvalidCommandLine (1639),
// a failure to write output Fatal (1603).
func msiCommand() *cli.Command {
	subs := []*cli.Command{
		{
			Name:      "info",
			Usage:     "print the summary information (like msiinfo suminfo)",
			ArgsUsage: "DB",
			Flags: []cli.Flag{
				&cli.BoolFlag{Name: "explain", Usage: "also print what the installer makes of the properties"},
			},
			Action: msiInfo,
		},
		{
			Name:      "tables",
			Usage:     "list the tables (like msiinfo tables)",
			ArgsUsage: "DB",
			Action:    msiTables,
		},
		{
			Name:      "export",
			Usage:     "write one table as IDT text to standard output (like msiinfo export)",
			ArgsUsage: "DB TABLE",
			Action:    msiExport,
		},
		{
			Name:      "streams",
			Usage:     "list the streams that are not tables (like msiinfo streams)",
			ArgsUsage: "DB",
			Action:    msiStreams,
		},
		{
			Name:      "dump",
			Usage:     "write every table as DIR/<Table>.idt (like msidump -d DIR)",
			ArgsUsage: "DB",
			Flags: []cli.Flag{
				&cli.StringFlag{Name: "directory", Aliases: []string{"d"}, Value: ".", Usage: "dump into `DIR` (created if missing)"},
				&cli.BoolFlag{Name: "streams", Aliases: []string{"s"}, Usage: "also write binary cells to DIR/<Table>/ and other streams to DIR/_Streams/"},
			},
			Action: msiDump,
		},
		{
			Name:      "build",
			Usage:     "create a database from IDT files (like msibuild -i)",
			ArgsUsage: "",
			Flags: []cli.Flag{
				&cli.StringFlag{Name: "output", Aliases: []string{"o"}, Required: true, Usage: "write the database to `OUT.msi` (replaced atomically)"},
				&cli.StringSliceFlag{Name: "import", Aliases: []string{"i"}, Usage: "import `FILE.idt` (repeatable; further arguments are imported too)"},
				&cli.StringSliceFlag{Name: "add", Aliases: []string{"a"}, Usage: "add a stream: `NAME=FILE` (e.g. a cabinet; repeatable)"},
			},
			Action: msiBuild,
		},
	}
	for _, f := range msiSubcommands {
		subs = append(subs, f())
	}
	return &cli.Command{
		Name:        "msi",
		Usage:       "inspect, dump and build Windows Installer databases (.msi, .msm, .mst, .msp)",
		Subcommands: subs,
	}
}

// msiExit maps an msi package error to an exit code.
func msiExit(err error) error {
	switch {
	case err == nil:
		return nil
	case msi.IsInvalid(err):
		return exitcode.Wrap(exitcode.PackageInvalid, err)
	case errors.Is(err, fs.ErrNotExist), errors.Is(err, fs.ErrPermission), errors.Is(err, fs.ErrInvalid):
		return exitcode.Wrap(exitcode.PackageOpenFailed, err)
	}
	var pe *fs.PathError
	if errors.As(err, &pe) {
		return exitcode.Wrap(exitcode.PackageOpenFailed, err)
	}
	return exitcode.Wrap(exitcode.Fatal, err)
}

// openMsiArg opens the first argument as a database after checking the
// argument count.
func openMsiArg(c *cli.Context, nargs int, usage string) (*msi.Database, error) {
	if c.NArg() != nargs {
		return nil, exitcode.New(exitcode.InvalidCommandLine, "msi %s: usage: %s, got %d arguments", c.Command.Name, usage, c.NArg())
	}
	db, err := msi.Open(c.Args().First())
	if err != nil {
		return nil, msiExit(fmt.Errorf("%s: %w", c.Args().First(), err))
	}
	return db, nil
}

// ctime formats like C's ctime() (what msiinfo prints), without the newline.
func ctime(t time.Time) string { return t.Local().Format("Mon Jan _2 15:04:05 2006") }

func msiInfo(c *cli.Context) error {
	var si *msi.SummaryInfo
	var db *msi.Database
	if c.Bool("explain") {
		var err error
		if db, err = openMsiArg(c, 1, "DB"); err != nil {
			return err
		}
		defer db.Close()
		if si, err = db.Summary(); err != nil {
			return msiExit(err)
		}
	} else {
		// Only the summary stream is read: no string pool, no table.
		if c.NArg() != 1 {
			return exitcode.New(exitcode.InvalidCommandLine, "msi info: usage: DB, got %d arguments", c.NArg())
		}
		var err error
		if si, _, err = msi.ReadSummaryFile(c.Args().First()); err != nil {
			return msiExit(fmt.Errorf("%s: %w", c.Args().First(), err))
		}
	}
	w := bufio.NewWriter(c.App.Writer)
	defer w.Flush()
	// Same labels and order as msiinfo suminfo.
	labels := []struct {
		pid  msi.PropertyID
		name string
	}{
		{msi.PIDTitle, "Title"}, {msi.PIDSubject, "Subject"}, {msi.PIDAuthor, "Author"},
		{msi.PIDKeywords, "Keywords"}, {msi.PIDComments, "Comments"}, {msi.PIDTemplate, "Template"},
		{msi.PIDLastSavedBy, "Last author"}, {msi.PIDRevisionNumber, "Revision number (UUID)"},
		{msi.PIDEditTime, "Edittime"}, {msi.PIDLastPrinted, "Last printed"}, {msi.PIDCreated, "Created"},
		{msi.PIDLastSaved, "Last saved"}, {msi.PIDPageCount, "Version"}, {msi.PIDWordCount, "Source"},
		{msi.PIDCharCount, "Restrict"}, {17, "Thumbnail"}, {msi.PIDAppName, "Application"},
		{msi.PIDSecurity, "Security"},
	}
	for _, l := range labels {
		p, ok := si.Get(l.pid)
		if !ok {
			continue
		}
		switch p.Type {
		case msi.VTI2, msi.VTI4:
			fmt.Fprintf(w, "%s: %d (%x)\n", l.name, p.Int, uint32(p.Int))
		case msi.VTLPSTR:
			fmt.Fprintf(w, "%s: %s\n", l.name, p.Str)
		case msi.VTFiletime:
			fmt.Fprintf(w, "%s: %s\n", l.name, ctime(msi.FiletimeToTime(p.Time)))
		}
	}
	if c.Bool("explain") {
		explainSummary(w, db, si)
	}
	return nil
}

// explainSummary prints the installer's reading of the summary properties.
func explainSummary(w io.Writer, db *msi.Database, si *msi.SummaryInfo) {
	fmt.Fprintf(w, "Container: %s\n", db.Container())
	fmt.Fprintf(w, "String pool code page: %d\n", db.Codepage())
	switch db.Container() {
	case msi.Patch:
		fmt.Fprintf(w, "Patch code: %s\n", si.PatchCode())
		if o := si.ObsoletedPatches(); len(o) > 0 {
			fmt.Fprintf(w, "Obsoletes: %s\n", strings.Join(o, " "))
		}
		fmt.Fprintf(w, "Target products: %s\n", strings.Join(si.PatchTargets(), " "))
		fmt.Fprintf(w, "Transforms: %s\n", strings.Join(si.PatchTransforms(), " "))
	case msi.Transform:
		fmt.Fprintf(w, "Validation flags: %#04x, error suppression flags: %#04x\n", uint32(si.CharCount())>>16, si.CharCount()&0xFFFF)
	default:
		fmt.Fprintf(w, "Package code: %s\n", si.PackageCode())
		fmt.Fprintf(w, "Platform: %q, languages: %v\n", si.Platform(), si.Languages())
		fmt.Fprintf(w, "Minimum installer version: %d.%02d\n", si.PageCount()/100, si.PageCount()%100)
		fmt.Fprintf(w, "Short names: %v, compressed: %v, admin image: %v\n", si.ShortNames(), si.Compressed(), si.AdminImage())
	}
}

func msiTables(c *cli.Context) error {
	return msiListNames(c, func(db *msi.Database) []string {
		return append([]string{msi.SummaryTableName, msi.ForceCodepageTableName}, db.Tables()...)
	})
}

func msiExport(c *cli.Context) error {
	db, err := openMsiArg(c, 2, "DB TABLE")
	if err != nil {
		return err
	}
	defer db.Close()
	name := c.Args().Get(1)
	w := bufio.NewWriter(c.App.Writer)
	defer w.Flush()
	switch name {
	case msi.SummaryTableName:
		si, err := db.Summary()
		if err != nil {
			return msiExit(err)
		}
		return msi.WriteSummaryIDT(w, si)
	case msi.ForceCodepageTableName:
		return msi.WriteForceCodepageIDT(w, db.Codepage())
	}
	t, err := db.Table(name)
	if errors.Is(err, msi.ErrNotFound) {
		return exitcode.New(exitcode.InvalidCommandLine, "msi export: no table %q in %s", name, c.Args().First())
	}
	if err != nil {
		return msiExit(err)
	}
	return msi.WriteIDT(w, t)
}

func msiStreams(c *cli.Context) error {
	return msiListNames(c, (*msi.Database).Streams)
}

// msiListNames prints, one a line, the names list gives for the database
// named by the single argument.
func msiListNames(c *cli.Context, list func(*msi.Database) []string) error {
	db, err := openMsiArg(c, 1, "DB")
	if err != nil {
		return err
	}
	defer db.Close()
	w := bufio.NewWriter(c.App.Writer)
	defer w.Flush()
	for _, name := range list(db) {
		fmt.Fprintln(w, name)
	}
	return nil
}

func msiDump(c *cli.Context) error {
	db, err := openMsiArg(c, 1, "DB")
	if err != nil {
		return err
	}
	defer db.Close()
	dir := c.String("directory")
	if err := os.MkdirAll(dir, 0o755); err != nil {
		return exitcode.Wrap(exitcode.Fatal, err)
	}
	err = db.Export(dir, msi.ExportOptions{Streams: c.Bool("streams")})
	if err != nil {
		var pe *fs.PathError
		if errors.As(err, &pe) && strings.HasPrefix(pe.Path, dir) {
			return exitcode.Wrap(exitcode.Fatal, err)
		}
		return msiExit(err)
	}
	return nil
}

func msiBuild(c *cli.Context) error {
	idts := append(c.StringSlice("import"), c.Args().Slice()...)
	if len(idts) == 0 {
		return exitcode.New(exitcode.InvalidCommandLine, "msi build: no IDT files given (-i FILE.idt ...)")
	}
	db := msi.New(msi.Package)
	for _, p := range idts {
		if err := db.ImportIDT(p); err != nil {
			if errors.Is(err, fs.ErrNotExist) || errors.Is(err, fs.ErrPermission) {
				return exitcode.Wrap(exitcode.PackageOpenFailed, err)
			}
			return exitcode.Wrap(exitcode.PackageInvalid, fmt.Errorf("%s: %w", p, err))
		}
	}
	for _, a := range c.StringSlice("add") {
		name, file, ok := strings.Cut(a, "=")
		if !ok || name == "" || file == "" {
			return exitcode.New(exitcode.InvalidCommandLine, "msi build: --add wants NAME=FILE, got %q", a)
		}
		data, err := os.ReadFile(file)
		if err != nil {
			return exitcode.Wrap(exitcode.PackageOpenFailed, err)
		}
		if err := db.WriteStream(name, data); err != nil {
			return exitcode.Wrap(exitcode.InvalidCommandLine, err)
		}
	}
	out := c.String("output")
	if err := db.WriteFile(out); err != nil {
		return exitcode.Wrap(exitcode.Fatal, fmt.Errorf("%s: %w", filepath.Clean(out), err))
	}
	return nil
}
