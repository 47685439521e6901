package main

import (
	"fmt"
	"io"

	"github.com/ohotfix/ohotfix/internal/selfexe"

	"github.com/urfave/cli/v2"

	"github.com/ohotfix/ohotfix/exitcode"
	"github.com/ohotfix/ohotfix/payload"
)

// packCommand builds a patch executable: an ohotfix binary with ohotfix.ini
// and the .msp files of DIR attached; with --verify it checks one.
func packCommand() *cli.Command {
	return &cli.Command{
		Name:  "pack",
		Usage: "make a patch executable: an ohotfix binary with DIR's ohotfix.ini and .msp files attached (--verify FILE: check one)",
		ArgsUsage: "DIR -o FILE [--stub STUB]\n" +
			"   ohotfix pack --verify FILE",
		Flags: []cli.Flag{
			&cli.StringFlag{Name: "output", Aliases: []string{"o"}, Usage: "write the executable to `FILE`"},
			&cli.StringFlag{Name: "stub", Usage: "ohotfix binary to attach to (default: this one; use bin/ohotfix.exe for Windows)"},
			&cli.StringFlag{Name: "verify", Usage: "check the patch executable `FILE`: payload intact (cabinet checksums, SHA256SUMS), its files, its Authenticode signatures"},
		},
		Action: func(c *cli.Context) error {
			if c.IsSet("verify") {
				if c.NArg() != 0 || c.IsSet("output") || c.IsSet("stub") {
					return exitcode.New(exitcode.InvalidCommandLine, "pack --verify FILE takes nothing else")
				}
				return verifyPackage(c.App.Writer, c.String("verify"))
			}
			if c.NArg() != 1 {
				return exitcode.New(exitcode.InvalidCommandLine, "pack needs exactly one DIR")
			}
			out := c.String("output")
			if out == "" {
				return exitcode.New(exitcode.InvalidCommandLine, "pack needs -o FILE (where to write the executable)")
			}
			dir := c.Args().First()
			stub := c.String("stub")
			if stub == "" {
				exe, err := selfexe.Path()
				if err != nil {
					return err
				}
				stub = exe
			}
			files, err := payload.Files(dir)
			if err != nil {
				return exitcode.Wrap(exitcode.InvalidCommandLine, err)
			}
			info, err := payload.Pack(stub, dir, files, out)
			if err != nil {
				return err
			}
			fmt.Fprintf(c.App.Writer, "wrote %s with %d files: %v\n", out, len(info.Files), info.Files)
			if info.DroppedSignature {
				fmt.Fprintf(c.App.Writer, "note: the stub's Authenticode signature was dropped (it cannot cover the payload); sign %s\n", out)
			}
			return nil
		},
	}
}

// verifyPackage prints what `pack --verify` finds in file and returns 1620
// when the payload is missing or damaged, or a signature's digest does
// not match the file.
func verifyPackage(w io.Writer, file string) error {
	p, ok, err := payload.Find(file)
	if err != nil {
		return err
	}
	if !ok {
		return exitcode.New(exitcode.PackageInvalid, "%s: no attached payload (not made by ohotfix pack, or its end was cut off)", file)
	}
	a, err := p.Open()
	if err != nil {
		return err
	}
	defer a.Close()
	fmt.Fprintf(w, "%s: payload of %d bytes at offset %d, %d cabinet(s)\n", file, p.Size, p.Offset, a.Cabinets)
	checks, verr := a.Verify(nil)
	fmt.Fprintf(w, "%12s  %-64s  %s\n", "size", "sha256", "file")
	for _, ch := range checks {
		state := "ok"
		if ch.Err != nil {
			state = "DAMAGED"
		}
		fmt.Fprintf(w, "%12d  %x  %s  %s\n", ch.Size, ch.SHA256, ch.Name, state)
	}
	bad := verr != nil
	if bad {
		fmt.Fprintf(w, "payload: DAMAGED: %v\n", verr)
	} else {
		fmt.Fprintf(w, "payload: intact (%d files; cabinet checksums and the SHA-256 of each file in %s match)\n", len(checks), payload.ManifestName)
	}
	sigs, isPE, err := payload.Signatures(file)
	switch {
	case err != nil:
		fmt.Fprintf(w, "Authenticode: cannot read the signature: %v\n", err)
		bad = true
	case !isPE:
		fmt.Fprintln(w, "Authenticode: not a PE file (no signature possible)")
	case len(sigs) == 0:
		fmt.Fprintln(w, "Authenticode: not signed")
	}
	for i, s := range sigs {
		kind := "signature"
		if s.Nested {
			kind = "nested signature"
		}
		subject := s.Subject
		if subject == "" {
			subject = "(signer certificate not included)"
		}
		fmt.Fprintf(w, "Authenticode %s %d: signer %s\n", kind, i+1, subject)
		state := "matches the file"
		if !s.DigestMatches() {
			state = fmt.Sprintf("DOES NOT MATCH the file (%x)", s.FileDigest)
			bad = true
		}
		fmt.Fprintf(w, "  %v digest %x %s\n", s.Hash, s.SignedDigest, state)
		if s.SignatureErr != nil {
			fmt.Fprintf(w, "  the signer's signature does not verify: %v\n", s.SignatureErr)
			bad = true
		} else {
			fmt.Fprintln(w, "  the signer's signature verifies with its certificate (trust in the certificate is Windows's to decide)")
		}
	}
	if verr != nil {
		return verr
	}
	if bad {
		return exitcode.New(exitcode.PackageInvalid, "%s: its Authenticode signature does not match it", file)
	}
	return nil
}
