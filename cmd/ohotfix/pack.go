package main

import (
	"fmt"
	"os"

	"github.com/urfave/cli/v2"

	"github.com/ohotfix/ohotfix/exitcode"
	"github.com/ohotfix/ohotfix/payload"
)

// packCommand builds a patch executable: an ohotfix binary with ohotfix.ini
// and the .msp files of DIR attached.
func packCommand() *cli.Command {
	return &cli.Command{
		Name:      "pack",
		Usage:     "make a patch executable: an ohotfix binary with DIR's ohotfix.ini and .msp files attached",
		ArgsUsage: "DIR",
		Flags: []cli.Flag{
			&cli.StringFlag{Name: "output", Aliases: []string{"o"}, Required: true, Usage: "write the executable to `FILE`"},
			&cli.StringFlag{Name: "stub", Usage: "ohotfix binary to attach to (default: this one; use bin/ohotfix.exe for Windows)"},
		},
		Action: func(c *cli.Context) error {
			if c.NArg() != 1 {
				return exitcode.New(exitcode.InvalidCommandLine, "pack needs exactly one DIR")
			}
			dir := c.Args().First()
			stub := c.String("stub")
			if stub == "" {
				exe, err := os.Executable()
				if err != nil {
					return err
				}
				stub = exe
			}
			files, err := payload.Files(dir)
			if err != nil {
				return exitcode.Wrap(exitcode.InvalidCommandLine, err)
			}
			if err := payload.Pack(stub, dir, files, c.String("output")); err != nil {
				return err
			}
			fmt.Fprintf(c.App.Writer, "wrote %s with %d files: %v\n", c.String("output"), len(files), files)
			return nil
		},
	}
}
