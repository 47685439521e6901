package main

import (
	"bufio"
	"context"
	"encoding/json"
	"io"
	"net"
	"net/http"
	"os"
	"os/exec"
	"path/filepath"
	"runtime"
	"strings"
	"syscall"
	"testing"
	"time"

	"github.com/ohotfix/ohotfix/bootstrap"
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
// bucket; with the collector down it stays queued; `ohotfix watson send`
// delivers it to a collector started later (`ohotfix watson serve`), once;
// the collector lists it and the stored cabinet passes cabextract -t.
func TestWatsonFailedAdminRunEndToEnd(t *testing.T) {
	requireTool(t, "cabextract", "cabextract")
	updates, _ := adminCase(t, "RunSetupWatson=1\n")
	p := filepath.Join(updates, "fix.msp")
	data, err := os.ReadFile(p)
	if err != nil {
		t.Fatal(err)
	}
	os.WriteFile(p, data[:len(data)*2/3], 0o644)
	tmp := t.TempDir()
	env := []string{"TMPDIR=" + tmp}
	resultPath := filepath.Join(tmp, "result.json")
	r := runBinary(t, env, "run", updates, "--result-json", resultPath)
	if r.status != 1636&0xff {
		t.Fatalf("run: status %d, want 1636's\n%s", r.status, r.stderr)
	}
	result, err := os.ReadFile(resultPath)
	if err != nil {
		t.Fatal(err)
	}

	// The hook of a failed run (what the session calls; see watson.OnFailure),
	// with the collector down.
	addr := freeTCPAddr(t)
	url := "http://" + addr
	out, err := watson.OnFailure(context.Background(),
		watson.Input{ResultJSON: result, UIMode: "quiet", Invoker: "cli"},
		watson.Config{RunSetupWatson: true, URL: url, QueueDir: filepath.Join(tmp, "OHotfix", "Watson"), Budget: time.Second}, nil)
	if err != nil || out.Report == nil || !out.Queued || out.SendErr == nil {
		t.Fatalf("OnFailure: %+v %v", out, err)
	}
	wantBucket := watson.Bucket(watson.EventType, watson.Params{bootstrap.Version, "fix.msp", "-", "-", "detect", "read-patch",
		"1636", "1636", runtime.GOOS + "/" + runtime.GOARCH, "quiet/cli"})
	if out.Report.Bucket != wantBucket {
		t.Fatalf("bucket %s (params %q), want %s", out.Report.Bucket, out.Report.Params, wantBucket)
	}

	var queued []struct{ ID, Bucket, Destination string }
	r = runBinary(t, env, "watson", "list", "--json")
	if err := json.Unmarshal([]byte(r.stdout), &queued); err != nil || len(queued) != 1 ||
		queued[0].Bucket != wantBucket || queued[0].Destination != url || queued[0].ID != out.Report.ID {
		t.Fatalf("list --json: %v %s", err, r.stdout)
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
	if r := runBinary(t, env, "watson", "list", "--json"); strings.TrimSpace(r.stdout) != "[]" {
		t.Fatalf("queue after send: %s", r.stdout)
	}
	if r := runBinary(t, env, "watson", "send"); r.status != 0 || !strings.Contains(r.stdout, "no reports queued") {
		t.Fatalf("second send: %s", r.stdout)
	}
	var buckets []watson.BucketSummary
	if err := json.Unmarshal([]byte(httpGet(t, url+"/buckets")), &buckets); err != nil || len(buckets) != 1 ||
		buckets[0].Bucket != wantBucket || buckets[0].Count != 1 || buckets[0].Parameters.P7 != "1636" {
		t.Fatalf("/buckets: %v %+v", err, buckets)
	}
	if page := httpGet(t, url+"/"); !strings.Contains(page, wantBucket) || !strings.Contains(page, "<svg") {
		t.Fatalf("GET /: %s", page)
	}
	stored := filepath.Join(collected, wantBucket, id+".cab")
	if out, err := exec.Command("cabextract", "-t", stored).CombinedOutput(); err != nil || !strings.Contains(string(out), "All done, no errors.") {
		t.Fatalf("cabextract -t %s: %v\n%s", stored, err, out)
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
