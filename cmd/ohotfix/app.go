package main

import (
	"io"

	"github.com/urfave/cli/v2"
)

// areaCommands are the subcommands contributed by the area files of this
// package (cab.go, msi.go, patch.go, admin.go ...), each registering itself
// so that the areas can be built and tested independently.
var areaCommands []func() *cli.Command

func registerCommand(f func() *cli.Command) { areaCommands = append(areaCommands, f) }

// run builds the app, runs it and returns the process status.
func run(args []string, stdin io.Reader, stdout, stderr io.Writer) int {
	app := newApp(stdin, stdout, stderr)
	return exitStatus(app.Run(args))
}
