//go:build unix

package main

import (
	"bytes"
	"errors"
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"syscall"
	"testing"
	"time"
)

// SIGTERM (a service stop, a deployment tool's timeout) ends a run that is
// waiting for another installation promptly: 1602, the final log line
// with the full code, and the JSON result — and the image unchanged.
func TestSigtermEndsWaitingRunPromptly(t *testing.T) {
	trace := filepath.Join(t.TempDir(), "trace")
	holderDir, _ := adminCase(t, "InstallerWaitSeconds=60\n")
	holder := exec.Command(ohotfixBinary(t), "run", holderDir)
	holder.Env = append(os.Environ(), "TMPDIR="+t.TempDir(), "OHOTFIX_TEST_APPLY_TRACE="+trace, "OHOTFIX_TEST_APPLY_HOLD=30s")
	if err := holder.Start(); err != nil {
		t.Fatal(err)
	}
	defer func() { holder.Process.Kill(); holder.Wait() }()
	for deadline := time.Now().Add(30 * time.Second); ; time.Sleep(50 * time.Millisecond) {
		if data, _ := os.ReadFile(trace); strings.Contains(string(data), "enter") {
			break
		}
		if time.Now().After(deadline) {
			t.Fatal("holder never entered the apply phase")
		}
	}
	waiter, image := adminCase(t, "InstallerWaitSeconds=60\n")
	before := treeHash(t, image)
	tmp := t.TempDir()
	res := filepath.Join(tmp, "r.json")
	cmd := exec.Command(ohotfixBinary(t), "run", waiter, "/result-json:"+res)
	cmd.Env = append(os.Environ(), "TMPDIR="+tmp)
	var errb bytes.Buffer
	cmd.Stderr = &errb
	if err := cmd.Start(); err != nil {
		t.Fatal(err)
	}
	// Signal only once it says it waits (a slow machine may still be
	// starting it, before its handler is installed).
	for deadline := time.Now().Add(60 * time.Second); ; time.Sleep(50 * time.Millisecond) {
		logs, _ := filepath.Glob(filepath.Join(tmp, "OHotfix", "OHotfix(*).log"))
		waiting := false
		for _, l := range logs {
			if text, _ := os.ReadFile(l); strings.Contains(string(text), "waiting up to") {
				waiting = true
			}
		}
		if waiting {
			break
		}
		if time.Now().After(deadline) {
			t.Fatal("the second run never started waiting for the holder")
		}
	}
	sent := time.Now()
	cmd.Process.Signal(syscall.SIGTERM)
	err := cmd.Wait()
	took := time.Since(sent)
	var ee *exec.ExitError
	if !errors.As(err, &ee) || ee.ExitCode() != wantStatus(1602) {
		t.Errorf("exit %v (want status %d): %s", err, wantStatus(1602), errb.String())
	}
	if took > 5*time.Second {
		t.Errorf("SIGTERM took %s to end the run", took)
	}
	if data, err := os.ReadFile(res); err != nil || !strings.Contains(string(data), `"exit_code": 1602`) {
		t.Errorf("result: %s %v", data, err)
	}
	logs, _ := filepath.Glob(filepath.Join(tmp, "OHotfix", "OHotfix(*).log"))
	var mainLog string
	for _, l := range logs {
		if !strings.HasSuffix(l, "_Msi.log") {
			mainLog = l
		}
	}
	text, _ := os.ReadFile(mainLog)
	lines := strings.Split(strings.TrimSpace(string(text)), "\n")
	if last := lines[len(lines)-1]; !strings.Contains(last, "exit code 1602") {
		t.Errorf("last log line %q\n%s", last, text)
	}
	if treeHash(t, image) != before {
		t.Error("the image changed")
	}
}
