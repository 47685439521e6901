// Command ohotfix applies Windows Installer patches the way Office's
// OHotfix.exe did: read ohotfix.ini, check, plan, apply, report.
package main

import "os"

func main() { os.Exit(run(os.Args, os.Stdin, os.Stdout, os.Stderr)) }
