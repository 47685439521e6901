package main

import (
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"os"
	"sort"
	"strings"

	"github.com/urfave/cli/v2"

	"github.com/ohotfix/ohotfix/exitcode"
	"github.com/ohotfix/ohotfix/msi"
	"github.com/ohotfix/ohotfix/msi/patch"
	"github.com/ohotfix/ohotfix/msi/transform"
)

// patchCommand is `ohotfix patch inspect|create`. Exit codes: a patch that
// cannot be opened 1635 (PatchOpenFailed), a malformed one 1636
// (PatchInvalid); for create, unreadable packages 1619, packages that
// cannot make a small update/minor upgrade 1620 (PackageInvalid), bad usage
// 1639, write failures 1603.
func patchCommand() *cli.Command {
	return &cli.Command{
		Name:  "patch",
		Usage: "inspect and create Windows Installer patches (.msp)",
		Subcommands: []*cli.Command{
			{
				Name:      "inspect",
				Usage:     "show a patch's summary, tables, transforms, media and cabinets",
				ArgsUsage: "P.msp",
				Flags: []cli.Flag{
					&cli.BoolFlag{Name: "json", Usage: "print JSON"},
					&cli.BoolFlag{Name: "files", Usage: "also list the files the patch delivers"},
					&cli.StringFlag{Name: "target", Usage: "decode the transforms against `DB.msi` (default: standard table schemas)"},
				},
				Action: patchInspect,
			},
			{
				Name:  "create",
				Usage: "create a patch (whole files, or binary deltas with --delta) from a target and an upgraded package",
				Flags: []cli.Flag{
					&cli.StringFlag{Name: "target", Required: true, Usage: "the released package `OLD.msi`"},
					&cli.StringFlag{Name: "upgraded", Required: true, Usage: "the upgraded package `NEW.msi` (same ProductCode)"},
					&cli.StringFlag{Name: "output", Aliases: []string{"o"}, Required: true, Usage: "write the patch to `P.msp` (replaced atomically)"},
					&cli.StringFlag{Name: "patch-code", Usage: "patch code `{GUID}` (default: a new one)"},
					&cli.StringFlag{Name: "classification", Value: "Update", Usage: "MsiPatchMetadata Classification: Update, Hotfix, \"Security Rollup\", \"Critical Update\", \"Service Pack\", ..."},
					&cli.StringFlag{Name: "display-name", Usage: "MsiPatchMetadata DisplayName (default: product name, version and \"patch\")"},
					&cli.StringFlag{Name: "description", Usage: "MsiPatchMetadata Description (default: the display name)"},
					&cli.StringFlag{Name: "sequence", Usage: "MsiPatchSequence `FAMILY:VERSION` (default: OHF<product code>:<new version>)"},
					&cli.StringSliceFlag{Name: "obsoletes", Usage: "patch `{GUID}` this patch obsoletes (repeatable)"},
					&cli.BoolFlag{Name: "delta", Usage: "deliver changed files as binary deltas (PA19, Patch table) where smaller than the file, whole files elsewhere"},
				},
				Action: patchCreate,
			},
		},
	}
}

func patchOpenExit(path string, err error) error {
	return exitcode.Patch.OpenError(path, err, patch.IsInvalid(err))
}

// inspection is what `patch inspect` reports (also its JSON form).
type inspection struct {
	Path         string            `json:"path"`
	PatchCode    string            `json:"patchCode"`
	Obsoletes    []string          `json:"obsoletes,omitempty"`
	Targets      []string          `json:"targets"`
	MinInstaller int               `json:"minInstaller"`
	Transforms   []string          `json:"transforms"`
	SourceList   []string          `json:"sourceList,omitempty"`
	Title        string            `json:"title,omitempty"`
	Subject      string            `json:"subject,omitempty"`
	Metadata     map[string]string `json:"metadata"`
	Sequences    []patch.Sequence  `json:"sequences"`
	Pairs        []pairInfo        `json:"pairs"`
	Media        []patch.Media     `json:"media"`
	Cabinets     []patch.Cabinet   `json:"cabinets"`
	Deltas       []patchDelta      `json:"deltas"`
	Files        []patch.File      `json:"files,omitempty"`
}

type pairInfo struct {
	Name           string        `json:"name"`
	Transform      transformInfo `json:"transform"`
	PatchTransform transformInfo `json:"patchTransform"`
}

type transformInfo struct {
	BaseProductCode string      `json:"baseProductCode"`
	BaseVersion     string      `json:"baseVersion"`
	NewProductCode  string      `json:"newProductCode"`
	NewVersion      string      `json:"newVersion"`
	UpgradeCode     string      `json:"upgradeCode"`
	BaseLanguage    string      `json:"baseLanguage"`
	BasePlatform    string      `json:"basePlatform"`
	Validate        string      `json:"validate"`
	Suppress        string      `json:"suppress"`
	CharCount       string      `json:"charCount"`
	Tables          []tableInfo `json:"tables"`
}

type tableInfo struct {
	Name     string `json:"name"`
	Inserted int    `json:"inserted"`
	Updated  int    `json:"updated"`
	Deleted  int    `json:"deleted"`
	Created  bool   `json:"created,omitempty"`
	Dropped  bool   `json:"dropped,omitempty"`
	Bytes    int    `json:"bytes"`
	Note     string `json:"note,omitempty"`
}

func describeTransform(t *transform.Transform, db *msi.Database) (transformInfo, error) {
	in := t.Info
	ti := transformInfo{BaseProductCode: in.BaseProductCode, BaseVersion: in.BaseVersion, NewProductCode: in.NewProductCode,
		NewVersion: in.NewVersion, UpgradeCode: in.UpgradeCode, BaseLanguage: in.BaseLanguage, BasePlatform: in.BasePlatform,
		Validate: in.Validate.String(), Suppress: in.Errors.String(), CharCount: fmt.Sprintf("%#08x", uint32(in.CharCount))}
	ch, err := t.Changes(db)
	if err != nil {
		return ti, err
	}
	for _, tc := range ch {
		x := tableInfo{Name: tc.Name, Created: tc.Created, Dropped: tc.Dropped, Bytes: len(t.Raw(tc.Name))}
		for _, r := range tc.Records {
			switch r.Op {
			case transform.OpInsert:
				x.Inserted++
			case transform.OpUpdate:
				x.Updated++
			case transform.OpDelete:
				x.Deleted++
			}
		}
		if tc.Err != nil {
			x.Note = "schema unknown without the target database"
		}
		ti.Tables = append(ti.Tables, x)
	}
	return ti, nil
}

func inspectPatch(path string, p *patch.Patch, db *msi.Database, withFiles bool) (*inspection, error) {
	in := &inspection{Path: path, PatchCode: p.PatchCode, Obsoletes: p.Obsoletes, Targets: p.Targets, MinInstaller: p.MinInstaller,
		Transforms: p.TransformNames, SourceList: p.SourceList, Title: p.Summary.Title(), Subject: p.Summary.Subject(),
		Metadata: p.Metadata, Sequences: p.Sequences}
	pairs, err := p.Pairs()
	if err != nil {
		return nil, err
	}
	for _, pr := range pairs {
		a, err := describeTransform(pr.Transform, db)
		if err != nil {
			return nil, fmt.Errorf("transform %s: %w", pr.Name, err)
		}
		b, err := describeTransform(pr.PatchTransform, db)
		if err != nil {
			return nil, fmt.Errorf("transform #%s: %w", pr.Name, err)
		}
		in.Pairs = append(in.Pairs, pairInfo{Name: pr.Name, Transform: a, PatchTransform: b})
	}
	if in.Media, err = p.Media(db); err != nil {
		return nil, err
	}
	if in.Cabinets, err = p.Cabinets(db); err != nil {
		return nil, err
	}
	if files, _, err := p.Deltas(nil); err == nil {
		for _, f := range files {
			d := patchDelta{Pair: f.Pair, File: f.File, Sequence: f.Sequence, PatchSize: f.PatchSize, NonVital: f.Attributes&patch.NonVital != 0}
			if f.HeaderErr != nil {
				d.HeaderError = f.HeaderErr.Error()
			} else if f.Header != nil {
				d.NewSize, d.OldFiles = f.Header.NewSize, len(f.Header.Old)
			}
			in.Deltas = append(in.Deltas, d)
		}
	}
	if withFiles {
		if in.Files, err = p.Files(db); err != nil {
			return nil, err
		}
	}
	return in, nil
}

// emptyListsNotNull makes the always-present JSON lists and maps encode as
// [] and {} rather than null, so consumers can iterate without a nil check.
func (in *inspection) emptyListsNotNull() {
	in.Targets = nonNil(in.Targets)
	in.Transforms = nonNil(in.Transforms)
	in.Sequences = nonNil(in.Sequences)
	in.Pairs = nonNil(in.Pairs)
	in.Media = nonNil(in.Media)
	in.Cabinets = nonNil(in.Cabinets)
	in.Deltas = nonNil(in.Deltas)
	if in.Metadata == nil {
		in.Metadata = map[string]string{}
	}
	for i := range in.Pairs {
		in.Pairs[i].Transform.Tables = nonNil(in.Pairs[i].Transform.Tables)
		in.Pairs[i].PatchTransform.Tables = nonNil(in.Pairs[i].PatchTransform.Tables)
	}
}

// nonNil returns s, or an empty slice when s is nil.
func nonNil[T any](s []T) []T {
	if s == nil {
		return []T{}
	}
	return s
}

func patchInspect(c *cli.Context) error {
	if c.NArg() != 1 {
		return exitcode.New(exitcode.InvalidCommandLine, "patch inspect: usage: P.msp [--json] [--files], got %d arguments", c.NArg())
	}
	path := c.Args().First()
	p, err := patch.Open(path)
	if err != nil {
		return patchOpenExit(path, err)
	}
	defer p.Close()
	var db *msi.Database
	if t := c.String("target"); t != "" {
		if db, err = msi.Open(t); err != nil {
			return msiExit(fmt.Errorf("%s: %w", t, err))
		}
		defer db.Close()
	}
	in, err := inspectPatch(path, p, db, c.Bool("files"))
	if err != nil {
		return exitcode.Wrap(exitcode.PatchInvalid, fmt.Errorf("%s: %w", path, err))
	}
	if c.Bool("json") {
		in.emptyListsNotNull()
		enc := json.NewEncoder(c.App.Writer)
		enc.SetIndent("", "  ")
		return enc.Encode(in)
	}
	printInspection(c.App.Writer, in)
	return nil
}

func printInspection(w io.Writer, in *inspection) {
	fmt.Fprintf(w, "Patch %s\n", in.Path)
	fmt.Fprintf(w, "  patch code      %s\n", in.PatchCode)
	for _, o := range in.Obsoletes {
		fmt.Fprintf(w, "  obsoletes       %s\n", o)
	}
	fmt.Fprintf(w, "  targets         %s\n", strings.Join(in.Targets, " "))
	fmt.Fprintf(w, "  min installer   %d (Word Count)\n", in.MinInstaller)
	fmt.Fprintf(w, "  transforms      %s\n", strings.Join(in.Transforms, " "))
	if len(in.SourceList) > 0 {
		fmt.Fprintf(w, "  source list     %s\n", strings.Join(in.SourceList, ";"))
	}
	if len(in.Metadata) > 0 {
		fmt.Fprintln(w, "MsiPatchMetadata")
		for _, k := range patchMetadataKeys(in.Metadata) {
			fmt.Fprintf(w, "  %-20s %s\n", k, in.Metadata[k])
		}
	}
	if len(in.Sequences) > 0 {
		fmt.Fprintln(w, "MsiPatchSequence")
		for _, s := range in.Sequences {
			fmt.Fprintf(w, "  family %s sequence %s product %s attributes %d\n", s.Family, s.Sequence, orDash(s.ProductCode), s.Attributes)
		}
	}
	for _, pr := range in.Pairs {
		for _, t := range []struct {
			name string
			ti   transformInfo
		}{{pr.Name, pr.Transform}, {"#" + pr.Name, pr.PatchTransform}} {
			ti := t.ti
			fmt.Fprintf(w, "Transform %s\n", t.name)
			fmt.Fprintf(w, "  base %s %s, new %s %s, upgrade code %s, language %s, platform %s\n", ti.BaseProductCode, ti.BaseVersion, ti.NewProductCode, ti.NewVersion, orDash(ti.UpgradeCode), orDash(ti.BaseLanguage), orDash(ti.BasePlatform))
			fmt.Fprintf(w, "  validate %s; suppress %s (CharCount %s)\n", ti.Validate, ti.Suppress, ti.CharCount)
			for _, tb := range ti.Tables {
				flag := ""
				if tb.Created {
					flag = " new table"
				}
				if tb.Dropped {
					flag = " dropped"
				}
				if tb.Note != "" {
					fmt.Fprintf(w, "    %-24s %d bytes of records (%s)%s\n", tb.Name, tb.Bytes, tb.Note, flag)
					continue
				}
				fmt.Fprintf(w, "    %-24s +%d ~%d -%d%s\n", tb.Name, tb.Inserted, tb.Updated, tb.Deleted, flag)
			}
		}
	}
	for _, m := range in.Media {
		fmt.Fprintf(w, "Media (%s) %s\n", m.Pair, m)
	}
	for _, cb := range in.Cabinets {
		fmt.Fprintf(w, "Cabinet %s: %d bytes, %d members, %s\n", cb.Name, cb.Size, cb.Members, cb.Compression)
	}
	for _, d := range in.Deltas {
		what := fmt.Sprintf("rebuilds %d bytes from %d old file(s)", d.NewSize, d.OldFiles)
		if d.HeaderError != "" {
			what = "header unreadable: " + d.HeaderError
		}
		fmt.Fprintf(w, "Delta %s (%s): %d bytes, sequence %d, %s\n", d.File, d.Pair, d.PatchSize, d.Sequence, what)
	}
	if in.Files != nil {
		fmt.Fprintln(w, "Files delivered")
		for _, f := range in.Files {
			if !f.Known {
				fmt.Fprintf(w, "  %-20s %8d bytes  (cabinet member without a File record)\n", f.Key, f.Size)
				continue
			}
			state := "updated"
			if f.Added {
				state = "added"
			}
			fmt.Fprintf(w, "  %-20s %8d bytes  %-24s component %-16s version %s (%s)\n", f.Key, f.Size, orDash(f.Name), orDash(f.Component), orDash(f.Version), state)
		}
	}
}

func orDash(s string) string {
	if s == "" {
		return "-"
	}
	return s
}

func patchMetadataKeys(m map[string]string) []string {
	ks := make([]string, 0, len(m))
	for k := range m {
		ks = append(ks, k)
	}
	sort.Strings(ks)
	return ks
}

func patchCreate(c *cli.Context) error {
	if c.NArg() != 0 {
		return exitcode.New(exitcode.InvalidCommandLine, "patch create: unexpected arguments %v (use --target, --upgraded, -o)", c.Args().Slice())
	}
	opt := patch.CreateOptions{PatchCode: strings.ToUpper(c.String("patch-code")), Classification: c.String("classification"),
		DisplayName: c.String("display-name"), Description: c.String("description"), Obsoletes: c.StringSlice("obsoletes"),
		Delta: c.Bool("delta")}
	if s := c.String("sequence"); s != "" {
		fam, ver, ok := strings.Cut(s, ":")
		if !ok || fam == "" || ver == "" {
			return exitcode.New(exitcode.InvalidCommandLine, "patch create: --sequence wants FAMILY:VERSION, got %q", s)
		}
		opt.Family, opt.Sequence = fam, ver
	}
	res, err := patch.Create(c.String("target"), c.String("upgraded"), c.String("output"), opt)
	if err != nil {
		var ref *patch.Refused
		switch {
		case errors.As(err, &ref):
			return exitcode.Wrap(exitcode.PackageInvalid, err)
		case msi.IsInvalid(err):
			return msiExit(err)
		case errors.Is(err, os.ErrNotExist), errors.Is(err, os.ErrPermission):
			return exitcode.Wrap(exitcode.PackageOpenFailed, err)
		}
		return exitcode.Wrap(exitcode.Fatal, err)
	}
	fmt.Fprintf(c.App.Writer, "%s: patch %s for %s %s -> %s\n", c.String("output"), res.PatchCode, res.TargetCode, res.FromVersion, res.ToVersion)
	fmt.Fprintf(c.App.Writer, "  media DiskId %d, sequences %d-%d, cabinet %s (%d bytes for %d bytes of files)\n", res.DiskID, res.FirstSeq, res.LastSeq, res.Cabinet, res.CabinetBytes, res.CabinetData)
	for _, k := range res.Delivered {
		state := "updated"
		for _, a := range res.Added {
			if a == k {
				state = "added"
			}
		}
		for _, d := range res.Deltas {
			if d == k {
				state += ", delta"
			}
		}
		fmt.Fprintf(c.App.Writer, "  %s (%s)\n", k, state)
	}
	return nil
}

// patchDelta is one binary delta (Patch table row) as inspect shows it.
type patchDelta struct {
	Pair        string `json:"pair"`
	File        string `json:"file"`
	Sequence    int    `json:"sequence"`
	PatchSize   int    `json:"patch_size"`
	NonVital    bool   `json:"non_vital,omitempty"`
	NewSize     int64  `json:"new_size,omitempty"`
	OldFiles    int    `json:"old_files,omitempty"`
	HeaderError string `json:"header_error,omitempty"`
}
