package watson

import (
	"bytes"
	"context"
	"encoding/json"
	"errors"
	"io"
	"net"
	"net/http"
	"net/http/httptest"
	"os"
	"path/filepath"
	"regexp"
	"strings"
	"sync/atomic"
	"testing"
	"time"

	"github.com/ohotfix/ohotfix/internal/testtools"
)

func newTestCollector(t testing.TB) (*Collector, *httptest.Server) {
	t.Helper()
	c, err := NewCollector(filepath.Join(t.TempDir(), "collected"))
	must(t, err)
	srv := httptest.NewServer(c)
	t.Cleanup(srv.Close)
	return c, srv
}

func get(t testing.TB, url string) (int, string) {
	t.Helper()
	resp, err := http.Get(url)
	must(t, err)
	defer resp.Body.Close()
	b, err := io.ReadAll(resp.Body)
	must(t, err)
	return resp.StatusCode, string(b)
}

func getBuckets(t testing.TB, base string) []BucketSummary {
	t.Helper()
	code, body := get(t, base+"/buckets")
	if code != 200 {
		t.Fatalf("GET /buckets: %d %s", code, body)
	}
	var out []BucketSummary
	must(t, json.Unmarshal([]byte(body), &out))
	return out
}

func post(t testing.TB, base string, body []byte) (int, string) {
	t.Helper()
	resp, err := http.Post(ReportsURL(base), ContentType, bytes.NewReader(body))
	must(t, err)
	defer resp.Body.Close()
	b, _ := io.ReadAll(resp.Body)
	return resp.StatusCode, string(b)
}

// A queued report is sent, stored as DIR/<bucket>/<id>.cab (a cabinet
// cabextract accepts), listed by GET /buckets and GET /, readable through
// its pages, and stored once however often it is sent.
func TestCollectorReceivesStoresLists(t *testing.T) {
	c, srv := newTestCollector(t)
	q := &Queue{Dir: t.TempDir()}
	rep, err := Build(sampleInput(t, t.TempDir()), testRedactor())
	must(t, err)
	_, err = q.Put(rep, srv.URL)
	must(t, err)
	res, err := q.Send(context.Background(), SendOptions{})
	must(t, err)
	if len(res.Sent) != 1 || res.Sent[0] != rep.ID || len(res.Failed) != 0 {
		t.Fatalf("send: %+v", res)
	}
	if l, _ := q.List(); len(l) != 0 {
		t.Fatalf("still queued after a 2xx: %v", l)
	}
	stored := filepath.Join(c.Dir, rep.Bucket, rep.ID+".cab")
	data, err := os.ReadFile(stored)
	must(t, err)
	if !bytes.Equal(data, rep.Cabinet) {
		t.Fatal("stored bytes differ")
	}
	if tool, err := lookCabextract(t); err == nil {
		cabextractTest(t, tool, stored, rep.Members)
	}

	bs := getBuckets(t, srv.URL)
	if len(bs) != 1 || bs[0].Bucket != rep.Bucket || bs[0].Count != 1 || bs[0].Parameters.P7 != "1635" ||
		bs[0].Parameters.P2 != "fix.msp" || bs[0].EventType != EventType || bs[0].FirstSeen.IsZero() || bs[0].LastSeen.IsZero() {
		t.Fatalf("/buckets: %+v", bs)
	}
	code, page := get(t, srv.URL+"/")
	if code != 200 || !strings.Contains(page, rep.Bucket) || len(barRe.FindAllString(page, -1)) != 1 {
		t.Fatalf("GET /: %d\n%s", code, page)
	}
	_, bpage := get(t, srv.URL+"/buckets/"+rep.Bucket)
	if !strings.Contains(bpage, `href="/reports/`+rep.ID+`"`) || !strings.Contains(bpage, `/reports/`+rep.ID+`/ohotfix.log`) {
		t.Fatalf("bucket page:\n%s", bpage)
	}
	_, rpage := get(t, srv.URL+"/reports/"+rep.ID)
	if !strings.Contains(rpage, "OHotfixSetupFailure") || !strings.Contains(rpage, `/reports/`+rep.ID+`/msi-tail.log`) {
		t.Fatalf("report page:\n%s", rpage)
	}
	code, logText := get(t, srv.URL+"/reports/"+rep.ID+"/ohotfix.log")
	if code != 200 || !strings.Contains(logText, "exit code 1635") || strings.Contains(strings.ToLower(logText), "mallory") {
		t.Fatalf("log: %d %s", code, logText)
	}
	if code, raw := get(t, srv.URL+"/reports/"+rep.ID+".cab"); code != 200 || raw != string(rep.Cabinet) {
		t.Fatal("cabinet download differs")
	}

	// The same cabinet again: 200, still one report.
	if code, body := post(t, srv.URL, rep.Cabinet); code != http.StatusOK || !strings.Contains(body, `"duplicate":true`) {
		t.Fatalf("resend: %d %s", code, body)
	}
	if bs := getBuckets(t, srv.URL); bs[0].Count != 1 {
		t.Fatalf("count after resend %d", bs[0].Count)
	}
	// A restarted collector finds what it stored.
	c2, err := NewCollector(c.Dir)
	must(t, err)
	if bs := c2.Buckets(); len(bs) != 1 || bs[0].Count != 1 || bs[0].Parameters.P7 != "1635" {
		t.Fatalf("after restart: %+v", bs)
	}
}

var barRe = regexp.MustCompile(`<rect class="bar"[^>]*>`)

func lookCabextract(t *testing.T) (string, error) {
	t.Helper()
	return testtools.LookPath(t, "cabextract"), nil
}

// freeAddr returns an address nothing listens on (for a collector that is
// down, and later comes up there).
func freeAddr(t testing.TB) string {
	ln, err := net.Listen("tcp", "127.0.0.1:0")
	must(t, err)
	addr := ln.Addr().String()
	ln.Close()
	return addr
}

// With the collector down, a failed quiet run queues its report within the
// bounded time; once the collector is up, send delivers it exactly once.
func TestCollectorDownThenSendOnce(t *testing.T) {
	addr := freeAddr(t)
	url := "http://" + addr
	qdir := t.TempDir()
	cfg := Config{RunSetupWatson: true, URL: url, QueueDir: qdir, Budget: 1500 * time.Millisecond, Redactor: testRedactor()}
	start := time.Now()
	out, err := OnFailure(context.Background(), sampleInput(t, t.TempDir()), cfg, nil)
	must(t, err)
	if took := time.Since(start); took > 3*time.Second {
		t.Fatalf("OnFailure took %v with the collector down (budget 1.5s)", took)
	}
	if out.Report == nil || !out.Queued || out.Sent || out.SendErr == nil {
		t.Fatalf("outcome %+v", out)
	}
	q := &Queue{Dir: qdir}
	if l, _ := q.List(); len(l) != 1 || l[0].Destination != url || l[0].ID != out.Report.ID {
		t.Fatalf("queue: %+v", l)
	}

	col, err := NewCollector(t.TempDir())
	must(t, err)
	var posts atomic.Int32
	ln, err := net.Listen("tcp", addr)
	if err != nil {
		t.Skipf("port %s taken meanwhile: %v", addr, err)
	}
	srv := &http.Server{Handler: http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		if r.Method == http.MethodPost {
			posts.Add(1)
		}
		col.ServeHTTP(w, r)
	})}
	go srv.Serve(ln)
	defer srv.Close()
	for i := 0; i < 2; i++ { // the second send finds nothing to send
		res, err := q.Send(context.Background(), SendOptions{})
		must(t, err)
		if len(res.Failed) != 0 || len(res.Sent) != 1-i {
			t.Fatalf("send %d: %+v", i, res)
		}
	}
	if posts.Load() != 1 {
		t.Fatalf("%d POSTs, want 1", posts.Load())
	}
	if bs := col.Buckets(); len(bs) != 1 || bs[0].Count != 1 || bs[0].Bucket != out.Report.Bucket {
		t.Fatalf("collector: %+v", bs)
	}
}

// A collector that fails for a moment is retried with backoff, within the
// budget.
func TestUploadRetriesBusyCollector(t *testing.T) {
	col, err := NewCollector(t.TempDir())
	must(t, err)
	var n atomic.Int32
	srv := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		if n.Add(1) <= 2 {
			httpError(w, http.StatusServiceUnavailable, "busy")
			return
		}
		col.ServeHTTP(w, r)
	}))
	defer srv.Close()
	rep, err := Build(sampleInput(t, t.TempDir()), testRedactor())
	must(t, err)
	ctx, cancel := context.WithTimeout(context.Background(), 3*time.Second)
	defer cancel()
	start := time.Now()
	must(t, uploadWithRetry(ctx, nil, srv.URL, rep.Cabinet))
	if n.Load() != 3 || time.Since(start) < firstDelay*3 {
		t.Fatalf("%d attempts in %v", n.Load(), time.Since(start))
	}
	// A refusal (4xx) is not retried.
	n.Store(0)
	bad := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		n.Add(1)
		httpError(w, http.StatusBadRequest, "no")
	}))
	defer bad.Close()
	var ue *UploadError
	if err := uploadWithRetry(ctx, nil, bad.URL, rep.Cabinet); !errors.As(err, &ue) || ue.Status != 400 || n.Load() != 1 {
		t.Fatalf("refusal: %v after %d attempts", err, n.Load())
	}
}

// Hostile bodies are refused, nothing is stored, and the collector goes on
// serving.
func TestCollectorRefusesHostileBodies(t *testing.T) {
	c, srv := newTestCollector(t)
	good, err := Build(sampleInput(t, t.TempDir()), testRedactor())
	must(t, err)
	alive := func(what string) {
		t.Helper()
		if code, _ := get(t, srv.URL+"/buckets"); code != 200 {
			t.Fatalf("after %s the collector does not answer", what)
		}
		if des, _ := os.ReadDir(c.Dir); len(des) != 0 {
			t.Fatalf("after %s the collector stored %v", what, des)
		}
	}
	for name, body := range map[string][]byte{
		"not a cabinet":   []byte("<?xml version='1.0'?><report/>"),
		"zip":             []byte("PK\x03\x04 not a cabinet either"),
		"truncated":       good.Cabinet[:200],
		"path traversal":  cabOf(t, map[string]string{ManifestName: manifestText(), `..\..\evil.txt`: "x"}),
		"absolute member": cabOf(t, map[string]string{ManifestName: manifestText(), "/etc/passwd": "x"}),
	} {
		if code, msg := post(t, srv.URL, body); code != http.StatusBadRequest {
			t.Errorf("%s: %d %s", name, code, msg)
		}
		alive(name)
	}
	// 100 MB, with a Content-Length and streamed without one: refused at
	// the bound (the collector may also cut the connection).
	for _, chunked := range []bool{false, true} {
		const size = 100 << 20
		var body io.Reader = io.LimitReader(zeros{}, size)
		if chunked {
			body = struct{ io.Reader }{body} // hides the length
		}
		req, _ := http.NewRequest(http.MethodPost, ReportsURL(srv.URL), body)
		req.Header.Set("Content-Type", ContentType)
		if !chunked {
			req.ContentLength = size
		}
		start := time.Now()
		resp, err := http.DefaultClient.Do(req)
		if err == nil {
			io.Copy(io.Discard, resp.Body)
			resp.Body.Close()
			if resp.StatusCode != http.StatusRequestEntityTooLarge {
				t.Errorf("100 MB (chunked %v): %d", chunked, resp.StatusCode)
			}
		}
		if took := time.Since(start); took > 10*time.Second {
			t.Errorf("100 MB took %v to refuse", took)
		}
		alive("100 MB")
	}
	// Wrong media type, wrong method.
	resp, err := http.Post(ReportsURL(srv.URL), "text/plain", bytes.NewReader(good.Cabinet))
	must(t, err)
	resp.Body.Close()
	if resp.StatusCode != http.StatusUnsupportedMediaType {
		t.Errorf("text/plain: %d", resp.StatusCode)
	}
	if code, _ := get(t, srv.URL+"/reports"); code != http.StatusMethodNotAllowed {
		t.Errorf("GET /reports: %d", code)
	}
	for _, p := range []string{"/buckets/..", "/buckets/%2e%2e%2fetc", "/reports/../../etc/passwd", "/reports/" + good.ID + "/../x"} {
		if code, _ := get(t, srv.URL+p); code == 200 {
			t.Errorf("GET %s: 200", p)
		}
	}
	alive("odd requests")
	// And a real report is still welcome.
	if code, msg := post(t, srv.URL, good.Cabinet); code != http.StatusCreated {
		t.Fatalf("good report after hostile ones: %d %s", code, msg)
	}
}

type zeros struct{}

func (zeros) Read(p []byte) (int, error) {
	clear(p)
	return len(p), nil
}

// The collector bounds how many uploads it reads at once and how many
// reports it keeps.
func TestCollectorBounds(t *testing.T) {
	c, srv := newTestCollector(t)
	c.MaxConcurrent, c.MaxReports = 1, 1
	// Hold the only upload slot with a body that does not end.
	pr, pw := io.Pipe()
	done := make(chan int)
	go func() {
		req, _ := http.NewRequest(http.MethodPost, ReportsURL(srv.URL), pr)
		req.Header.Set("Content-Type", ContentType)
		resp, err := http.DefaultClient.Do(req)
		if err != nil {
			done <- 0
			return
		}
		resp.Body.Close()
		done <- resp.StatusCode
	}()
	pw.Write([]byte("MSCF"))
	in := sampleInput(t, t.TempDir())
	a, err := Build(in, testRedactor())
	must(t, err)
	deadline := time.Now().Add(5 * time.Second)
	for {
		code, _ := post(t, srv.URL, []byte("probe"))
		if code == http.StatusServiceUnavailable {
			break
		}
		if time.Now().After(deadline) {
			t.Fatalf("a second upload at once was not refused (%d)", code)
		}
		time.Sleep(10 * time.Millisecond)
	}
	pw.Close()
	if code := <-done; code != http.StatusBadRequest {
		t.Fatalf("held upload: %d", code)
	}
	if code, msg := post(t, srv.URL, a.Cabinet); code != http.StatusCreated {
		t.Fatalf("first report: %d %s", code, msg)
	}
	in.Time = in.Time.Add(time.Second)
	b, err := Build(in, testRedactor())
	must(t, err)
	if code, _ := post(t, srv.URL, b.Cabinet); code != http.StatusInsufficientStorage {
		t.Fatalf("report over MaxReports: %d", code)
	}
}
