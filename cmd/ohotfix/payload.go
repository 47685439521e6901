package main

import (
	"github.com/urfave/cli/v2"

	"github.com/ohotfix/ohotfix/bootstrap/exitcode"
)

// payloadOnly reports whether the command line asked only to extract the
// attached payload.
func payloadOnly(c *cli.Context) bool {
	return c.String("extract") != "" || c.IsSet("extract-only")
}

// handlePayloadFlags serves /extract[:DIR] and IExpress /c /t:DIR.
func handlePayloadFlags(c *cli.Context) error {
	if !payloadOnly(c) && c.String("temp-dir") == "" {
		return nil
	}
	return exitcode.New(exitcode.InvalidCommandLine, "this ohotfix executable has no attached payload to extract (make one with `ohotfix pack`)")
}
