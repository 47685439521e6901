package main

import (
	"bufio"
	"encoding/json"
	"io"
	"net"
	"net/http"
	"net/http/httptest"
	"os"
	"os/exec"
	"path/filepath"
	"runtime"
	"strings"
	"syscall"
	"testing"
	"time"

	"github.com/ohotfix/ohotfix/bootstrap"
	"github.com/ohotfix/ohotfix/internal/testtools"
	"github.com/ohotfix/ohotfix/watson"
)

// The queue commands on an empty queue, and their usage errors.
func TestWatsonCLIEmptyQueue(t *testing.T) {
	env := []string{"TMPDIR=" + t.TempDir()}
	if r := runBinary(t, env, "watson", "list", "--json"); r.status != 0 || strings.TrimSpace(r.stdout) != "[]" {
		t.Fatalf("list --json: %d %q %s", r.status, r.stdout, r.stderr)
	}
	if r := runBinary(t, env, "watson", "show", "0123"); r.status != 1639&0xff || !strings.Contains(r.stderr, "no such report") {
		t.Fatalf("show unknown: %d %s", r.status, r.stderr)
	}
	if r := runBinary(t, env, "watson", "send"); r.status != 0 || !strings.Contains(r.stdout, "no reports queued") {
		t.Fatalf("send empty: %d %s %s", r.status, r.stdout, r.stderr)
	}
	if r := runBinary(t, env, "watson", "send", "--url", "ftp://x"); r.status != 1639&0xff {
		t.Fatalf("send --url ftp: %d", r.status)
	}
	if r := runBinary(t, env, "watson", "purge"); r.status != 0 || !strings.Contains(r.stdout, "deleted 0") {
		t.Fatalf("purge: %d %s", r.status, r.stdout)
	}
	if r := runBinary(t, env, "watson", "serve"); r.status != 1639&0xff {
		t.Fatalf("serve without --dir: %d %s", r.status, r.stderr)
	}
}

// A failing admin run (a truncated .msp) makes one report with the expected
// bucket, which a collector started in the test receives and lists; with
// RunSetupWatson=0, or from ohotfix check, nothing is made; with the collector down the run is
// delayed by a few seconds at most and the report stays queued, and
// `ohotfix watson send` delivers it once the collector (`ohotfix watson
// serve`) is up — once; every stored report passes cabextract -t.
func TestWatsonFailedAdminRunEndToEnd(t *testing.T) {
	testtools.LookPath(t, "cabextract")
	updates, _ := adminCase(t, "RunSetupWatson=1\n")
	p := filepath.Join(updates, "fix.msp")
	data, err := os.ReadFile(p)
	if err != nil {
		t.Fatal(err)
	}
	os.WriteFile(p, data[:len(data)*2/3], 0o644)
	tmp := t.TempDir()
	env := []string{"TMPDIR=" + tmp}
	wantBucket := watson.Bucket(watson.EventType, watson.Params{bootstrap.Version, "fix.msp",
		"{5E1F0C3A-7D2B-4C11-9A0E-0DE0DE000001}", "1.0.0", "detect", "read-patch",
		"1636", "1636", runtime.GOOS + "/" + runtime.GOARCH, "quiet/cli"})
	queue := func() []struct{ ID, Bucket, Destination string } {
		t.Helper()
		var queued []struct{ ID, Bucket, Destination string }
		r := runBinary(t, env, "watson", "list", "--json")
		if err := json.Unmarshal([]byte(r.stdout), &queued); err != nil {
			t.Fatalf("list --json: %v %q", err, r.stdout)
		}
		return queued
	}

	// 1. The collector is up: the failed run delivers its report.
	col, err := watson.NewCollector(filepath.Join(t.TempDir(), "collected"))
	if err != nil {
		t.Fatal(err)
	}
	up := httptest.NewServer(col)
	defer up.Close()
	if r := runBinary(t, env, "run", updates, "--watson-url", up.URL); r.status != 1636&0xff {
		t.Fatalf("run: status %d, want 1636's\n%s", r.status, r.stderr)
	}
	bs := col.Buckets()
	if len(bs) != 1 || bs[0].Bucket != wantBucket || bs[0].Count != 1 {
		t.Fatalf("collector after the run: %+v (want bucket %s)", bs, wantBucket)
	}
	var buckets []watson.BucketSummary
	if err := json.Unmarshal([]byte(httpGet(t, up.URL+"/buckets")), &buckets); err != nil || len(buckets) != 1 ||
		buckets[0].Bucket != wantBucket || buckets[0].Parameters.P7 != "1636" || buckets[0].Parameters.P6 != "read-patch" {
		t.Fatalf("/buckets: %v %+v", err, buckets)
	}
	if page := httpGet(t, up.URL+"/"); !strings.Contains(page, wantBucket) || !strings.Contains(page, `<rect class="bar"`) {
		t.Fatalf("GET /: %s", page)
	}
	if q := queue(); len(q) != 0 {
		t.Fatalf("delivered yet still queued: %+v", q)
	}
	cabextractAll(t, col.Dir, 1)

	// 2. RunSetupWatson=0: no report at all, even with a collector.
	if r := runBinary(t, env, "run", updates, "--watson-url", up.URL, "--set", "RunSetupWatson=0"); r.status != 1636&0xff {
		t.Fatalf("run: %d", r.status)
	}
	if n := col.Buckets()[0].Count; n != 1 || len(queue()) != 0 {
		t.Fatalf("RunSetupWatson=0 made a report (count %d)", n)
	}
	// Nor does `ohotfix check`, which fails the same way.
	if r := runBinary(t, env, "check", updates, "--watson-url", up.URL); r.status != 1636&0xff {
		t.Fatalf("check: %d", r.status)
	}
	if n := col.Buckets()[0].Count; n != 1 || len(queue()) != 0 {
		t.Fatalf("check made a report (count %d)", n)
	}

	// 3. The collector is down: the run waits a few seconds at most and
	// the report stays queued with its destination.
	addr := freeTCPAddr(t)
	url := "http://" + addr
	start := time.Now()
	if r := runBinary(t, env, "run", updates, "--watson-url", url); r.status != 1636&0xff {
		t.Fatalf("run: %d %s", r.status, r.stderr)
	}
	if took := time.Since(start); took > watson.DefaultBudget+3*time.Second {
		t.Fatalf("the run took %v with the collector down", took)
	}
	queued := queue()
	if len(queued) != 1 || queued[0].Bucket != wantBucket || queued[0].Destination != url {
		t.Fatalf("queue: %+v", queued)
	}
	id := queued[0].ID
	if r := runBinary(t, env, "watson", "show", id[:12]); r.status != 0 || !strings.Contains(r.stdout, wantBucket) ||
		!strings.Contains(r.stdout, "read-patch") || !strings.Contains(r.stdout, "msi-tail.log") {
		t.Fatalf("show: %d %s %s", r.status, r.stdout, r.stderr)
	}
	if r := runBinary(t, env, "watson", "show", id, "--member", "ohotfix.log"); r.status != 0 || !strings.Contains(r.stdout, "1636") {
		t.Fatalf("show --member: %d %s", r.status, r.stderr)
	}
	if r := runBinary(t, env, "watson", "send", "--timeout", "1s"); r.status == 0 || !strings.Contains(r.stdout, "kept "+id) {
		t.Fatalf("send with the collector down: %d %s", r.status, r.stdout)
	}

	// The collector comes up where the report is meant to go.
	collected := filepath.Join(t.TempDir(), "collected")
	serve := exec.Command(ohotfixBinary(t), "watson", "serve", "--addr", addr, "--dir", collected)
	stdout, _ := serve.StdoutPipe()
	serve.Stderr = io.Discard
	if err := serve.Start(); err != nil {
		t.Fatal(err)
	}
	defer func() { serve.Process.Signal(syscall.SIGTERM); serve.Wait() }()
	line, err := bufio.NewReader(stdout).ReadString('\n')
	if err != nil || !strings.Contains(line, "listening on "+url) {
		t.Fatalf("serve: %q %v", line, err)
	}
	if r := runBinary(t, env, "watson", "send"); r.status != 0 || strings.TrimSpace(r.stdout) != "sent "+id {
		t.Fatalf("send: %d %q %s", r.status, r.stdout, r.stderr)
	}
	if q := queue(); len(q) != 0 {
		t.Fatalf("queue after send: %+v", q)
	}
	if r := runBinary(t, env, "watson", "send"); r.status != 0 || !strings.Contains(r.stdout, "no reports queued") {
		t.Fatalf("second send: %s", r.stdout)
	}
	if err := json.Unmarshal([]byte(httpGet(t, url+"/buckets")), &buckets); err != nil || len(buckets) != 1 ||
		buckets[0].Bucket != wantBucket || buckets[0].Count != 1 {
		t.Fatalf("/buckets: %v %+v", err, buckets)
	}
	cabextractAll(t, collected, 1)
}

// cabextractAll runs cabextract -t on every stored report below dir.
func cabextractAll(t *testing.T, dir string, want int) {
	t.Helper()
	cabs, _ := filepath.Glob(filepath.Join(dir, "*", "*.cab"))
	if len(cabs) != want {
		t.Fatalf("%d stored reports in %s, want %d", len(cabs), dir, want)
	}
	for _, c := range cabs {
		if out, err := exec.Command("cabextract", "-t", c).CombinedOutput(); err != nil || !strings.Contains(string(out), "All done, no errors.") {
			t.Fatalf("cabextract -t %s: %v\n%s", c, err, out)
		}
	}
}

func freeTCPAddr(t *testing.T) string {
	ln, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		t.Fatal(err)
	}
	defer ln.Close()
	return ln.Addr().String()
}

func httpGet(t *testing.T, url string) string {
	t.Helper()
	resp, err := http.Get(url)
	if err != nil {
		t.Fatal(err)
	}
	defer resp.Body.Close()
	b, _ := io.ReadAll(resp.Body)
	if resp.StatusCode != 200 {
		t.Fatalf("GET %s: %s", url, resp.Status)
	}
	return string(b)
}

// A crash of ohotfix itself (a panic during the run) is reported as 1603
// with step "crash" and the panic's first line as the installer error.
func TestWatsonHookReportsCrash(t *testing.T) {
	tmp := t.TempDir()
	t.Setenv("TMPDIR", tmp)
	s := &bootstrap.Session{Config: &bootstrap.Config{RunSetupWatson: true}, UI: bootstrap.UIQuiet, Logs: bootstrap.NopLogs()}
	reportFailure(nil, s, nil, "index out of range [3] with length 3\ngoroutine 1 [running]:")
	entries, err := (&watson.Queue{}).List()
	if err != nil || len(entries) != 1 {
		t.Fatalf("queue: %v %v", entries, err)
	}
	data, _ := (&watson.Queue{}).Cabinet(entries[0].ID)
	rep, _, _, err := watson.Parse(data)
	if err != nil {
		t.Fatal(err)
	}
	if rep.Params[6] != "1603" || rep.Params[5] != "crash" || rep.Params[7] != "index out of range [3] with length 3" || rep.Params[9] != "quiet/cli" {
		t.Fatalf("params %q", rep.Params)
	}
	// A successful run and RunSetupWatson=0 report nothing.
	(&watson.Queue{}).Purge()
	reportFailure(nil, s, &bootstrap.Result{ExitCode: 3010}, nil)
	s.Config.RunSetupWatson = false
	reportFailure(nil, s, nil, "boom")
	if entries, _ := (&watson.Queue{}).List(); len(entries) != 0 {
		t.Fatalf("reported: %v", entries)
	}
}
