//go:build linux

package main

import (
	"bufio"
	"bytes"
	"context"
	"image/png"
	"os"
	"os/exec"
	"path/filepath"
	"strconv"
	"strings"
	"testing"
	"time"

	"github.com/ohotfix/ohotfix/internal/testtools"
	"github.com/ohotfix/ohotfix/internal/winetest"
)

// TestMessageBoxesAsAPersonSeesThem double-clicks ohotfix.exe, as far as a
// test can: under Xvfb (no window manager), `wine start /wait /unix` gives it
// a console of its own, so a normal-UI run talks in message boxes titled
// MessageTitle. The test photographs each box (Retry / Cancel while another
// installation holds Global\_MSIExecute, failure, success) (the PNGs are kept in
// $OHOTFIX_ARTIFACTS, default <temp>/ohotfix-artifacts), presses Return
// and checks the exit code: success after patching, failure for a refused
// patch.
func TestMessageBoxesAsAPersonSeesThem(t *testing.T) {
	testtools.LookPath(t, "Xvfb")
	testtools.LookPath(t, "import")
	testtools.LookPath(t, "xdotool")
	r := newClientRig(t, "")
	display := startXvfb(t)
	r.display = display
	env := append(r.p.Env(), "DISPLAY="+display)
	// The prefix was booted headless; restart its session inside this X
	// server, or user32 stays on the null display driver.
	for _, args := range [][]string{{"wineserver", "-k"}, {"wineserver", "-w"}, {"wineboot"}} {
		cmd := exec.Command(args[0], args[1:]...)
		cmd.Env = env
		cmd.Run() // -k fails harmlessly when the server is already gone
	}
	t.Cleanup(func() {
		k := exec.Command("wineserver", "-k")
		k.Env = env
		k.Run()
	})
	artifacts := os.Getenv("OHOTFIX_ARTIFACTS")
	if artifacts == "" {
		artifacts = filepath.Join(os.TempDir(), "ohotfix-artifacts")
	}
	os.MkdirAll(artifacts, 0o755)
	wexit := winetest.ToolPath(t, "wexit")

	doubleClick := func(ini, title, shot, answer string) int {
		t.Helper()
		text := "[OHotfix]\r\nIsNormalUpdate=1\r\nOHotfixUILevel=n\r\nMsiUILevel=n\r\nShowSuccessDialog=1\r\nMessageTitle=" + title + "\r\n" + ini
		os.WriteFile(filepath.Join(r.updates, "ohotfix.ini"), []byte(text), 0o644)
		exitFile := filepath.Join(r.updates, "exit-"+shot+".txt")
		ctx, cancel := context.WithTimeout(context.Background(), 3*time.Minute)
		defer cancel()
		cmd := exec.CommandContext(ctx, "wine", wexit, r.p.WinPath(exitFile), "start", "/wait", "/unix", r.exe)
		cmd.Env = env
		var out bytes.Buffer
		cmd.Stdout, cmd.Stderr = &out, &out
		if err := cmd.Start(); err != nil {
			t.Fatal(err)
		}
		done := make(chan error, 1)
		go func() { done <- cmd.Wait() }()

		win := waitForWindow(t, env, title, done)
		png := filepath.Join(artifacts, shot+".png")
		if o, err := exec.Command("import", "-display", display, "-window", "root", png).CombinedOutput(); err != nil {
			t.Fatalf("import: %v %s", err, o)
		}
		checkScreenshot(t, png)
		t.Logf("screenshot of the %q box: %s", title, png)
		key := exec.Command("xdotool", "windowfocus", "--sync", win, "key", answer)
		key.Env = append(os.Environ(), "DISPLAY="+display)
		if o, err := key.CombinedOutput(); err != nil {
			t.Fatalf("xdotool key %s: %v %s", answer, err, o)
		}
		select {
		case <-done:
		case <-ctx.Done():
			t.Fatalf("ohotfix.exe did not end after the box was dismissed\n%s", out.String())
		}
		code, err := os.ReadFile(exitFile)
		if err != nil {
			t.Fatalf("no exit code recorded: %v\n%s", err, out.String())
		}
		n, _ := strconv.Atoi(strings.TrimSpace(string(code)))
		return n
	}

	if code := doubleClick("MinProductVersion=1.0.5\r\n", "Contoso Update Failed", "msgbox-failure", "Return"); code != 1642 {
		t.Errorf("failure box: exit %d, want 1642", code)
	}
	// Another installation runs: Retry / Cancel; Escape cancels (1602).
	release, held := r.holdMSIExecute(t, 120, "box")
	if code := doubleClick("InstallerWaitSeconds=120\r\n", "Contoso Update Busy", "msgbox-busy", "Escape"); code != 1602 {
		t.Errorf("busy box, Cancel: exit %d, want 1602", code)
	}
	release()
	<-held
	if !sameTree(r.installed(t), r.sourceTree("v1")) {
		t.Error("a cancelled run changed the product")
	}
	if code := doubleClick("", "Contoso Update", "msgbox-success", "Return"); code != 0 && code != 3010 {
		t.Errorf("success box: exit %d, want 0 or 3010", code)
	}
	if !sameTree(r.installed(t), r.sourceTree("v2")) {
		t.Error("the double-clicked run did not patch the product")
	}
}

// startXvfb starts a private X server and returns its DISPLAY.
func startXvfb(t *testing.T) string {
	t.Helper()
	rd, wr, err := os.Pipe()
	if err != nil {
		t.Fatal(err)
	}
	x := exec.Command("Xvfb", "-displayfd", "3", "-screen", "0", "1024x768x24", "-nolisten", "tcp")
	x.ExtraFiles = []*os.File{wr}
	if err := x.Start(); err != nil {
		t.Fatal(err)
	}
	wr.Close()
	t.Cleanup(func() { x.Process.Kill(); x.Wait() })
	// Read the whole line: Xvfb dies ("Cannot write display number") when
	// the pipe closes between its writes.
	rd.SetReadDeadline(time.Now().Add(30 * time.Second))
	line, err := bufio.NewReader(rd).ReadString('\n')
	rd.Close()
	if err != nil {
		t.Fatalf("Xvfb gave no display number: %v", err)
	}
	display := ":" + strings.TrimSpace(line)
	// Wine must not start before the server takes clients: a session whose
	// desktop (explorer.exe) failed to reach X never draws a window.
	for i := 0; ; i++ {
		probe := exec.Command("xdotool", "getdisplaygeometry")
		probe.Env = append(os.Environ(), "DISPLAY="+display)
		if probe.Run() == nil {
			return display
		}
		if i == 100 {
			t.Fatalf("Xvfb on %s never took a client", display)
		}
		time.Sleep(100 * time.Millisecond)
	}
}

// waitForWindow polls xdotool until a window named title exists and returns
// its id; it fails when the program ends first.
func waitForWindow(t *testing.T, env []string, title string, done chan error) string {
	t.Helper()
	var display string
	for _, kv := range env {
		if strings.HasPrefix(kv, "DISPLAY=") {
			display = kv
		}
	}
	deadline := time.Now().Add(90 * time.Second)
	for time.Now().Before(deadline) {
		cmd := exec.Command("xdotool", "search", "--onlyvisible", "--name", "^"+title+"$")
		cmd.Env = append(os.Environ(), display)
		if out, err := cmd.Output(); err == nil && len(strings.Fields(string(out))) > 0 {
			time.Sleep(time.Second) // mapped; let Wine paint it and take input
			return strings.Fields(string(out))[0]
		}
		select {
		case err := <-done:
			done <- err
			t.Fatalf("ohotfix.exe ended (%v) without showing a box titled %q", err, title)
		case <-time.After(250 * time.Millisecond):
		}
	}
	t.Fatalf("no window titled %q appeared", title)
	return ""
}

// checkScreenshot makes sure the picture shows something besides the empty
// X root: a dialog has a face, text and a button in several colours.
func checkScreenshot(t *testing.T, path string) {
	t.Helper()
	f, err := os.Open(path)
	if err != nil {
		t.Fatal(err)
	}
	defer f.Close()
	img, err := png.Decode(f)
	if err != nil {
		t.Fatalf("screenshot %s: %v", path, err)
	}
	colours := map[[3]uint32]bool{}
	b := img.Bounds()
	for y := b.Min.Y; y < b.Max.Y; y += 2 {
		for x := b.Min.X; x < b.Max.X; x += 2 {
			r, g, bl, _ := img.At(x, y).RGBA()
			colours[[3]uint32{r >> 8, g >> 8, bl >> 8}] = true
		}
	}
	if len(colours) < 3 {
		t.Errorf("screenshot %s shows %d colours: no dialog drawn", path, len(colours))
	}
}
