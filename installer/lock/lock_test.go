package lock

import (
	"context"
	"errors"
	"fmt"
	"os"
	"os/exec"
	"path/filepath"
	"slices"
	"strconv"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/ohotfix/ohotfix/exitcode"
)

// The test binary doubles as the lock-taking process of the multi-process
// tests: with helperEnv set it runs one helper mode instead of the tests.
const (
	helperEnv      = "OHOTFIX_LOCK_TEST_HELPER"
	helperDirEnv   = "OHOTFIX_LOCK_TEST_DIR"
	helperTraceEnv = "OHOTFIX_LOCK_TEST_TRACE"
)

func TestMain(m *testing.M) {
	switch os.Getenv(helperEnv) {
	case "":
		os.Exit(m.Run())
	case "cycle":
		os.Exit(helperCycle())
	case "hold":
		os.Exit(helperHold())
	case "exit":
		os.Exit(0)
	default:
		fmt.Fprintln(os.Stderr, "unknown helper mode")
		os.Exit(2)
	}
}

func helperOptions() Options {
	return Options{Dir: os.Getenv(helperDirEnv), Timeout: time.Minute, MinBackoff: 2 * time.Millisecond, MaxBackoff: 20 * time.Millisecond}
}

// helperCycle takes the machine lock, records enter/leave with wall-clock
// nanoseconds in the shared trace file, and releases.
func helperCycle() int {
	h, err := Acquire(context.Background(), helperOptions())
	if err != nil {
		fmt.Fprintln(os.Stderr, "acquire:", err)
		return 1
	}
	trace := func(what string) error {
		f, err := os.OpenFile(os.Getenv(helperTraceEnv), os.O_WRONLY|os.O_APPEND|os.O_CREATE, 0o644)
		if err != nil {
			return err
		}
		_, err = fmt.Fprintf(f, "%s %d %d\n", what, os.Getpid(), time.Now().UnixNano())
		return errors.Join(err, f.Close())
	}
	if err := trace("enter"); err != nil {
		fmt.Fprintln(os.Stderr, err)
		return 1
	}
	time.Sleep(10 * time.Millisecond)
	if err := trace("leave"); err != nil {
		fmt.Fprintln(os.Stderr, err)
		return 1
	}
	if err := h.Release(); err != nil {
		fmt.Fprintln(os.Stderr, "release:", err)
		return 1
	}
	return 0
}

// helperHold takes the lock, says so through the trace file, and sleeps
// until it is killed.
func helperHold() int {
	if _, err := Acquire(context.Background(), helperOptions()); err != nil {
		fmt.Fprintln(os.Stderr, "acquire:", err)
		return 1
	}
	if err := os.WriteFile(os.Getenv(helperTraceEnv), []byte("held"), 0o644); err != nil {
		return 1
	}
	time.Sleep(time.Hour)
	return 0
}

func helperCmd(mode, dir, trace string) *exec.Cmd {
	cmd := exec.Command(os.Args[0], "-test.run=^$")
	cmd.Env = append(os.Environ(), helperEnv+"="+mode, helperDirEnv+"="+dir, helperTraceEnv+"="+trace)
	cmd.Stderr = os.Stderr
	return cmd
}

func TestMutualExclusionAcrossProcesses(t *testing.T) {
	dir := t.TempDir()
	trace := filepath.Join(dir, "trace")
	const n = 10
	cmds := make([]*exec.Cmd, n)
	for i := range cmds {
		cmds[i] = helperCmd("cycle", dir, trace)
		if err := cmds[i].Start(); err != nil {
			t.Fatal(err)
		}
	}
	for _, c := range cmds {
		if err := c.Wait(); err != nil {
			t.Fatalf("helper %d: %v", c.Process.Pid, err)
		}
	}
	data, err := os.ReadFile(trace)
	if err != nil {
		t.Fatal(err)
	}
	lines := strings.Split(strings.TrimSpace(string(data)), "\n")
	if len(lines) != 2*n {
		t.Fatalf("trace has %d lines, want %d:\n%s", len(lines), 2*n, data)
	}
	type event struct {
		what string
		pid  int
		at   int64
	}
	var evs []event
	for _, l := range lines {
		var e event
		if _, err := fmt.Sscanf(l, "%s %d %d", &e.what, &e.pid, &e.at); err != nil {
			t.Fatalf("bad trace line %q: %v", l, err)
		}
		evs = append(evs, e)
	}
	// Sorted by time, the events must alternate enter/leave of one process:
	// any overlap would put two enters in a row.
	slices.SortStableFunc(evs, func(a, b event) int { return int(a.at - b.at) })
	pids := map[int]bool{}
	for i := 0; i < len(evs); i += 2 {
		in, out := evs[i], evs[i+1]
		if in.what != "enter" || out.what != "leave" || in.pid != out.pid {
			t.Fatalf("overlap at event %d: %+v then %+v", i, in, out)
		}
		pids[in.pid] = true
	}
	if len(pids) != n {
		t.Fatalf("%d distinct holders, want %d", len(pids), n)
	}
}

func TestKilledHolderDoesNotBlock(t *testing.T) {
	dir := t.TempDir()
	ready := filepath.Join(dir, "ready")
	cmd := helperCmd("hold", dir, ready)
	if err := cmd.Start(); err != nil {
		t.Fatal(err)
	}
	defer cmd.Process.Kill()
	waitForFile(t, ready)

	// While it runs, a no-wait try fails with 1618 naming it.
	_, err := Acquire(context.Background(), Options{Dir: dir, Timeout: NoWait})
	var busy *BusyError
	if exitcode.Of(err) != exitcode.AlreadyRunning || !errors.As(err, &busy) {
		t.Fatalf("err = %v, want 1618 BusyError", err)
	}
	if busy.Holder.PID != cmd.Process.Pid || busy.Holder.Stale {
		t.Fatalf("holder = %+v, want live pid %d", busy.Holder, cmd.Process.Pid)
	}

	if err := cmd.Process.Kill(); err != nil { // SIGKILL: no cleanup runs
		t.Fatal(err)
	}
	_ = cmd.Wait()
	start := time.Now()
	h, err := Acquire(context.Background(), Options{Dir: dir, Timeout: NoWait})
	if err != nil {
		t.Fatalf("acquire after kill: %v", err)
	}
	defer h.Release()
	if d := time.Since(start); d > time.Second {
		t.Errorf("acquire after kill took %s", d)
	}
	if h.TookOver == nil || h.TookOver.PID != cmd.Process.Pid {
		t.Fatalf("TookOver = %+v, want the killed pid %d", h.TookOver, cmd.Process.Pid)
	}
	l, _ := machineLocker(Options{Dir: dir})
	if rec, ok := readRecord(l.recordPath()); !ok || rec.PID != os.Getpid() {
		t.Fatalf("record after takeover = %+v, %v; want ours", rec, ok)
	}
}

func waitForFile(t *testing.T, path string) {
	t.Helper()
	deadline := time.Now().Add(20 * time.Second)
	for time.Now().Before(deadline) {
		if _, err := os.Stat(path); err == nil {
			return
		}
		time.Sleep(10 * time.Millisecond)
	}
	t.Fatalf("%s did not appear", path)
}

func TestTimeoutNamesHolder(t *testing.T) {
	dir := t.TempDir()
	h, err := Acquire(context.Background(), Options{Dir: dir, Command: []string{"ohotfix", "run", "-q"}})
	if err != nil {
		t.Fatal(err)
	}
	defer h.Release()

	var logs []string
	start := time.Now()
	_, err = Acquire(context.Background(), Options{Dir: dir, Timeout: 150 * time.Millisecond,
		Logf: func(f string, a ...any) { logs = append(logs, fmt.Sprintf(f, a...)) }})
	waited := time.Since(start)
	if exitcode.Of(err) != exitcode.AlreadyRunning {
		t.Fatalf("code = %v (%v), want 1618", exitcode.Of(err), err)
	}
	if waited < 150*time.Millisecond || waited > 2*time.Second {
		t.Errorf("waited %s for a 150ms timeout", waited)
	}
	want := "pid " + strconv.Itoa(os.Getpid()) + " (ohotfix run -q)"
	if !strings.Contains(err.Error(), want) {
		t.Errorf("error %q does not name the holder %q", err, want)
	}
	if len(logs) == 0 || !strings.Contains(logs[0], want) {
		t.Errorf("logs %q do not name the holder", logs)
	}
}

func TestOnBusyCancel(t *testing.T) {
	dir := t.TempDir()
	h, err := Acquire(context.Background(), Options{Dir: dir})
	if err != nil {
		t.Fatal(err)
	}
	defer h.Release()
	var calls []Busy
	_, err = Acquire(context.Background(), Options{Dir: dir, MinBackoff: time.Millisecond, OnBusy: func(b Busy) bool {
		calls = append(calls, b)
		return len(calls) < 3 // the user presses Cancel on the third report
	}})
	if exitcode.Of(err) != exitcode.UserCancelled || !errors.Is(err, ErrCancelled) {
		t.Fatalf("err = %v, want 1602 ErrCancelled", err)
	}
	if len(calls) != 3 {
		t.Fatalf("OnBusy called %d times, want 3", len(calls))
	}
	if calls[0].Holder.PID != os.Getpid() || calls[0].Remaining <= 0 || calls[0].Remaining > DefaultTimeout {
		t.Errorf("busy report %+v", calls[0])
	}
}

func TestContext(t *testing.T) {
	dir := t.TempDir()
	h, err := Acquire(context.Background(), Options{Dir: dir})
	if err != nil {
		t.Fatal(err)
	}
	defer h.Release()

	ctx, cancel := context.WithCancel(context.Background())
	time.AfterFunc(50*time.Millisecond, cancel)
	if _, err := Acquire(ctx, Options{Dir: dir}); exitcode.Of(err) != exitcode.UserCancelled {
		t.Errorf("cancelled: %v, want 1602", err)
	}
	ctx, cancel2 := context.WithTimeout(context.Background(), 50*time.Millisecond)
	defer cancel2()
	_, err = Acquire(ctx, Options{Dir: dir})
	var busy *BusyError
	if exitcode.Of(err) != exitcode.AlreadyRunning || !errors.As(err, &busy) {
		t.Errorf("deadline: %v, want 1618", err)
	}
}

func TestSymlinkRefused(t *testing.T) {
	for _, dangling := range []bool{false, true} {
		t.Run(fmt.Sprintf("dangling=%v", dangling), func(t *testing.T) {
			dir := t.TempDir()
			victim := filepath.Join(t.TempDir(), "victim")
			if !dangling {
				if err := os.WriteFile(victim, []byte("precious"), 0o600); err != nil {
					t.Fatal(err)
				}
			}
			path := filepath.Join(dir, ImageLockName)
			if err := os.Symlink(victim, path); err != nil {
				if os.Getenv("CI") == "true" { // CI's Linux runners always can: a skip would hide the check
					t.Fatal("symlinks not available:", err)
				}
				t.Skip("symlinks not available:", err)
			}
			_, err := AcquireFile(context.Background(), path, Options{Timeout: NoWait})
			if !errors.Is(err, ErrSymlink) || exitcode.Of(err) != exitcode.Fatal {
				t.Fatalf("err = %v, want ErrSymlink with 1603", err)
			}
			data, rerr := os.ReadFile(victim)
			switch {
			case dangling && rerr == nil:
				t.Fatal("the symlink's target was created")
			case !dangling && string(data) != "precious":
				t.Fatalf("target changed: %q, %v", data, rerr)
			}
		})
	}
}

func TestNotRegularFileRefused(t *testing.T) {
	dir := t.TempDir()
	path := filepath.Join(dir, ImageLockName)
	if err := os.Mkdir(path, 0o755); err != nil {
		t.Fatal(err)
	}
	_, err := AcquireFile(context.Background(), path, Options{Timeout: NoWait})
	if err == nil || exitcode.Of(err) != exitcode.Fatal || !strings.Contains(err.Error(), "not a regular file") {
		t.Fatalf("err = %v", err)
	}
}

// deadPID returns the pid of a process that has exited.
func deadPID(t *testing.T) int {
	cmd := helperCmd("exit", "", "")
	if err := cmd.Run(); err != nil {
		t.Fatal(err)
	}
	return cmd.Process.Pid
}

func TestStaleRecordTakeover(t *testing.T) {
	dir := t.TempDir()
	path := filepath.Join(dir, ImageLockName)
	dead := Holder{PID: deadPID(t), Command: []string{"ohotfix", "admin", "patch"}, Host: hostname(), Since: time.Now().Add(-time.Hour).UTC()}
	if err := writeRecord(path+recordSuffix, dead); err != nil {
		t.Fatal(err)
	}
	if h, ok := readRecord(path + recordSuffix); !ok || !h.Stale {
		t.Fatalf("record of a dead pid: %+v ok=%v, want stale", h, ok)
	}
	h, err := AcquireFile(context.Background(), path, Options{Timeout: NoWait})
	if err != nil {
		t.Fatal(err)
	}
	if h.TookOver == nil || h.TookOver.PID != dead.PID || !h.TookOver.Stale {
		t.Fatalf("TookOver = %+v", h.TookOver)
	}
	if !strings.Contains(h.TookOver.String(), "ohotfix admin patch") || !strings.Contains(h.TookOver.String(), "stale") {
		t.Errorf("TookOver.String() = %q", h.TookOver)
	}
	if err := h.Release(); err != nil {
		t.Fatal(err)
	}
	if err := h.Release(); err != nil {
		t.Fatalf("second Release: %v", err)
	}
	if _, err := os.Stat(path + recordSuffix); !os.IsNotExist(err) {
		t.Fatalf("record left after release: %v", err)
	}
	if _, err := os.Stat(path); err != nil {
		t.Fatalf("lock file must stay: %v", err)
	}
}

func TestRecordOfOtherHostNeverStale(t *testing.T) {
	h := Holder{PID: deadPID(t), Host: hostname() + "-elsewhere"}
	if isStale(h) {
		t.Fatal("a record from another host was judged stale")
	}
}

func TestMalformedRecords(t *testing.T) {
	dir := t.TempDir()
	path := filepath.Join(dir, "x.lock")
	for name, data := range map[string][]byte{
		"garbage":  []byte("\x00\xffnot json"),
		"partial":  []byte(`{"pid":12`),
		"no pid":   []byte(`{"command":["x"]}`),
		"negative": []byte(`{"pid":-4}`),
		"huge":     append([]byte(`{"pid":1,"note":"`), make([]byte, maxRecord)...),
	} {
		t.Run(name, func(t *testing.T) {
			if err := os.WriteFile(path+recordSuffix, data, 0o644); err != nil {
				t.Fatal(err)
			}
			if h, ok := readRecord(path + recordSuffix); ok {
				t.Fatalf("accepted %+v", h)
			}
			h, err := AcquireFile(context.Background(), path, Options{Timeout: NoWait})
			if err != nil {
				t.Fatal(err)
			}
			if h.TookOver != nil {
				t.Errorf("TookOver from an unreadable record: %+v", h.TookOver)
			}
			if err := h.Release(); err != nil {
				t.Fatal(err)
			}
		})
	}
}

func TestImageLockExclusive(t *testing.T) {
	path := filepath.Join(t.TempDir(), ImageLockName)
	h, err := AcquireFile(context.Background(), path, Options{})
	if err != nil {
		t.Fatal(err)
	}
	_, err = AcquireFile(context.Background(), path, Options{Timeout: NoWait})
	if exitcode.Of(err) != exitcode.AlreadyRunning {
		t.Fatalf("second holder: %v, want 1618", err)
	}
	if err := h.Release(); err != nil {
		t.Fatal(err)
	}
	h2, err := AcquireFile(context.Background(), path, Options{Timeout: NoWait})
	if err != nil {
		t.Fatalf("after release: %v", err)
	}
	h2.Release()
}

// A waiter blocked on a holder gets the lock as soon as it is released.
func TestWaiterGetsLockAfterRelease(t *testing.T) {
	dir := t.TempDir()
	h, err := Acquire(context.Background(), Options{Dir: dir})
	if err != nil {
		t.Fatal(err)
	}
	var wg sync.WaitGroup
	wg.Add(1)
	var got *Handle
	var gerr error
	var logs []string
	go func() {
		defer wg.Done()
		got, gerr = Acquire(context.Background(), Options{Dir: dir, Timeout: 10 * time.Second, MinBackoff: 5 * time.Millisecond, MaxBackoff: 20 * time.Millisecond,
			Logf: func(f string, a ...any) { logs = append(logs, fmt.Sprintf(f, a...)) }})
	}()
	time.Sleep(60 * time.Millisecond)
	h.Release()
	wg.Wait()
	if gerr != nil {
		t.Fatal(gerr)
	}
	if got.TookOver != nil {
		t.Errorf("clean release reported as takeover: %+v", got.TookOver)
	}
	if len(logs) != 2 || !strings.Contains(logs[0], "held by pid") || !strings.Contains(logs[1], "acquired") {
		t.Errorf("logs %q: want the holder, then the acquisition", logs)
	}
	got.Release()
}

func TestWaitFromSeconds(t *testing.T) {
	for n, want := range map[int]time.Duration{600: 10 * time.Minute, 1: time.Second, 0: NoWait, -5: NoWait} {
		if got := WaitFromSeconds(n); got != want {
			t.Errorf("WaitFromSeconds(%d) = %s, want %s", n, got, want)
		}
	}
}

func BenchmarkAcquireRelease(b *testing.B) {
	dir := b.TempDir()
	for b.Loop() {
		h, err := Acquire(context.Background(), Options{Dir: dir, Timeout: NoWait})
		if err != nil {
			b.Fatal(err)
		}
		if err := h.Release(); err != nil {
			b.Fatal(err)
		}
	}
}
