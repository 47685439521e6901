package watson

import (
	"os"
	"path/filepath"
	"strings"
	"testing"
	"time"
)

// testRedactor stands for a user "mallory" whose home is /home/mallory
// (and C:\Users\mallory on Windows): the values the tests plant in logs.
func testRedactor() *Redactor {
	return &Redactor{Homes: []string{"/home/mallory", `C:\Users\mallory`}, Users: []string{"mallory"}}
}

// sampleInput writes a log pair like a failed admin run's and returns the
// Input describing that failure.
func sampleInput(t testing.TB, dir string) Input {
	t.Helper()
	mainLog := filepath.Join(dir, "OHotfix(00001).log")
	msiLog := filepath.Join(dir, "OHotfix(00001)_Msi.log")
	var msi strings.Builder
	for i := 0; i < 400; i++ {
		msi.WriteString("MSI (s) (A8:1C) [10:00:00:000]: Doing action: step ")
		msi.WriteString(strings.Repeat("x", i%7))
		msi.WriteString("\n")
	}
	msi.WriteString("MSI (s) (A8:1C): Note: 1: 2203 2: /home/mallory/updates/fix.msp 3: -2147287038\n")
	msi.WriteString("MSI (s) (A8:1C): Product: Demo -- Installation failed. (user MALLORY)\n")
	msi.WriteString("Action ended 10:00:01: InstallFinalize. Return value 3.\n")
	for i := 0; i < 80; i++ {
		msi.WriteString("MSI (s) (A8:1C): after the failure line\n")
	}
	must(t, os.WriteFile(msiLog, []byte(msi.String()), 0o644))
	must(t, os.WriteFile(mainLog, []byte(
		"2026-12-06T10:00:00Z\tinfo\tohotfix starting\t{\"dir\": \"/home/mallory/updates\", \"user\": \"mallory\"}\n"+
			"2026-12-06T10:00:01Z\terror\tpatch C:\\Users\\mallory\\Downloads\\fix.msp is truncated\n"+
			"2026-12-06T10:00:01Z\tinfo\tother profile /home/bob/x and C:\\Documents and Settings\\carol\\y\n"+
			"2026-12-06T10:00:02Z\tinfo\texit code 1635 (ERROR_PATCH_PACKAGE_OPEN_FAILED)\n"), 0o644))
	return Input{
		Code: 1635, Phase: PhaseDetect, Step: "read-patch", PatchCode: "fix.msp",
		ProductCode: "{D7E1C1A2-1111-4A5B-9C3D-0123456789AB}", ProductVersion: "1.0.0",
		InnerError: "patch truncated", UIMode: "quiet", Invoker: "cli", ToolVersion: "0.1.0-test",
		ResultJSON:  []byte(`{"schema":1,"exit_code":1635,"logs":{"main":"/home/mallory/tmp/OHotfix(00001).log"}}`),
		MainLogPath: mainLog, MsiLogPath: msiLog,
		OS: "linux", Arch: "amd64",
		Time: time.Date(2026, 12, 6, 10, 0, 2, 0, time.UTC),
	}
}

func must(t testing.TB, err error) {
	t.Helper()
	if err != nil {
		t.Fatal(err)
	}
}
