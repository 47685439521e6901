package winetest

import (
	"fmt"
	"os"
	"os/exec"
	"path/filepath"
	"time"
)

// HoldDesktop runs, until the test ends, a program attached to the prefix's desktop, so that
// Wine keeps its desktop process (explorer.exe /desktop) up as it always is on a Windows machine
// in use. Wine starts that process for the first program that needs it and ends it some time
// after the last such program is gone, so without a holder a timed program pays for starting it
// (or not) depending on what ran just before: a benchmark against another program would measure
// that, not the programs.
func (p *Prefix) HoldDesktop() error {
	hold, err := toolPath("desktophold")
	if err != nil {
		return err
	}
	ready := filepath.Join(p.scratch(), fmt.Sprintf("desktop-%d.ready", p.seq.Add(1)))
	os.Remove(ready)
	cmd := exec.Command("wine", hold, p.WinPath(ready))
	cmd.Env = p.env
	// Not tied to pipes: the holder outlives this call (see Run).
	if err := cmd.Start(); err != nil {
		return fmt.Errorf("winetest: start desktophold: %w", err)
	}
	exited := make(chan error, 1)
	go func() { exited <- cmd.Wait() }()
	p.t.Cleanup(func() {
		cmd.Process.Kill()
		<-exited
	})
	deadline := time.Now().Add(60 * time.Second)
	for {
		if _, err := os.Stat(ready); err == nil {
			return nil
		}
		select {
		case err := <-exited:
			exited <- err // for the cleanup
			return fmt.Errorf("winetest: desktophold ended before the desktop was up: %v", err)
		case <-time.After(20 * time.Millisecond):
		}
		if time.Now().After(deadline) {
			return fmt.Errorf("winetest: the desktop did not come up within 60 s")
		}
	}
}
