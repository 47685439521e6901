package main

import (
	"errors"
	"fmt"
	"io"
	"runtime"

	"github.com/urfave/cli/v2"

	"github.com/ohotfix/ohotfix/bootstrap"
	"github.com/ohotfix/ohotfix/exitcode"
)

// newApp is the one constructor of the command line.
func newApp(stdin io.Reader, stdout, stderr io.Writer) *cli.App {
	app := &cli.App{
		Name:    "ohotfix",
		Usage:   "apply Windows Installer patches (.msp) the OHotfix way",
		Version: bootstrap.Version,
		Description: "ohotfix reads ohotfix.ini, runs pre-flight checks, applies the .msp files beside it to the\n" +
			"installed products or to an administrative image, logs and returns Windows Installer exit codes.\n\n" +
			"Windows-style switches work too (case-insensitive): /? /help /q /quiet /passive /norestart\n" +
			"/forcerestart /promptrestart /log:FILE /extract[:DIR] /t:DIR /c /admin:PATH.msi /ini:FILE",
		Reader:    stdin,
		Writer:    stdout,
		ErrWriter: stderr,
		// --version is ours (urfave's default adds -v, which admins type
		// for "verbose"); the bare command runs.
		HideVersion: true,
		Flags:       append(runFlags(), &cli.BoolFlag{Name: "version", Usage: "print the version"}),
		Action: func(c *cli.Context) error {
			if c.Bool("version") {
				return versionAction(c)
			}
			return runAction(c)
		},
		ArgsUsage:    "[DIR]",
		OnUsageError: usageError,
		// Errors are reported once, with their code, by run(); this handler
		// only keeps urfave/cli from exiting the process itself.
		ExitErrHandler:  func(*cli.Context, error) {},
		HideHelpCommand: true,
		// --set "MessageTitle=Contoso, Inc." keeps its comma.
		DisableSliceFlagSeparator: true,
		EnableBashCompletion:      false,
		Commands:                  commands(),
	}
	for _, cmd := range app.Commands {
		setUsageError(cmd)
	}
	return app
}

func setUsageError(cmd *cli.Command) {
	if cmd.OnUsageError == nil {
		cmd.OnUsageError = usageError
	}
	for _, sub := range cmd.Subcommands {
		setUsageError(sub)
	}
}

// commands is the whole command list, explicitly: one place to read what
// ohotfix can do.
func commands() []*cli.Command {
	return []*cli.Command{
		runCommand(), checkCommand(), versionCommand(),
		cabCommand(), msiCommand(), patchCommand(), adminCommand(), packCommand(), deltaCommand(), watsonCommand(),
	}
}

// runFlags are the flags of run and check (and of the bare command, which
// runs).
func runFlags() []cli.Flag {
	return []cli.Flag{
		&cli.StringFlag{Name: "ini", Usage: "read `FILE` instead of DIR/ohotfix.ini"},
		&cli.BoolFlag{Name: "quiet", Aliases: []string{"q"}, Usage: "no UI and no prompts (OHotfixUILevel=q, MsiUILevel=n)"},
		&cli.BoolFlag{Name: "passive", Usage: "progress only, never ask (restarts without asking when needed, like msiexec /passive)"},
		&cli.BoolFlag{Name: "norestart", Usage: "never restart; return 3010 when a restart is needed"},
		&cli.BoolFlag{Name: "forcerestart", Usage: "always restart after applying (Windows only)"},
		&cli.BoolFlag{Name: "promptrestart", Usage: "ask before restarting"},
		&cli.StringFlag{Name: "log", Usage: "write the main log to `FILE` (the Msi log goes beside it as NAME_Msi.EXT)"},
		&cli.StringFlag{Name: "extract", Usage: "extract the attached payload to `DIR` and stop"},
		&cli.StringFlag{Name: "temp-dir", Usage: "extract the attached payload into `DIR` (IExpress /t:DIR)"},
		&cli.StringFlag{Name: "extract-only", Usage: "with --temp-dir: extract and stop, or run `CMD` in DIR (IExpress /c[:CMD])"},
		&cli.StringFlag{Name: "admin", Usage: "patch the administrative image whose database is `PATH.msi` (sets IsNormalUpdate=0, AdminPath)"},
		&cli.StringFlag{Name: "result-json", Usage: "write the result as JSON to `FILE` (also on failure)"},
		&cli.StringFlag{Name: "watson-url", Usage: "upload failure reports to the collector at `URL` (WatsonURL=; see ohotfix watson)"},
		&cli.StringSliceFlag{Name: "set", Usage: "override an ohotfix.ini key: `KEY=VALUE` (repeatable)"},
	}
}

func usageError(c *cli.Context, err error, _ bool) error {
	return exitcode.New(exitcode.InvalidCommandLine, "%v (see --help)", err)
}

// reportError prints a failure once, with its code.
func reportError(w io.Writer, err error) {
	if err == nil {
		return
	}
	var e *exitcode.Error
	if errors.As(err, &e) && e.Err == nil {
		return // the code alone (3010, 1641 …): the summary said it already
	}
	code := exitcode.Of(err)
	if code.IsSuccess() {
		return
	}
	fmt.Fprintf(w, "ohotfix: %v [exit code %d %s]\n", err, int(code), code.Name())
}

// exitStatus is the one place that turns a result into a process status:
// the full code on Windows, its low byte elsewhere (see the README).
func exitStatus(err error) int {
	code := exitcode.Of(err)
	if runtime.GOOS == "windows" {
		return int(code)
	}
	return code.Status()
}
