package admin

import (
	"context"
	"errors"
	"fmt"
	"io"
	"os"
	"os/exec"
	"path/filepath"
	"syscall"
	"testing"

	"go.uber.org/zap"

	"github.com/ohotfix/ohotfix/exitcode"
)

// Worker mode: the crash tests re-run this test binary with workerEnv set;
// TestMain then runs one operation on the named image and exits, unless the
// crash hook kills it first.
const workerEnv = "OHOTFIX_ADMIN_TEST_WORKER"

func TestMain(m *testing.M) {
	if spec := os.Getenv(workerEnv); spec != "" {
		os.Exit(runWorker(spec))
	}
	code := m.Run()
	removeBenchFixtures()
	os.Exit(code)
}

// runWorker runs "plan:<image dir>" (the test plan below) or
// "apply:<image msi>:<patch>" (ApplyPatch) and returns the exit status.
func runWorker(spec string) int {
	var err error
	switch {
	case len(spec) > 5 && spec[:5] == "plan:":
		err = runPlan(context.Background(), spec[5:], nil)
	case len(spec) > 6 && spec[:6] == "apply:":
		err = workerApply(spec[6:])
	default:
		err = fmt.Errorf("unknown worker spec %q", spec)
	}
	if err != nil {
		fmt.Fprintln(os.Stderr, err)
		return exitcode.Of(err).Status()
	}
	return 0
}

// The test plan: replace two files (one in a subfolder), add one in two new
// folders, replace the database last; leave keep.txt alone.
var (
	planOld = map[string]string{
		"product.msi": "old database",
		"a.txt":       "A old",
		"dir1/b.txt":  "B old",
		"keep.txt":    "keep me",
	}
	planNew = map[string]string{
		"product.msi":      "new database",
		"a.txt":            "A new, longer",
		"dir1/b.txt":       "B new",
		"newdir/sub/c.txt": "C added",
		"keep.txt":         "keep me",
	}
)

func writeTree(t testing.TB, dir string, files map[string]string) {
	t.Helper()
	for rel, data := range files {
		p := filepath.Join(dir, filepath.FromSlash(rel))
		if err := os.MkdirAll(filepath.Dir(p), 0o755); err != nil {
			t.Fatal(err)
		}
		if err := os.WriteFile(p, []byte(data), 0o644); err != nil {
			t.Fatal(err)
		}
	}
}

// runPlan applies the test plan to dir the way ApplyPatch runs a patch:
// image lock, recovery, then one transaction.
func runPlan(ctx context.Context, dir string, wrap func(io.Writer) io.Writer) error {
	var jobs []copyJob
	for _, rel := range []string{"a.txt", "dir1/b.txt", "newdir/sub/c.txt"} {
		jobs = append(jobs, copyJob{Dst: rel, Data: []byte(planNew[rel]), Size: int64(len(planNew[rel]))})
	}
	db := &copyJob{Dst: "product.msi", Write: func(p string) error {
		return os.WriteFile(p, []byte(planNew["product.msi"]), 0o644)
	}}
	return withImageLock(ctx, dir, 0, zap.NewNop(), func() error {
		return transact(ctx, dir, jobs, db, transactOptions{Patch: "{TEST}", Wrap: wrap})
	})
}

func TestTransactionCommits(t *testing.T) {
	dir := t.TempDir()
	writeTree(t, dir, planOld)
	if err := runPlan(context.Background(), dir, nil); err != nil {
		t.Fatal(err)
	}
	want := map[string]string{}
	for k, v := range planNew {
		want[k] = v
	}
	if d := diffTrees(want, treeSnapshot(t, dir)); d != "" {
		t.Fatalf("after commit:\n%s", d)
	}
}

// TestTransactionFaultAtEveryStep fails each journaled file operation in turn
// (as a full disk would) and checks that the image is unchanged and the error
// is 1632 — or, once committed (a cleanup failed), that the run succeeds with
// the new image and the next run removes the leftovers.
func TestTransactionFaultAtEveryStep(t *testing.T) {
	total := countPlanOps(t)
	for n := int64(1); n <= total; n++ {
		dir := t.TempDir()
		writeTree(t, dir, planOld)
		base := opCount.Load()
		var failedKind string
		testHookFileOp = func(i int64, kind, path string) error {
			if i-base == n {
				failedKind = kind
				return &os.PathError{Op: kind, Path: path, Err: syscall.ENOSPC}
			}
			return nil
		}
		err := runPlan(context.Background(), dir, nil)
		testHookFileOp = nil
		got := treeSnapshot(t, dir)
		switch failedKind {
		case "cleanup":
			// After the commit mark a failed cleanup leaves the new image and
			// leftovers that the next run removes: a success.
			if err != nil {
				t.Fatalf("op %d (cleanup): err = %v, want success (committed)", n, err)
			}
			if err := Recover(dir); err != nil {
				t.Fatalf("op %d (cleanup): recover: %v", n, err)
			}
			if d := diffTrees(mapOf(planNew), treeSnapshot(t, dir)); d != "" {
				t.Errorf("op %d (cleanup): image is not the new one:\n%s", n, d)
			}
			continue
		}
		if err == nil || exitcode.Of(err) != exitcode.TempUnwritable {
			t.Fatalf("op %d (%s): err = %v (code %v), want 1632", n, failedKind, err, exitcode.Of(err))
		}
		if d := diffTrees(mapOf(planOld), got); d != "" {
			t.Errorf("op %d (%s) failed but the image changed:\n%s", n, failedKind, d)
		}
	}
}

func mapOf(m map[string]string) map[string]string {
	out := map[string]string{}
	for k, v := range m {
		out[k] = v
	}
	return out
}

// countPlanOps runs the plan once and counts its journaled operations.
func countPlanOps(t *testing.T) int64 {
	dir := t.TempDir()
	writeTree(t, dir, planOld)
	before := opCount.Load()
	if err := runPlan(context.Background(), dir, nil); err != nil {
		t.Fatal(err)
	}
	n := opCount.Load() - before
	if n < 10 {
		t.Fatalf("the plan made only %d journaled operations", n)
	}
	return n
}

// errWriter fails after limit bytes with ENOSPC, like a full disk.
type errWriter struct {
	w     io.Writer
	limit int
}

func (e *errWriter) Write(p []byte) (int, error) {
	if len(p) > e.limit {
		n, _ := e.w.Write(p[:e.limit])
		e.limit = 0
		return n, &os.PathError{Op: "write", Path: "staged", Err: syscall.ENOSPC}
	}
	e.limit -= len(p)
	return e.w.Write(p)
}

func TestTransactionDiskFull(t *testing.T) {
	dir := t.TempDir()
	writeTree(t, dir, planOld)
	err := runPlan(context.Background(), dir, func(w io.Writer) io.Writer { return &errWriter{w: w, limit: 3} })
	if exitcode.Of(err) != exitcode.TempUnwritable || !errors.Is(err, syscall.ENOSPC) {
		t.Fatalf("err = %v, want 1632 (disk full) wrapping ENOSPC", err)
	}
	if d := diffTrees(mapOf(planOld), treeSnapshot(t, dir)); d != "" {
		t.Fatalf("image changed:\n%s", d)
	}
}

// TestTransactionCrashAtEveryStep kills a worker process (SIGKILL through the
// crash hook) at each journaled operation of the plan in turn; after recovery
// the image must be exactly the old or exactly the new one.
func TestTransactionCrashAtEveryStep(t *testing.T) {
	total := countPlanOps(t)
	sawOld, sawNew := 0, 0
	for n := int64(1); n <= total+1; n++ {
		dir := t.TempDir()
		writeTree(t, dir, planOld)
		killed := runCrashWorker(t, "plan:"+dir, n)
		if n <= total && !killed {
			t.Fatalf("crash point %d of %d: the worker was not killed", n, total)
		}
		if err := Recover(dir); err != nil {
			t.Fatalf("crash point %d: recover: %v", n, err)
		}
		got := treeSnapshot(t, dir)
		switch {
		case diffTrees(mapOf(planOld), got) == "":
			sawOld++
		case diffTrees(mapOf(planNew), got) == "":
			sawNew++
		default:
			t.Fatalf("crash point %d: image is a mix of old and new:\nvs old:\n%s\nvs new:\n%s", n,
				diffTrees(mapOf(planOld), got), diffTrees(mapOf(planNew), got))
		}
		// The next run works normally on the recovered image.
		if err := runPlan(context.Background(), dir, nil); err != nil {
			t.Fatalf("crash point %d: run after recovery: %v", n, err)
		}
	}
	if sawOld == 0 || sawNew == 0 {
		t.Errorf("crash points gave %d old and %d new images; want both outcomes", sawOld, sawNew)
	}
}

// errKilled reports a worker ended by SIGKILL (the crash hook).
var errKilled = errors.New("worker killed")

// runWorkerProcess runs spec in a child test binary, with the crash hook at
// crashAt when it is positive.
func runWorkerProcess(spec string, crashAt int64) error {
	cmd := exec.Command(os.Args[0], "-test.run=^$")
	cmd.Env = append(os.Environ(), workerEnv+"="+spec)
	if crashAt > 0 {
		cmd.Env = append(cmd.Env, fmt.Sprintf("%s=%d", CrashEnv, crashAt))
	}
	out, err := cmd.CombinedOutput()
	var ee *exec.ExitError
	if errors.As(err, &ee) {
		if ws, ok := ee.Sys().(syscall.WaitStatus); ok && ws.Signaled() && ws.Signal() == syscall.SIGKILL {
			return errKilled
		}
	}
	if err != nil {
		return fmt.Errorf("worker %s: %v\n%s", spec, err, out)
	}
	return nil
}

// runCrashWorker runs spec with the crash hook at n and reports whether the
// worker was killed.
func runCrashWorker(t *testing.T, spec string, n int64) bool {
	t.Helper()
	err := runWorkerProcess(spec, n)
	if errors.Is(err, errKilled) {
		return true
	}
	if err != nil {
		t.Fatal(err)
	}
	return false
}

// workerApply is set by the patch tests (ApplyPatch as a worker).
var workerApplyFunc func(spec string) error

func workerApply(spec string) error {
	if workerApplyFunc == nil {
		return fmt.Errorf("no apply worker in this build")
	}
	return workerApplyFunc(spec)
}
