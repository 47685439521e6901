package main

import (
	"io"

	"github.com/urfave/cli/v2"
)

// newApp is the one constructor of the command line.
func newApp(stdin io.Reader, stdout, stderr io.Writer) *cli.App {
	app := &cli.App{
		Name:      "ohotfix",
		Usage:     "apply Windows Installer patches (.msp) the OHotfix way",
		Reader:    stdin,
		Writer:    stdout,
		ErrWriter: stderr,
	}
	for _, f := range areaCommands {
		app.Commands = append(app.Commands, f())
	}
	return app
}

func exitStatus(err error) int {
	if err == nil {
		return 0
	}
	return 1
}
