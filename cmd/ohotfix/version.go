package main

import (
	"fmt"
	"runtime"

	"github.com/urfave/cli/v2"

	"github.com/ohotfix/ohotfix/bootstrap"
	"github.com/ohotfix/ohotfix/checks"
)

func versionCommand() *cli.Command {
	return &cli.Command{
		Name:   "version",
		Usage:  "print version information",
		Action: versionAction,
	}
}

func versionAction(c *cli.Context) error {
	fmt.Fprintf(c.App.Writer, "ohotfix %s (%s/%s, %s)\n", bootstrap.Version, runtime.GOOS, runtime.GOARCH, runtime.Version())
	fmt.Fprintf(c.App.Writer, "admin-image engine: implements Windows Installer %s patching\n", checks.AdminEngineVersion)
	return nil
}
