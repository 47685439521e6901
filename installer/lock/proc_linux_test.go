//go:build linux

package lock

import (
	"context"
	"errors"
	"os"
	"os/exec"
	"path/filepath"
	"slices"
	"testing"
	"time"
)

// util-linux's flock(1) takes the same kernel lock we do: it must block us,
// and /proc/locks must name it even though it writes no holder record.
func TestHolderFromOSLockTable(t *testing.T) {
	bin, err := exec.LookPath("flock")
	if err != nil {
		if os.Getenv("CI") == "true" {
			t.Fatal("flock(1) missing: apt-get install util-linux")
		}
		t.Skip("flock(1) missing: apt-get install util-linux")
	}
	path := filepath.Join(t.TempDir(), ImageLockName)
	// -o: flock(1) keeps the lock itself and closes it for the command.
	cmd := exec.Command(bin, "-o", path, "sleep", "30")
	if err := cmd.Start(); err != nil {
		t.Fatal(err)
	}
	defer func() { cmd.Process.Kill(); cmd.Wait() }()

	var busy *BusyError
	deadline := time.Now().Add(10 * time.Second)
	for {
		h, err := AcquireFile(context.Background(), path, Options{Timeout: NoWait})
		if errors.As(err, &busy) {
			break
		}
		if err == nil { // flock(1) has not locked yet
			h.Release()
		}
		if time.Now().After(deadline) {
			t.Fatalf("flock(1) never held the lock: %v", err)
		}
		time.Sleep(10 * time.Millisecond)
	}
	if busy.Holder.PID != cmd.Process.Pid {
		t.Fatalf("holder pid %d, want flock's %d (%+v)", busy.Holder.PID, cmd.Process.Pid, busy.Holder)
	}
	if len(busy.Holder.Command) == 0 || filepath.Base(busy.Holder.Command[0]) != "flock" {
		t.Fatalf("holder command %q, want flock …", busy.Holder.Command)
	}
}

func TestProcInfo(t *testing.T) {
	if got := processCommand(os.Getpid()); !slices.Equal(got, os.Args) {
		t.Errorf("processCommand = %q, want %q", got, os.Args)
	}
	a, b := processStart(os.Getpid()), processStart(os.Getpid())
	if a == "" || a != b {
		t.Errorf("processStart = %q then %q", a, b)
	}
	if processStart(deadPID(t)) != "" || processCommand(deadPID(t)) != nil {
		t.Error("info for a dead pid")
	}
	if processAlive(deadPID(t)) || !processAlive(os.Getpid()) {
		t.Error("processAlive wrong")
	}
	// A live pid whose start token differs is a reused pid: stale.
	h := Holder{PID: os.Getpid(), Host: hostname(), Start: a + "0"}
	if !isStale(h) {
		t.Error("reused pid not judged stale")
	}
	h.Start = a
	if isStale(h) {
		t.Error("live holder judged stale")
	}
}
