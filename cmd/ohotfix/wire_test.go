package main

import "testing"

// msi.dll is preloaded for run and check only: every other command of the
// app (a new one too) starts without it.
func TestMayRunClient(t *testing.T) {
	for _, args := range [][]string{nil, {"run"}, {"CHECK", "--json"}, {`C:\updates`}, {"/q"}, {"--log", "x.log"}} {
		if !mayRunClient(args) {
			t.Errorf("%q: not a client run", args)
		}
	}
	for _, cmd := range commands() {
		if cmd.Name == "run" || cmd.Name == "check" {
			continue
		}
		if mayRunClient([]string{cmd.Name, "x"}) {
			t.Errorf("%s: preloads msi.dll", cmd.Name)
		}
	}
	for _, help := range []string{"help", "/?", "--help", "--version"} {
		if mayRunClient([]string{help}) {
			t.Errorf("%s: preloads msi.dll", help)
		}
	}
}
