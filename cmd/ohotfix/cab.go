package main

import (
	"bufio"
	"crypto/md5"
	"errors"
	"fmt"
	"io"
	"io/fs"
	"math"
	"os"
	"path"
	"path/filepath"
	"strconv"
	"strings"
	"sync"

	"github.com/schollz/progressbar/v3"
	"github.com/urfave/cli/v2"
	"golang.org/x/term"

	"github.com/ohotfix/ohotfix/cab"
	"github.com/ohotfix/ohotfix/exitcode"
	"github.com/ohotfix/ohotfix/internal/atomicfile"
	"github.com/ohotfix/ohotfix/internal/safeopen"
)

// cabCommand is `ohotfix cab list|extract|test|create`. Exit codes: a
// missing or unreadable input is PackageOpenFailed (1619), a corrupt or
// incomplete cabinet PackageInvalid (1620), bad usage InvalidCommandLine
// (1639), a failure to write output Fatal (1603).
func cabCommand() *cli.Command {
	return &cli.Command{
		Name:  "cab",
		Usage: "list, extract, test and create Microsoft Cabinet (.cab) files",
		Subcommands: []*cli.Command{
			{
				Name:      "list",
				Usage:     "list the members (follows a spanned set from its first cabinet)",
				ArgsUsage: "FILE.cab",
				Action:    cabList,
			},
			{
				Name:      "extract",
				Usage:     "extract members to a directory (-d) or to standard output (-p)",
				ArgsUsage: "FILE.cab",
				Flags: []cli.Flag{
					&cli.StringFlag{Name: "dir", Aliases: []string{"d"}, Value: ".", Usage: "extract into `DIR`"},
					&cli.StringSliceFlag{Name: "filter", Aliases: []string{"F"}, Usage: "only members matching `GLOB` (whole name, case-insensitive, * and ? also match /, as cabextract -F; repeatable)"},
					&cli.BoolFlag{Name: "pipe", Aliases: []string{"p"}, Usage: "write the contents to standard output"},
					&cli.BoolFlag{Name: "quiet", Aliases: []string{"q"}, Usage: "do not list extracted files"},
				},
				Action: cabExtract,
			},
			{
				Name:      "test",
				Usage:     "decompress and verify every member; non-zero exit on any problem",
				ArgsUsage: "FILE.cab",
				Action:    cabTest,
			},
			{
				Name:      "create",
				Usage:     "create a cabinet from files and directories",
				ArgsUsage: "FILES...",
				Flags: []cli.Flag{
					&cli.StringFlag{Name: "output", Aliases: []string{"o"}, Usage: "write the cabinet to `OUT.cab`", Required: true},
					&cli.StringFlag{Name: "compress", Value: "mszip", Usage: "`METHOD`: none or mszip"},
					&cli.StringFlag{Name: "folder-size", Usage: "start a new folder every `N` bytes (suffixes K, M, G)"},
					&cli.BoolFlag{Name: "folder-per-file", Usage: "one folder per file"},
					&cli.IntFlag{Name: "level", Value: 6, Usage: "MSZIP deflate `LEVEL` 1..9"},
					&cli.StringFlag{Name: "directory", Aliases: []string{"C"}, Usage: "read FILES relative to `DIR` and store names relative to it"},
				},
				Action: cabCreate,
			},
		},
	}
}

// openCabArg opens the one FILE.cab argument, following its set; the
// returned function releases it.
func openCabArg(c *cli.Context) (*cab.Reader, func(), error) {
	if c.NArg() != 1 {
		return nil, nil, exitcode.New(exitcode.InvalidCommandLine, "cab %s: want exactly one FILE.cab, got %d arguments", c.Command.Name, c.NArg())
	}
	path := c.Args().First()
	r, err := cab.OpenSet(path)
	if err == nil {
		return r, func() { r.Close() }, nil
	}
	if errors.Is(err, cab.ErrFormat) {
		// Not a cabinet at offset 0: look for one inside (a
		// self-extracting executable, a disk image), as cabextract does.
		if er, f, eerr := openEmbedded(path); eerr == nil {
			return er, func() { f.Close() }, nil
		}
	}
	return nil, nil, cabExit(err)
}

// openEmbedded opens the first cabinet found inside the file at path.
func openEmbedded(path string) (*cab.Reader, *os.File, error) {
	f, err := os.Open(path)
	if err != nil {
		return nil, nil, err
	}
	fi, err := f.Stat()
	if err == nil {
		var off int64
		if off, err = cab.Find(f, fi.Size()); err == nil {
			var r *cab.Reader
			if r, err = cab.NewReaderAt(f, off, fi.Size()); err == nil {
				r.Cabinets[0].Name = fmt.Sprintf("%s@%d", path, off)
				return r, f, nil
			}
		}
	}
	f.Close()
	return nil, nil, err
}

// cabExit maps a cab error to an exit code.
func cabExit(err error) error {
	switch {
	case err == nil:
		return nil
	case errors.Is(err, cab.ErrFormat):
		return exitcode.Wrap(exitcode.PackageInvalid, err)
	case errors.Is(err, fs.ErrNotExist), errors.Is(err, fs.ErrPermission), errors.Is(err, safeopen.ErrNotRegular):
		return exitcode.Wrap(exitcode.PackageOpenFailed, err)
	}
	return exitcode.Wrap(exitcode.Fatal, err)
}

func cabList(c *cli.Context) error {
	r, release, err := openCabArg(c)
	if err != nil {
		return err
	}
	defer release()
	w := bufio.NewWriter(c.App.Writer)
	defer w.Flush()
	for _, cb := range r.Cabinets {
		fmt.Fprintf(w, "Cabinet: %s (set %d, index %d, %d bytes)\n", cb.Name, cb.SetID, cb.Index, cb.Size)
	}
	if h := r.Cabinets[0]; h.HasPrev() {
		fmt.Fprintf(w, "Warning: the set starts before %s (previous: %s); its first files are incomplete\n", h.Name, h.PrevCabinet)
	}
	if h := r.Cabinets[len(r.Cabinets)-1]; h.HasNext() {
		fmt.Fprintf(w, "Warning: the set continues in %s, which was not found\n", h.NextCabinet)
	}
	fmt.Fprintln(w, " File size | Date       Time     | Attrs  | Folder | Compression  | Name")
	fmt.Fprintln(w, "-----------+---------------------+--------+--------+--------------+-------------")
	for _, f := range r.Files {
		folder, comp := "?", "?"
		if f.Folder != nil {
			folder = strconv.Itoa(f.Folder.Index)
			comp = f.Folder.Compression().String()
		}
		fmt.Fprintf(w, "%10d | %s | %s | %6s | %-12s | %s\n", f.Size, f.Modified.Format("02.01.2006 15:04:05"),
			attrString(f.Attributes), folder, comp, displayName(f.Name))
	}
	fmt.Fprintf(w, "%d files in %d folders\n", len(r.Files), len(r.Folders))
	return nil
}

// attrString renders attributes as fixed letters: r h s a x u.
func attrString(a uint16) string {
	b := []byte("------")
	for i, bit := range []uint16{cab.AttrReadOnly, cab.AttrHidden, cab.AttrSystem, cab.AttrArchive, cab.AttrExec, cab.AttrNameIsUTF} {
		if a&bit != 0 {
			b[i] = "rhsaxu"[i]
		}
	}
	return string(b)
}

// cabFilter builds the --filter predicate. Like cabextract -F (fnmatch
// with case folding and without FNM_PATHNAME), a glob matches the whole
// name with `/` separators, ignoring case, and `*` and `?` also match `/`:
// `*.txt` selects sub/a.txt. `[!...]` is accepted for `[^...]`.
func cabFilter(c *cli.Context) (func(*cab.File) bool, error) {
	globs := c.StringSlice("filter")
	if len(globs) == 0 {
		return nil, nil
	}
	for i, g := range globs {
		globs[i] = fnmatchGlob(g)
		if _, err := path.Match(globs[i], ""); err != nil {
			return nil, exitcode.New(exitcode.InvalidCommandLine, "bad --filter %q: %v", g, err)
		}
	}
	return func(f *cab.File) bool {
		name := filterName(f.Name)
		for _, g := range globs {
			if ok, _ := path.Match(g, name); ok {
				return true
			}
		}
		return false
	}, nil
}

// slashStandIn replaces `/` in both glob and name before path.Match, whose
// `*` and `?` stop at `/`; a cabinet name never holds a NUL.
const slashStandIn = "\x00"

// filterName is a member name as --filter sees it.
func filterName(name string) string {
	return strings.ReplaceAll(strings.ToLower(strings.ReplaceAll(name, `\`, "/")), "/", slashStandIn)
}

// fnmatchGlob turns a cabextract-style glob into a path.Match pattern over
// filterName's form. `\` is a separator in cabinet names, not an escape.
func fnmatchGlob(g string) string {
	b := []byte(strings.ToLower(strings.ReplaceAll(g, `\`, "/")))
	inClass := false
	for i := 0; i < len(b); i++ {
		switch {
		case !inClass && b[i] == '[':
			inClass = true
			if i+1 < len(b) && b[i+1] == '!' {
				b[i+1] = '^'
			}
		case inClass && b[i] == ']':
			inClass = false
		}
	}
	return strings.ReplaceAll(string(b), "/", slashStandIn)
}

// displayName is a member name for the terminal: `/` separators, and
// control bytes (< 0x20, 0x7f) shown as \xNN so a hostile name cannot
// drive the terminal. Extraction uses the real name (cab.SafePath).
func displayName(name string) string {
	name = strings.ReplaceAll(name, `\`, "/")
	if !strings.ContainsFunc(name, isControl) {
		return name
	}
	var b strings.Builder
	for i := 0; i < len(name); i++ {
		if c := name[i]; isControl(rune(c)) {
			fmt.Fprintf(&b, `\x%02x`, c)
		} else {
			b.WriteByte(c)
		}
	}
	return b.String()
}

func isControl(r rune) bool { return r < 0x20 || r == 0x7f }

func cabExtract(c *cli.Context) error {
	filter, err := cabFilter(c)
	if err != nil {
		return err
	}
	r, release, err := openCabArg(c)
	if err != nil {
		return err
	}
	defer release()
	if c.Bool("pipe") {
		return cabPipe(c, r, filter)
	}
	opts := &cab.ExtractOptions{Filter: filter}
	var total int64
	for _, f := range selectFiles(r, filter) {
		total += f.Size
	}
	if bar := newProgressBar(c, total); bar != nil {
		opts.Progress = func(n int64) { bar.Add64(n) }
		defer bar.Finish()
	}
	written, err := cab.ExtractAll(r, c.String("dir"), opts)
	if !c.Bool("quiet") {
		w := bufio.NewWriter(c.App.Writer)
		for _, p := range written {
			fmt.Fprintf(w, "  extracted %s\n", displayName(p))
		}
		w.Flush()
	}
	if err != nil {
		if errors.Is(err, cab.ErrFormat) {
			return exitcode.Wrap(exitcode.PackageInvalid, err)
		}
		return exitcode.Wrap(exitcode.Fatal, err)
	}
	return nil
}

// newProgressBar returns a byte progress bar on a terminal for extractions
// big enough to be worth one, else nil.
func newProgressBar(c *cli.Context, total int64) *progressbar.ProgressBar {
	f, ok := c.App.ErrWriter.(*os.File)
	if !ok || total < 64<<20 || !term.IsTerminal(int(f.Fd())) {
		return nil
	}
	return progressbar.NewOptions64(total,
		progressbar.OptionSetWriter(f),
		progressbar.OptionShowBytes(true),
		progressbar.OptionSetDescription("extracting"),
		progressbar.OptionThrottle(100e6),
		progressbar.OptionClearOnFinish())
}

// cabPipe writes the selected members to stdout in listing order, as
// cabextract -p does. When that order walks some folder backwards, each
// folder is decoded once, in offset order, into a temporary spool file
// which is then played back in listing order: linear time, bounded memory.
func cabPipe(c *cli.Context, r *cab.Reader, filter func(*cab.File) bool) error {
	files := selectFiles(r, filter)
	if forwardInEachFolder(files) {
		for _, f := range files {
			if err := pipeMember(c.App.Writer, f); err != nil {
				return err
			}
		}
		return nil
	}
	return pipeSpooled(c.App.Writer, files)
}

// selectFiles returns the members filter accepts (all when it is nil), in
// listing order.
func selectFiles(r *cab.Reader, filter func(*cab.File) bool) []*cab.File {
	if filter == nil {
		return r.Files
	}
	var files []*cab.File
	for _, f := range r.Files {
		if filter(f) {
			files = append(files, f)
		}
	}
	return files
}

// forwardInEachFolder reports whether, per folder, files never go back to
// a lower offset, so each folder's decoder only ever moves forward.
func forwardInEachFolder(files []*cab.File) bool {
	last := map[*cab.Folder]int64{}
	for _, f := range files {
		if f.Folder == nil {
			continue
		}
		if end, ok := last[f.Folder]; ok && f.Offset < end {
			return false
		}
		last[f.Folder] = f.Offset + f.Size
	}
	return true
}

// pipeMember copies one member to out.
func pipeMember(out io.Writer, f *cab.File) error {
	rc, err := f.Open()
	if err != nil {
		return exitcode.Wrap(exitcode.PackageInvalid, fmt.Errorf("%s: %w", displayName(f.Name), err))
	}
	_, err = io.Copy(out, rc)
	rc.Close()
	if err != nil {
		if errors.Is(err, cab.ErrFormat) {
			return exitcode.Wrap(exitcode.PackageInvalid, fmt.Errorf("%s: %w", displayName(f.Name), err))
		}
		return exitcode.Wrap(exitcode.Fatal, err)
	}
	return nil
}

// pipeSpooled decodes files folder by folder into an unlinked-on-return
// temporary file, then copies each member out of it in listing order.
func pipeSpooled(out io.Writer, files []*cab.File) error {
	spool, err := os.CreateTemp("", "ohotfix-cab-pipe-*")
	if err != nil {
		return exitcode.Wrap(exitcode.Fatal, err)
	}
	defer os.Remove(spool.Name())
	defer spool.Close()
	type span struct{ off, n int64 }
	at := make(map[*cab.File]span, len(files))
	var (
		end      int64
		spoolErr error
	)
	// One worker: fn runs serially, so end and at need no lock.
	err = cab.Each(files, 1, true, func(f *cab.File, rd io.Reader) error {
		n, err := io.Copy(io.NewOffsetWriter(spool, end), rd)
		if err != nil {
			if !errors.Is(err, cab.ErrFormat) {
				spoolErr = err
			}
			return err
		}
		at[f] = span{end, n}
		end += n
		return nil
	})
	switch {
	case spoolErr != nil:
		return exitcode.Wrap(exitcode.Fatal, spoolErr)
	case err != nil:
		return exitcode.Wrap(exitcode.PackageInvalid, err)
	}
	for _, f := range files {
		sp := at[f]
		if _, err := io.Copy(out, io.NewSectionReader(spool, sp.off, sp.n)); err != nil {
			return exitcode.Wrap(exitcode.Fatal, err)
		}
	}
	return nil
}

func cabTest(c *cli.Context) error {
	r, release, err := openCabArg(c)
	if err != nil {
		return err
	}
	defer release()
	sums := make(map[*cab.File]string, len(r.Files))
	var mu sync.Mutex
	err = cab.Each(r.Files, 0, false, func(f *cab.File, rd io.Reader) error {
		h := md5.New()
		n, err := io.Copy(h, rd)
		if err == nil && n != f.Size {
			err = fmt.Errorf("%d of %d bytes: %w", n, f.Size, cab.ErrTruncated)
		}
		if err == nil {
			mu.Lock()
			sums[f] = fmt.Sprintf("%x", h.Sum(nil))
			mu.Unlock()
		}
		return err
	})
	w := bufio.NewWriter(c.App.Writer)
	bad := 0
	for _, f := range r.Files {
		if s, ok := sums[f]; ok {
			fmt.Fprintf(w, "  %-40s OK  %s\n", displayName(f.Name), s)
		} else {
			fmt.Fprintf(w, "  %-40s FAILED\n", displayName(f.Name))
			bad++
		}
	}
	w.Flush()
	if err != nil {
		return exitcode.Wrap(exitcode.PackageInvalid, fmt.Errorf("%d of %d files failed: %w", bad, len(r.Files), err))
	}
	fmt.Fprintf(c.App.Writer, "All %d files OK\n", len(r.Files))
	return nil
}

// parseSize reads "1048576", "512K", "10M", "1G"; a value beyond int64
// is an error, not a wrapped-around size.
func parseSize(in string) (int64, error) {
	if in == "" {
		return 0, errors.New("empty size")
	}
	s, mult := in, int64(1)
	switch strings.ToUpper(s[len(s)-1:]) {
	case "K":
		mult = 1 << 10
	case "M":
		mult = 1 << 20
	case "G":
		mult = 1 << 30
	}
	if mult > 1 {
		s = s[:len(s)-1]
	}
	n, err := strconv.ParseInt(s, 10, 64)
	if err != nil || n <= 0 {
		return 0, fmt.Errorf("bad size %q", in)
	}
	if n > math.MaxInt64/mult {
		return 0, fmt.Errorf("size %q is too large", in)
	}
	return n * mult, nil
}

// createInput is one file to store.
type createInput struct {
	path string // on disk
	name string // stored, with `/`
	info fs.FileInfo
}

func cabCreate(c *cli.Context) error {
	if c.NArg() == 0 {
		return exitcode.New(exitcode.InvalidCommandLine, "cab create: no FILES given")
	}
	var method cab.Method
	switch strings.ToLower(c.String("compress")) {
	case "none":
		method = cab.MethodNone
	case "mszip":
		method = cab.MethodMSZIP
	default:
		return exitcode.New(exitcode.InvalidCommandLine, "--compress %q: want none or mszip", c.String("compress"))
	}
	var folderSize int64
	if s := c.String("folder-size"); s != "" {
		n, err := parseSize(s)
		if err != nil {
			return exitcode.New(exitcode.InvalidCommandLine, "--folder-size: %v", err)
		}
		folderSize = n
	}
	if lv := c.Int("level"); lv < 1 || lv > 9 {
		return exitcode.New(exitcode.InvalidCommandLine, "--level %d: want 1..9", lv)
	}
	base := c.String("directory")
	var inputs []createInput
	for _, arg := range c.Args().Slice() {
		if err := collectInputs(base, arg, &inputs); err != nil {
			return exitcode.Wrap(exitcode.PackageOpenFailed, err)
		}
	}
	if len(inputs) == 0 {
		return exitcode.New(exitcode.InvalidCommandLine, "cab create: no regular files in %v", c.Args().Slice())
	}
	if err := refuseDuplicateNames(inputs); err != nil {
		return err
	}
	out := c.String("output")
	err := atomicfile.Write(out, 0o644, func(f io.Writer) error {
		bw := bufio.NewWriterSize(f, 1<<20)
		w := cab.NewWriter(bw)
		w.Method = method
		w.Level = c.Int("level")
		w.FolderSize = folderSize
		w.FolderPerFile = c.Bool("folder-per-file")
		w.TempDir = filepath.Dir(out)
		for _, in := range inputs {
			if err := addFile(w, in); err != nil {
				w.Close()
				if errors.Is(err, cab.ErrFormat) || errors.Is(err, cab.ErrUnsafeName) {
					return exitcode.Wrap(exitcode.InvalidCommandLine, err)
				}
				return err
			}
		}
		if err := w.Close(); err != nil {
			return err
		}
		return bw.Flush()
	})
	var coded *exitcode.Error
	if errors.As(err, &coded) {
		return err
	}
	return exitcode.Wrap(exitcode.Fatal, err)
}

// refuseDuplicateNames fails with 1639 when two inputs would be stored
// under names equal but for case: Windows extracts them onto each other.
func refuseDuplicateNames(inputs []createInput) error {
	seen := make(map[string]string, len(inputs))
	for _, in := range inputs {
		key := strings.ToLower(in.name)
		if first, ok := seen[key]; ok {
			return exitcode.New(exitcode.InvalidCommandLine, "cab create: duplicate member name %q (from %s and %s)", displayName(in.name), first, in.path)
		}
		seen[key] = in.path
	}
	return nil
}

func addFile(w *cab.Writer, in createInput) error {
	f, err := os.Open(in.path)
	if err != nil {
		return err
	}
	defer f.Close()
	attrs := uint16(cab.AttrArchive)
	if in.info.Mode().Perm()&0o222 == 0 {
		attrs |= cab.AttrReadOnly
	}
	dst, err := w.Create(&cab.FileHeader{Name: in.name, Modified: in.info.ModTime(), Attributes: attrs})
	if err != nil {
		return err
	}
	if _, err := io.Copy(dst, f); err != nil {
		return fmt.Errorf("%s: %w", in.path, err)
	}
	return nil
}

// collectInputs adds arg (a file or a directory, walked in name order)
// relative to base.
func collectInputs(base, arg string, out *[]createInput) error {
	root := arg
	if base != "" && !filepath.IsAbs(arg) {
		root = filepath.Join(base, arg)
	}
	return filepath.WalkDir(root, func(p string, d fs.DirEntry, err error) error {
		if err != nil {
			return err
		}
		if !d.Type().IsRegular() {
			return nil // directories are walked; links and devices skipped
		}
		info, err := d.Info()
		if err != nil {
			return err
		}
		name := p
		if base != "" {
			if rel, err := filepath.Rel(base, p); err == nil {
				name = rel
			}
		}
		*out = append(*out, createInput{path: p, name: storedName(name), info: info})
		return nil
	})
}

// storedName makes a relative name: no volume, no leading separators, no
// "." or ".." parts.
func storedName(p string) string {
	p = filepath.ToSlash(strings.TrimPrefix(p, filepath.VolumeName(p)))
	var parts []string
	for _, s := range strings.Split(p, "/") {
		if s != "" && s != "." && s != ".." {
			parts = append(parts, s)
		}
	}
	return strings.Join(parts, "/")
}
