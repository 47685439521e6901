package bootstrap

import (
	"fmt"
	"os"
	"os/exec"
	"path/filepath"
	"strconv"
	"strings"
	"testing"
)

// TestMain lets the test binary act as a second process that opens logs.
func TestMain(m *testing.M) {
	if dir := os.Getenv("OHOTFIX_LOGTEST_DIR"); dir != "" {
		n, _ := strconv.Atoi(os.Getenv("OHOTFIX_LOGTEST_N"))
		for i := 0; i < n; i++ {
			l, err := OpenLogs(dir, "", "v", "v")
			if err != nil {
				fmt.Println("error", err)
				os.Exit(2)
			}
			fmt.Println(l.Number)
			l.Log.Info("hello")
			l.Close()
		}
		os.Exit(0)
	}
	os.Exit(m.Run())
}

func TestLogPairNumbering(t *testing.T) {
	dir := t.TempDir()
	a, err := OpenLogs(dir, "", "v", "v")
	if err != nil {
		t.Fatal(err)
	}
	a.Log.Info("first")
	a.Close()
	b, _ := OpenLogs(dir, "", "v", "v")
	b.Close()
	if a.Number != 1 || b.Number != 2 {
		t.Fatalf("numbers %d %d", a.Number, b.Number)
	}
	for _, name := range []string{"OHotfix(00001).log", "OHotfix(00001)_Msi.log", "OHotfix(00002).log", "OHotfix(00002)_Msi.log"} {
		if _, err := os.Stat(filepath.Join(dir, name)); err != nil {
			t.Error(err)
		}
	}
	data, _ := os.ReadFile(a.Main)
	if !strings.Contains(string(data), "first") {
		t.Errorf("log text %q", data)
	}
}

func TestLogOverrideMovesMainLog(t *testing.T) {
	dir := t.TempDir()
	l, err := OpenLogs(filepath.Join(dir, "unused"), filepath.Join(dir, "sub", "my.log"), "v", "v")
	if err != nil {
		t.Fatal(err)
	}
	l.Close()
	if l.Main != filepath.Join(dir, "sub", "my.log") || l.Msi != filepath.Join(dir, "sub", "my_Msi.log") {
		t.Errorf("paths %s %s", l.Main, l.Msi)
	}
}

// Two processes opening logs at once never share a number.
func TestLogNumberingTwoProcesses(t *testing.T) {
	dir := t.TempDir()
	const each = 25
	var cmds []*exec.Cmd
	var outs []*strings.Builder
	for i := 0; i < 2; i++ {
		cmd := exec.Command(os.Args[0], "-test.run=^$")
		cmd.Env = append(os.Environ(), "OHOTFIX_LOGTEST_DIR="+dir, "OHOTFIX_LOGTEST_N="+strconv.Itoa(each))
		var out strings.Builder
		cmd.Stdout = &out
		if err := cmd.Start(); err != nil {
			t.Fatal(err)
		}
		cmds, outs = append(cmds, cmd), append(outs, &out)
	}
	seen := map[string]bool{}
	for i, cmd := range cmds {
		if err := cmd.Wait(); err != nil {
			t.Fatalf("process %d: %v %s", i, err, outs[i])
		}
		for _, n := range strings.Fields(outs[i].String()) {
			if seen[n] {
				t.Errorf("number %s used twice", n)
			}
			seen[n] = true
		}
	}
	if len(seen) != 2*each {
		t.Errorf("%d distinct numbers, want %d", len(seen), 2*each)
	}
	for n := 1; n <= 2*each; n++ {
		if _, err := os.Stat(filepath.Join(dir, fmt.Sprintf("OHotfix(%05d)_Msi.log", n))); err != nil {
			t.Errorf("pair %d incomplete: %v", n, err)
		}
	}
}

// A stray _Msi.log of the next number is skipped without leaving a half
// pair behind.
func TestLogPairSkipsStrayMsiLog(t *testing.T) {
	dir := t.TempDir()
	os.WriteFile(filepath.Join(dir, "OHotfix(00001)_Msi.log"), []byte("stray"), 0o644)
	l, err := OpenLogs(dir, "", "v", "v")
	if err != nil {
		t.Fatal(err)
	}
	l.Close()
	if l.Number != 2 {
		t.Errorf("number %d, want 2", l.Number)
	}
	if _, err := os.Stat(filepath.Join(dir, "OHotfix(00001).log")); err == nil {
		t.Error("an empty OHotfix(00001).log was left behind")
	}
}
