package main

import (
	"context"
	"os"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"github.com/ohotfix/ohotfix/internal/winetest"
)

// On Windows the process exit code is the full Windows Installer code, not
// its low byte: ohotfix.exe under Wine returns 1639 whole, and its
// log pair lands in %TEMP%\OHotfix.
func TestWindowsExeFullExitCodes(t *testing.T) {
	exe, p := winetest.ExeInPrefix(t, ".")
	ctx, cancel := context.WithTimeout(context.Background(), 3*time.Minute)
	defer cancel()

	out, _, code, err := p.Run(ctx, exe, "version")
	if err != nil || code != 0 || !strings.Contains(out, "windows/amd64") {
		t.Fatalf("version: code %d err %v out %q", code, err, out)
	}
	if _, _, code, _ = p.Run(ctx, exe, "/NoSuchSwitch"); code != 1639 {
		t.Errorf("/NoSuchSwitch: exit %d, want the full 1639", code)
	}
	dir := filepath.Join(p.Dir(), "drive_c", "updates")
	os.MkdirAll(dir, 0o755)
	os.WriteFile(filepath.Join(dir, "ohotfix.ini"), []byte("[OHotfix]\r\nOHotfixUILevel=q\r\nMinMsiVersion=abc\r\n"), 0o644)
	if _, errOut, code, _ := p.Run(ctx, exe, "check", `C:\updates`); code != 1639 || !strings.Contains(errOut, "MinMsiVersion") {
		t.Errorf("bad ini: exit %d stderr %q", code, errOut)
	}
	os.WriteFile(filepath.Join(dir, "ohotfix.ini"), []byte("[OHotfix]\r\nOHotfixUILevel=q\r\n"), 0o644)
	// Client mode through Wine's msi.dll with no .msp in the folder: nothing
	// to do (client_wine_test.go patches for real).
	_, _, code, _ = p.Run(ctx, exe, "run", `C:\updates`, `/log:C:\updates\run.log`)
	if code != 0 {
		t.Errorf("client mode, no patches: exit %d, want 0", code)
	}
	log, err := os.ReadFile(filepath.Join(dir, "run.log"))
	if err != nil || !strings.Contains(string(log), "exit code 0") {
		t.Errorf("log: %v %q", err, log)
	}
	if _, err := os.Stat(filepath.Join(dir, "run_Msi.log")); err != nil {
		t.Errorf("Msi log missing: %v", err)
	}
}
