package main

import (
	"runtime"
	"strings"
	"testing"
	"time"

	"github.com/ohotfix/ohotfix/bootstrap"
	"github.com/ohotfix/ohotfix/installer/lock"
)

func TestFinalMessageTexts(t *testing.T) {
	cfg := bootstrap.Default()
	cfg.MessageTitle = "Contoso Update"
	if dialogTitle(cfg) != "Contoso Update" || dialogTitle(bootstrap.Default()) != "ohotfix" {
		t.Errorf("titles %q %q", dialogTitle(cfg), dialogTitle(bootstrap.Default()))
	}
	applied := func(code int) *bootstrap.Result {
		r := &bootstrap.Result{ExitCode: code, Reason: "P.msp: Windows Installer returned 1627"}
		r.Logs.Main = `C:\Temp\OHotfix\OHotfix(00003).log`
		v := 0
		r.Patches = []bootstrap.PatchResult{{Decision: "apply", PerTarget: []bootstrap.TargetResult{{Decision: "apply", ExitCode: &v}}}}
		return r
	}
	kind, text, ok := finalMessage(cfg, applied(0))
	if !ok || kind != boxInfo || text != "The update was applied successfully." {
		t.Errorf("success: %v %d %q", ok, kind, text)
	}
	_, text, _ = finalMessage(cfg, applied(3010))
	if !strings.Contains(text, "Restart the computer") {
		t.Errorf("3010: %q", text)
	}
	cfg.ShowSuccessDialog = false
	if _, _, ok := finalMessage(cfg, applied(0)); ok {
		t.Error("ShowSuccessDialog=0 still shows a success box")
	}
	kind, text, ok = finalMessage(cfg, applied(1627))
	for _, s := range []string{"could not be applied", "returned 1627", "Exit code 1627", `Log: C:\Temp\OHotfix\OHotfix(00003).log`} {
		if !ok || kind != boxError || !strings.Contains(text, s) {
			t.Errorf("failure box lacks %q: %q", s, text)
		}
	}
	if _, _, ok := finalMessage(cfg, &bootstrap.Result{ExitCode: 1602}); ok {
		t.Error("a run the person cancelled needs no failure box")
	}
	if _, _, ok := finalMessage(cfg, &bootstrap.Result{}); ok {
		t.Error("nothing applied, nothing failed: no box is due")
	}
	b := busyText(lock.Busy{Holder: lock.Holder{Note: "Windows Installer is running an installation (Global\\_MSIExecute is set)"}, Remaining: time.Minute})
	if !strings.Contains(b, "Another installation is in progress: Windows Installer") || !strings.Contains(b, "Retry") {
		t.Errorf("busy text %q", b)
	}
}

func TestNoMessageBoxesWhenQuietOrOffWindows(t *testing.T) {
	cfg := bootstrap.Default()
	cfg.OHotfixUILevel = "q"
	if useMessageBoxes(cfg) || useMessageBoxes(nil) {
		t.Error("quiet (or passive) runs must not show boxes")
	}
	if runtime.GOOS != "windows" && useMessageBoxes(bootstrap.Default()) {
		t.Error("off Windows a run talks in text")
	}
}
