package main

import (
	"errors"
	"fmt"
	"io"
	"io/fs"
	"sort"

	"github.com/urfave/cli/v2"

	"github.com/ohotfix/ohotfix/exitcode"
	"github.com/ohotfix/ohotfix/msi"
	"github.com/ohotfix/ohotfix/msi/transform"
)

func init() { msiSubcommands = append(msiSubcommands, msiDiffCommand, msiApplyCommand) }

// msiDiffCommand is `ohotfix msi diff BASE.msi NEW.msi -o T.mst`. Exit codes:
// unreadable inputs 1619, invalid ones 1620, changes a transform cannot
// express 1624 (TransformFailed), bad usage 1639, write failures 1603.
func msiDiffCommand() *cli.Command {
	return &cli.Command{
		Name:      "diff",
		Usage:     "generate the transform (.mst) that turns BASE into NEW",
		ArgsUsage: "BASE.msi NEW.msi",
		Flags: []cli.Flag{
			&cli.StringFlag{Name: "output", Aliases: []string{"o"}, Required: true, Usage: "write the transform to `T.mst` (replaced atomically)"},
			&cli.StringFlag{Name: "validate", Value: "product,upgradecode,update,newequal",
				Usage: "validation `FLAGS`: comma list of language, product, platform, major, minor, update, newless, newlessequal, newequal, newgreaterequal, newgreater, upgradecode, none, or a number"},
			&cli.StringFlag{Name: "suppress", Value: "none",
				Usage: "error conditions to suppress: comma list of addexistingrow, delmissingrow, addexistingtable, delmissingtable, updatemissingrow, changecodepage, all, none, or a number"},
		},
		Action: msiDiff,
	}
}

// msiApplyCommand is `ohotfix msi apply BASE.msi T.mst -o OUT.msi`. A
// transform that does not validate against BASE, or meets an error
// condition it does not suppress, fails with 1624 (TransformFailed).
func msiApplyCommand() *cli.Command {
	return &cli.Command{
		Name:      "apply",
		Usage:     "apply a transform (.mst) to a database and write the result",
		ArgsUsage: "BASE.msi T.mst",
		Flags: []cli.Flag{
			&cli.StringFlag{Name: "output", Aliases: []string{"o"}, Required: true, Usage: "write the transformed database to `OUT.msi` (replaced atomically)"},
			&cli.StringFlag{Name: "suppress", Usage: "error conditions to suppress (default: the transform's own flags); see msi diff"},
			&cli.BoolFlag{Name: "no-validate", Usage: "apply even when the transform's validation checks fail"},
		},
		Action: msiApply,
	}
}

// transformExit maps transform errors: unreadable file 1624 too (Windows
// Installer reports a transform it cannot open as a transform failure).
func transformExit(path string, err error) error {
	var pe *fs.PathError
	if errors.As(err, &pe) || msi.IsInvalid(err) {
		return exitcode.Wrap(exitcode.TransformFailed, fmt.Errorf("transform %s: %w", path, err))
	}
	return exitcode.Wrap(exitcode.TransformFailed, err)
}

func msiDiff(c *cli.Context) error {
	if c.NArg() != 2 {
		return exitcode.New(exitcode.InvalidCommandLine, "msi diff: usage: BASE.msi NEW.msi -o T.mst, got %d arguments", c.NArg())
	}
	val, err := transform.ParseValidateFlags(c.String("validate"))
	if err != nil {
		return exitcode.New(exitcode.InvalidCommandLine, "msi diff: --validate: %v", err)
	}
	sup, err := transform.ParseErrorFlags(c.String("suppress"))
	if err != nil {
		return exitcode.New(exitcode.InvalidCommandLine, "msi diff: --suppress: %v", err)
	}
	base, err := msi.Open(c.Args().Get(0))
	if err != nil {
		return msiExit(fmt.Errorf("%s: %w", c.Args().Get(0), err))
	}
	defer base.Close()
	upd, err := msi.Open(c.Args().Get(1))
	if err != nil {
		return msiExit(fmt.Errorf("%s: %w", c.Args().Get(1), err))
	}
	defer upd.Close()
	t, err := transform.Diff(base, upd, transform.DiffOptions{Validate: val, Errors: sup})
	if err != nil {
		if msi.IsInvalid(err) {
			return msiExit(err)
		}
		return exitcode.Wrap(exitcode.TransformFailed, err)
	}
	if err := t.WriteFile(c.String("output")); err != nil {
		return exitcode.Wrap(exitcode.Fatal, err)
	}
	return printTransform(c.App.Writer, t, c.String("output"), base)
}

// printTransform summarises a transform: flags, then records per table,
// decoded against base (the database it was made from).
func printTransform(w io.Writer, t *transform.Transform, path string, base *msi.Database) error {
	fmt.Fprintf(w, "%s\n%s\n", path, t.Info)
	ch, err := t.Changes(base)
	if err != nil {
		return nil // records of non-standard tables cannot be summarised without the base
	}
	sort.Slice(ch, func(i, j int) bool { return ch[i].Name < ch[j].Name })
	for _, tc := range ch {
		n := map[transform.Op]int{}
		for _, r := range tc.Records {
			n[r.Op]++
		}
		extra := ""
		if tc.Created {
			extra = " (new table)"
		}
		if tc.Dropped {
			extra = " (dropped)"
		}
		if tc.Err != nil {
			fmt.Fprintf(w, "  %-24s %d bytes of records%s\n", tc.Name, len(t.Raw(tc.Name)), extra)
			continue
		}
		fmt.Fprintf(w, "  %-24s %d inserted, %d updated, %d deleted%s\n", tc.Name, n[transform.OpInsert], n[transform.OpUpdate], n[transform.OpDelete], extra)
	}
	return nil
}

func msiApply(c *cli.Context) error {
	if c.NArg() != 2 {
		return exitcode.New(exitcode.InvalidCommandLine, "msi apply: usage: BASE.msi T.mst -o OUT.msi, got %d arguments", c.NArg())
	}
	db, err := msi.Open(c.Args().Get(0))
	if err != nil {
		return msiExit(fmt.Errorf("%s: %w", c.Args().Get(0), err))
	}
	defer db.Close()
	t, err := transform.Open(c.Args().Get(1))
	if err != nil {
		return transformExit(c.Args().Get(1), err)
	}
	defer t.Close()
	sup := t.Info.Errors
	if c.IsSet("suppress") {
		if sup, err = transform.ParseErrorFlags(c.String("suppress")); err != nil {
			return exitcode.New(exitcode.InvalidCommandLine, "msi apply: --suppress: %v", err)
		}
	}
	if !c.Bool("no-validate") {
		if err := t.Validate(db); err != nil {
			return exitcode.Wrap(exitcode.TransformFailed, err)
		}
	}
	if err := t.Apply(db, sup); err != nil {
		return exitcode.Wrap(exitcode.TransformFailed, err)
	}
	if err := db.WriteFile(c.String("output")); err != nil {
		if msi.IsInvalid(err) {
			return exitcode.Wrap(exitcode.TransformFailed, err)
		}
		return exitcode.Wrap(exitcode.Fatal, err)
	}
	fmt.Fprintf(c.App.Writer, "applied %s to %s -> %s\n", c.Args().Get(1), c.Args().Get(0), c.String("output"))
	return nil
}
