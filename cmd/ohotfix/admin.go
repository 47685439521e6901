package main

import (
	"fmt"
	"os"
	"path/filepath"
	"sort"
	"strings"
	"time"

	"github.com/urfave/cli/v2"
	"go.uber.org/zap"
	"go.uber.org/zap/zapcore"

	"github.com/ohotfix/ohotfix/exitcode"
	"github.com/ohotfix/ohotfix/installer/admin"
	"github.com/ohotfix/ohotfix/installer/lock"
)

// adminCommand is `ohotfix admin create|patch|info|recover`: administrative
// images (msiexec /a, and /a with /p) made and patched natively.
func adminCommand() *cli.Command {
	return &cli.Command{
		Name:  "admin",
		Usage: "create and patch administrative images (msiexec /a, msiexec /a IMAGE.msi /p PATCH.msp)",
		Subcommands: []*cli.Command{
			{
				Name:      "create",
				Usage:     "make an administrative image of PRODUCT.msi in DIR (what msiexec /a does)",
				ArgsUsage: "PRODUCT.msi",
				Flags: []cli.Flag{
					&cli.StringFlag{Name: "directory", Aliases: []string{"d"}, Required: true, Usage: "write the image into `DIR`"},
					&cli.BoolFlag{Name: "short-names", Usage: "use the short halves of short|long names (SHORTFILENAMES=TRUE)"},
					&cli.BoolFlag{Name: "verbose", Aliases: []string{"v"}, Usage: "log every file to standard error"},
				},
				Action: adminCreate,
			},
			{
				Name:      "patch",
				Usage:     "apply P.msp to the administrative image IMAGE.msi (what msiexec /a IMAGE.msi /p P.msp does)",
				ArgsUsage: "IMAGE.msi P.msp",
				Flags: []cli.Flag{
					&cli.BoolFlag{Name: "short-names", Usage: "place files by short names (SHORTFILENAMES=TRUE)"},
					&cli.BoolFlag{Name: "long-names", Usage: "place files by long names"},
					&cli.DurationFlag{Name: "wait", Value: lock.DefaultTimeout, Usage: "wait up to `DURATION` for another run on the same image (0s: do not wait)"},
					&cli.BoolFlag{Name: "verbose", Aliases: []string{"v"}, Usage: "log every file to standard error"},
				},
				Action: adminPatch,
			},
			{
				Name:      "info",
				Usage:     "print what an image database says: product, Word Count, features, applied patches",
				ArgsUsage: "IMAGE.msi",
				Action:    adminInfo,
			},
			{
				Name:      "recover",
				Usage:     "finish or undo an update that an interrupted run left in the image folder",
				ArgsUsage: "DIR|IMAGE.msi",
				Action:    adminRecover,
			},
		},
	}
}

// adminLogger logs to the error stream: warnings and errors; with -v every
// line down to Debug (each file).
func adminLogger(c *cli.Context) *zap.Logger {
	level := zapcore.WarnLevel
	if c.Bool("verbose") {
		level = zapcore.DebugLevel
	}
	enc := zap.NewDevelopmentEncoderConfig()
	enc.TimeKey = ""
	core := zapcore.NewCore(zapcore.NewConsoleEncoder(enc), zapcore.AddSync(c.App.ErrWriter), level)
	return zap.New(core)
}

func adminArgs(c *cli.Context, n int, usage string) ([]string, error) {
	if c.NArg() != n {
		return nil, exitcode.New(exitcode.InvalidCommandLine, "usage: ohotfix admin %s %s", c.Command.Name, usage)
	}
	return c.Args().Slice(), nil
}

func adminCreate(c *cli.Context) error {
	args, err := adminArgs(c, 1, "PRODUCT.msi -d DIR [--short-names]")
	if err != nil {
		return err
	}
	dir := c.String("directory")
	log := adminLogger(c)
	if err := admin.RecoverLog(dir, log); err != nil {
		return err
	}
	start := time.Now()
	res, err := admin.Create(c.Context, args[0], dir, admin.CreateOptions{ShortNames: c.Bool("short-names"), Logger: log})
	if err != nil {
		return err
	}
	fmt.Fprintf(c.App.Writer, "administrative image %s: %d files, %d bytes (%d files of Level-0 features not copied) in %s\n",
		res.Database, res.Files, res.Bytes, res.Skipped, time.Since(start).Round(time.Millisecond))
	return nil
}

func adminPatch(c *cli.Context) error {
	args, err := adminArgs(c, 2, "IMAGE.msi P.msp [--short-names|--long-names]")
	if err != nil {
		return err
	}
	opts := admin.ApplyOptions{Logger: adminLogger(c), LockWait: c.Duration("wait")}
	if opts.LockWait == 0 {
		opts.LockWait = lock.NoWait
	}
	switch {
	case c.Bool("short-names") && c.Bool("long-names"):
		return exitcode.New(exitcode.InvalidCommandLine, "--short-names and --long-names exclude each other")
	case c.Bool("short-names"):
		t := true
		opts.ShortNames = &t
	case c.Bool("long-names"):
		f := false
		opts.ShortNames = &f
	}
	if err := admin.RecoverLog(filepath.Dir(args[0]), opts.Logger); err != nil {
		return err
	}
	start := time.Now()
	res, err := admin.ApplyPatch(c.Context, args[0], args[1], opts)
	if err != nil {
		return err
	}
	for _, s := range res.SkippedPairs {
		fmt.Fprintf(c.App.Writer, "skipped transform pair %s\n", s)
	}
	fmt.Fprintf(c.App.Writer, "%s (%s)\n", res.Message, time.Since(start).Round(time.Millisecond))
	return nil
}

func adminInfo(c *cli.Context) error {
	args, err := adminArgs(c, 1, "IMAGE.msi")
	if err != nil {
		return err
	}
	im, err := admin.OpenImage(args[0])
	if err != nil {
		return err
	}
	w := c.App.Writer
	fmt.Fprintf(w, "Product:         %s %s (%s)\n", im.ProductName, im.ProductVersion, im.ProductCode)
	fmt.Fprintf(w, "UpgradeCode:     %s\n", im.UpgradeCode)
	fmt.Fprintf(w, "PackageCode:     %s\n", im.PackageCode)
	fmt.Fprintf(w, "Word Count:      %d (admin image: %v, short names: %v)\n", im.WordCount, im.IsAdmin, im.ShortNames)
	var feats []string
	for f, lv := range im.Features {
		feats = append(feats, fmt.Sprintf("%s=%d", f, lv))
	}
	sort.Strings(feats)
	fmt.Fprintf(w, "Features:        %s\n", strings.Join(feats, " "))
	fmt.Fprintf(w, "Applied patches: %s\n", strings.Join(im.AppliedPatches, " "))
	return nil
}

func adminRecover(c *cli.Context) error {
	args, err := adminArgs(c, 1, "DIR|IMAGE.msi")
	if err != nil {
		return err
	}
	dir, err := recoverTarget(args[0])
	if err != nil {
		return err
	}
	return admin.RecoverLog(dir, adminLogger(c))
}

// recoverTarget is the image folder named by a recover argument: the folder
// itself, or the folder of an image database (IMAGE.msi), as `admin patch`
// takes it. Anything else is a usage error (1639).
func recoverTarget(arg string) (string, error) {
	fi, err := os.Stat(arg)
	switch {
	case err != nil:
		return "", exitcode.New(exitcode.InvalidCommandLine, "admin recover: %s is neither an image folder nor an image database: %w", arg, err)
	case fi.IsDir():
		return arg, nil
	case fi.Mode().IsRegular() && strings.EqualFold(filepath.Ext(arg), ".msi"):
		return filepath.Dir(arg), nil
	}
	return "", exitcode.New(exitcode.InvalidCommandLine, "admin recover: %s is neither an image folder nor an image database (.msi)", arg)
}
