package main

import (
	"errors"
	"fmt"
	"io"
	"io/fs"
	"os"
	"strings"

	"github.com/urfave/cli/v2"

	"github.com/ohotfix/ohotfix/delta"
	"github.com/ohotfix/ohotfix/exitcode"
	"github.com/ohotfix/ohotfix/internal/atomicfile"
	"github.com/ohotfix/ohotfix/internal/safeopen"
)

// deltaCommand is `ohotfix delta create|apply|info`: PA19 binary deltas,
// the format of Windows' mspatcha.dll. Exit codes: bad usage
// InvalidCommandLine (1639); an OLD or NEW file that cannot be read
// PackageOpenFailed (1619), a DELTA that cannot be read PatchOpenFailed
// (1635); a corrupt or header-only delta PatchInvalid (1636); an OLD file
// that is not the delta's PatchTargetNotFound (1642); a delta this program
// does not apply (i386 PE normalisation, interleaving) PatchUnsupported
// (1637); files too large for a delta, or a failure to write, Fatal (1603).
// The output is written through a temporary file: on failure nothing is
// left behind and an existing file keeps its contents.
func deltaCommand() *cli.Command {
	return &cli.Command{
		Name:  "delta",
		Usage: "create, apply and describe PA19 binary deltas (Windows mspatcha format)",
		Subcommands: []*cli.Command{
			{
				Name:      "create",
				Usage:     "make a delta that rebuilds NEW from OLD (OLD may be an empty file)",
				ArgsUsage: "OLD NEW",
				Flags: []cli.Flag{
					&cli.StringFlag{Name: "output", Aliases: []string{"o"}, Usage: "write the delta to `DELTA`", Required: true},
					&cli.BoolFlag{Name: "timestamp", Usage: "store NEW's modification time (the rebuilt file gets it)"},
				},
				Action: deltaCreate,
			},
			{
				Name:      "apply",
				Usage:     "rebuild the new file from OLD (an empty file for a delta made without one) and DELTA",
				ArgsUsage: "OLD DELTA",
				Flags: []cli.Flag{
					&cli.StringFlag{Name: "output", Aliases: []string{"o"}, Usage: "write the new file to `NEW`", Required: true},
				},
				Action: deltaApply,
			},
			{
				Name:      "info",
				Usage:     "show a delta's header: flags, sizes, CRCs, ranges, streams",
				ArgsUsage: "DELTA",
				Action:    deltaInfo,
			},
		},
	}
}

// deltaArgs checks the number of positional arguments.
func deltaArgs(c *cli.Context, want int, usage string) error {
	if c.NArg() != want {
		return exitcode.New(exitcode.InvalidCommandLine, "delta %s: want %s, got %d arguments", c.Command.Name, usage, c.NArg())
	}
	return nil
}

// openInput opens an OLD, NEW or DELTA file: a regular file only (a
// directory or a FIFO fails at once, without blocking), else code.
func openInput(path, what string, code exitcode.Code) (*os.File, int64, error) {
	f, size, err := safeopen.OpenSized(path)
	if err != nil {
		return nil, 0, exitcode.New(code, "delta: cannot read the %s file: %v", what, err)
	}
	return f, size, nil
}

// deltaExit maps a delta error to an exit code.
func deltaExit(err error) error {
	switch {
	case err == nil:
		return nil
	case errors.Is(err, delta.ErrWrongFile):
		return exitcode.Wrap(exitcode.PatchTargetNotFound, err)
	case errors.Is(err, delta.ErrUnsupported):
		return exitcode.Wrap(exitcode.PatchUnsupported, err)
	case errors.Is(err, delta.ErrCorrupt), errors.Is(err, delta.ErrHeaderOnly):
		return exitcode.Wrap(exitcode.PatchInvalid, err)
	case errors.Is(err, fs.ErrNotExist), errors.Is(err, fs.ErrPermission):
		return exitcode.Wrap(exitcode.PatchOpenFailed, err)
	}
	return exitcode.Wrap(exitcode.Fatal, err)
}

func deltaCreate(c *cli.Context) error {
	if err := deltaArgs(c, 2, "OLD NEW"); err != nil {
		return err
	}
	old, oldSize, err := openInput(c.Args().Get(0), "old", exitcode.PackageOpenFailed)
	if err != nil {
		return err
	}
	defer old.Close()
	nf, newSize, err := openInput(c.Args().Get(1), "new", exitcode.PackageOpenFailed)
	if err != nil {
		return err
	}
	defer nf.Close()
	opt := delta.CreateOptions{AllowLarger: true}
	if c.Bool("timestamp") {
		fi, err := nf.Stat()
		if err != nil {
			return exitcode.Wrap(exitcode.PackageOpenFailed, err)
		}
		opt.Timestamp = fi.ModTime()
	}
	d, err := delta.Create(old, oldSize, nf, newSize, opt)
	if err != nil {
		return exitcode.Wrap(exitcode.Fatal, err) // ErrTooLarge, or a read error
	}
	out := c.String("output")
	if err := atomicfile.WriteFile(out, d, atomicfile.Mode(out, 0o644)); err != nil {
		return exitcode.New(exitcode.Fatal, "delta create: writing %s: %v", out, err)
	}
	if int64(len(d)) >= newSize {
		fmt.Fprintf(c.App.ErrWriter, "warning: the delta (%d bytes) is not smaller than NEW (%d bytes)\n", len(d), newSize)
	}
	fmt.Fprintf(c.App.Writer, "%s: %d bytes (old %d, new %d bytes)\n", out, len(d), oldSize, newSize)
	return nil
}

// openDelta opens and checks a delta file; the caller closes the file.
func openDelta(path string) (*delta.Delta, *os.File, error) {
	f, size, err := openInput(path, "delta", exitcode.PatchOpenFailed)
	if err != nil {
		return nil, nil, err
	}
	d, err := delta.Open(f, size)
	if err != nil {
		f.Close()
		return nil, nil, deltaExit(fmt.Errorf("%s: %w", path, err))
	}
	return d, f, nil
}

func deltaApply(c *cli.Context) error {
	if err := deltaArgs(c, 2, "OLD DELTA"); err != nil {
		return err
	}
	old, oldSize, err := openInput(c.Args().Get(0), "old", exitcode.PackageOpenFailed)
	if err != nil {
		return err
	}
	defer old.Close()
	d, df, err := openDelta(c.Args().Get(1))
	if err != nil {
		return err
	}
	defer df.Close()
	r, err := d.Apply(old, oldSize, delta.ApplyOptions{})
	if err != nil {
		return deltaExit(err)
	}
	out := c.String("output")
	// Nothing reaches out unless the whole file was rebuilt and passed
	// its CRC (the reader reports a mismatch at the end).
	err = atomicfile.Write(out, atomicfile.Mode(out, 0o644), func(w io.Writer) error {
		_, err := io.Copy(w, r)
		return err
	})
	if err != nil {
		if errors.Is(err, delta.ErrCorrupt) || errors.Is(err, delta.ErrWrongFile) {
			return deltaExit(err)
		}
		return exitcode.New(exitcode.Fatal, "delta apply: writing %s: %v", out, err)
	}
	if !d.Timestamp.IsZero() {
		// As Windows does, the rebuilt file takes the delta's time.
		if err := os.Chtimes(out, d.Timestamp, d.Timestamp); err != nil {
			return exitcode.New(exitcode.Fatal, "delta apply: setting the time of %s: %v", out, err)
		}
	}
	fmt.Fprintf(c.App.Writer, "%s: %d bytes\n", out, d.NewSize)
	return nil
}

func deltaInfo(c *cli.Context) error {
	if err := deltaArgs(c, 1, "DELTA"); err != nil {
		return err
	}
	path := c.Args().First()
	f, size, err := openInput(path, "delta", exitcode.PatchOpenFailed)
	if err != nil {
		return err
	}
	defer f.Close()
	h, herr := delta.ReadHeader(io.NewSectionReader(f, 0, size))
	if herr != nil && !errors.Is(herr, delta.ErrUnsupported) {
		return deltaExit(fmt.Errorf("%s: %w", path, herr))
	}
	var b strings.Builder
	fmt.Fprintf(&b, "file:       %s (%d bytes)\n", path, size)
	fmt.Fprintf(&b, "flags:      0x%08X %s\n", h.Flags, delta.FlagNames(h.Flags))
	if h.Flags&delta.FlagExtraFlags != 0 {
		fmt.Fprintf(&b, "flags 2:    0x%08X\n", h.ExtraFlags)
	}
	if !h.Timestamp.IsZero() {
		fmt.Fprintf(&b, "timestamp:  %s\n", h.Timestamp.Format("2006-01-02 15:04:05 UTC"))
	}
	if h.Flags&delta.FlagNoRebase == 0 {
		fmt.Fprintf(&b, "rebase:     0x%X\n", h.Rebase)
	}
	fmt.Fprintf(&b, "new file:   %d bytes, CRC-32 0x%08X\n", h.NewSize, h.NewCRC)
	fmt.Fprintf(&b, "header:     %d bytes\n", h.Size)
	for i, o := range h.Old {
		fmt.Fprintf(&b, "old file %d: %d bytes, CRC-32 0x%08X, stream %d bytes at %d\n", i+1, o.Size, o.CRC, o.StreamSize, o.StreamOffset)
		for _, r := range o.Ignore {
			fmt.Fprintf(&b, "  ignore    old %d+%d\n", r.Offset, r.Length)
		}
		for _, r := range o.Retain {
			fmt.Fprintf(&b, "  retain    old %d+%d -> new %d\n", r.OldOffset, r.Length, r.NewOffset)
		}
		if o.Normalizations != 0 {
			fmt.Fprintf(&b, "  i386 PE normalisation entries: %d (not supported)\n", o.Normalizations)
		}
	}
	if herr == nil {
		if _, err := delta.Open(f, size); err != nil {
			fmt.Fprintf(&b, "check:      %v\n", err)
			io.WriteString(c.App.Writer, b.String())
			return deltaExit(err)
		}
		if end := h.Old[len(h.Old)-1].StreamOffset + h.Old[len(h.Old)-1].StreamSize; end > size {
			fmt.Fprintf(&b, "check:      header only (the streams are not in the file)\n")
		} else {
			fmt.Fprintf(&b, "check:      CRC-32 of the delta OK\n")
		}
	}
	io.WriteString(c.App.Writer, b.String())
	if herr != nil {
		return deltaExit(herr)
	}
	return nil
}
