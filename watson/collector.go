package watson

import (
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"log"
	"net/http"
	"os"
	"path/filepath"
	"slices"
	"sort"
	"strings"
	"sync"
	"time"

	"github.com/ohotfix/ohotfix/internal/atomicfile"
)

// Collector bounds (defaults; the fields of Collector override them).
const (
	DefaultMaxBody       = 8 << 20 // bytes of one report (a report carries at most ~2.5 MiB of logs)
	DefaultMaxConcurrent = 8       // uploads being read at once
	DefaultMaxReports    = 100000  // reports stored in all
)

// Collector receives reports (POST /reports), stores each valid one as
// Dir/<bucket>/<id>.cab and shows what it holds: GET /buckets (JSON), GET /
// (the buckets by count with reports per day), GET /buckets/<bucket>,
// GET /reports/<id> and its members. It reads cabinets from anyone who can
// reach it, so every body is bounded, checked with package cab and its
// manifest parsed before anything is written; a refused body changes
// nothing. Use NewCollector.
type Collector struct {
	Dir           string
	MaxBody       int64
	MaxConcurrent int
	MaxReports    int
	// Now stamps a report's arrival (default time.Now); tests move it.
	Now func() time.Time
	Log *log.Logger // nil: no request log

	sem     chan struct{}
	mu      sync.Mutex
	buckets map[string]*bucketInfo
	reports map[string]*storedReport
}

type bucketInfo struct {
	name      string
	eventType string
	params    Params
	reports   []*storedReport
}

type storedReport struct {
	id       string
	bucket   string
	received time.Time
	created  time.Time
	members  []string // attachments (manifest.txt excluded)
}

// NewCollector opens (or creates) a collector folder and indexes the
// reports already stored there.
func NewCollector(dir string) (*Collector, error) {
	if err := os.MkdirAll(dir, 0o755); err != nil {
		return nil, err
	}
	c := &Collector{Dir: dir, buckets: map[string]*bucketInfo{}, reports: map[string]*storedReport{}}
	if err := c.scan(); err != nil {
		return nil, err
	}
	return c, nil
}

func (c *Collector) now() time.Time {
	if c.Now != nil {
		return c.Now().UTC()
	}
	return time.Now().UTC()
}

func (c *Collector) logf(format string, args ...any) {
	if c.Log != nil {
		c.Log.Printf(format, args...)
	}
}

// scan indexes Dir/<bucket>/<id>.cab; arrival times are the files' times.
func (c *Collector) scan() error {
	des, err := os.ReadDir(c.Dir)
	if err != nil {
		return err
	}
	for _, de := range des {
		if !de.IsDir() || !ValidBucket(de.Name()) {
			continue
		}
		files, err := os.ReadDir(filepath.Join(c.Dir, de.Name()))
		if err != nil {
			return err
		}
		for _, f := range files {
			id, ok := strings.CutSuffix(f.Name(), ".cab")
			if !ok || !ValidID(id) || !f.Type().IsRegular() {
				continue
			}
			path := filepath.Join(c.Dir, de.Name(), f.Name())
			data, err := os.ReadFile(path)
			if err != nil {
				return err
			}
			rep, _, _, err := Parse(data)
			if err != nil || rep.Bucket != de.Name() || rep.ID != id {
				c.logf("ignoring %s: not a report of this bucket", path)
				continue
			}
			fi, err := f.Info()
			if err != nil {
				return err
			}
			c.index(rep, fi.ModTime().UTC())
		}
	}
	return nil
}

// index adds a stored report to the in-memory view (c.mu held or not yet shared).
func (c *Collector) index(rep *Report, received time.Time) {
	b := c.buckets[rep.Bucket]
	if b == nil {
		b = &bucketInfo{name: rep.Bucket, eventType: rep.EventType, params: rep.Params}
		c.buckets[rep.Bucket] = b
	}
	sr := &storedReport{id: rep.ID, bucket: rep.Bucket, received: received, created: rep.Created}
	for _, m := range rep.Members {
		if m != ManifestName {
			sr.members = append(sr.members, m)
		}
	}
	// Keep b.reports ordered by arrival: insert after the last one that
	// arrived no later (a new report usually goes last).
	i := sort.Search(len(b.reports), func(i int) bool { return b.reports[i].received.After(received) })
	b.reports = slices.Insert(b.reports, i, sr)
	c.reports[rep.ID] = sr
}

// ServeHTTP routes the collector's requests.
func (c *Collector) ServeHTTP(w http.ResponseWriter, r *http.Request) {
	w.Header().Set("X-Content-Type-Options", "nosniff")
	p := r.URL.Path
	switch {
	case p == "/reports":
		if r.Method != http.MethodPost {
			w.Header().Set("Allow", "POST")
			httpError(w, http.StatusMethodNotAllowed, "POST a report cabinet to /reports")
			return
		}
		c.receive(w, r)
	case r.Method != http.MethodGet && r.Method != http.MethodHead:
		w.Header().Set("Allow", "GET, HEAD")
		httpError(w, http.StatusMethodNotAllowed, "read-only")
	case p == "/buckets":
		c.serveBucketsJSON(w)
	case p == "/":
		c.servePage(w)
	case strings.HasPrefix(p, "/buckets/"):
		c.serveBucketPage(w, strings.TrimSuffix(strings.TrimPrefix(p, "/buckets/"), "/"))
	case strings.HasPrefix(p, "/reports/"):
		c.serveReport(w, strings.TrimPrefix(p, "/reports/"))
	default:
		http.NotFound(w, r)
	}
}

func httpError(w http.ResponseWriter, status int, msg string) {
	w.Header().Set("Content-Type", "application/json")
	w.WriteHeader(status)
	json.NewEncoder(w).Encode(map[string]string{"error": msg})
}

// receive is POST /reports: bounded, validated, stored once.
func (c *Collector) receive(w http.ResponseWriter, r *http.Request) {
	select {
	case c.semaphore() <- struct{}{}:
		defer func() { <-c.sem }()
	default:
		w.Header().Set("Retry-After", "1")
		httpError(w, http.StatusServiceUnavailable, "too many uploads at once")
		return
	}
	maxBody := c.MaxBody
	if maxBody <= 0 {
		maxBody = DefaultMaxBody
	}
	if r.ContentLength > maxBody {
		w.Header().Set("Connection", "close")
		httpError(w, http.StatusRequestEntityTooLarge, fmt.Sprintf("a report is at most %d bytes", maxBody))
		return
	}
	if ct := r.Header.Get("Content-Type"); ct != ContentType && ct != "application/octet-stream" {
		httpError(w, http.StatusUnsupportedMediaType, "Content-Type must be "+ContentType)
		return
	}
	data, err := io.ReadAll(http.MaxBytesReader(w, r.Body, maxBody))
	var mbe *http.MaxBytesError
	if errors.As(err, &mbe) {
		w.Header().Set("Connection", "close")
		httpError(w, http.StatusRequestEntityTooLarge, fmt.Sprintf("a report is at most %d bytes", maxBody))
		return
	}
	if err != nil {
		httpError(w, http.StatusBadRequest, "reading the body: "+err.Error())
		return
	}
	rep, _, _, err := Parse(data)
	if err != nil {
		c.logf("refused a report from %s: %v", r.RemoteAddr, err)
		httpError(w, http.StatusBadRequest, err.Error())
		return
	}
	status, err := c.store(rep)
	if err != nil {
		c.logf("cannot store %s: %v", rep.ID, err)
		httpError(w, status, err.Error())
		return
	}
	c.logf("%s report %s in bucket %s", http.StatusText(status), rep.ID, rep.Bucket)
	w.Header().Set("Content-Type", "application/json")
	w.Header().Set("Location", "/reports/"+rep.ID)
	w.WriteHeader(status)
	json.NewEncoder(w).Encode(map[string]any{"id": rep.ID, "bucket": rep.Bucket, "duplicate": status == http.StatusOK})
}

func (c *Collector) semaphore() chan struct{} {
	c.mu.Lock()
	defer c.mu.Unlock()
	if c.sem == nil {
		n := c.MaxConcurrent
		if n <= 0 {
			n = DefaultMaxConcurrent
		}
		c.sem = make(chan struct{}, n)
	}
	return c.sem
}

// store writes Dir/<bucket>/<id>.cab atomically: 201 when new, 200 when
// that cabinet was stored before (same bytes, same id).
func (c *Collector) store(rep *Report) (int, error) {
	c.mu.Lock()
	defer c.mu.Unlock()
	if _, ok := c.reports[rep.ID]; ok {
		return http.StatusOK, nil
	}
	max := c.MaxReports
	if max <= 0 {
		max = DefaultMaxReports
	}
	if len(c.reports) >= max {
		return http.StatusInsufficientStorage, fmt.Errorf("the collector holds its maximum of %d reports", max)
	}
	dir := filepath.Join(c.Dir, rep.Bucket)
	if err := os.MkdirAll(dir, 0o755); err != nil {
		return http.StatusInternalServerError, err
	}
	path := filepath.Join(dir, rep.ID+".cab")
	if err := atomicfile.WriteFile(path, rep.Cabinet, 0o644); err != nil {
		return http.StatusInternalServerError, err
	}
	now := c.now()
	os.Chtimes(path, now, now) // the arrival time survives a restart
	c.index(rep, now)
	return http.StatusCreated, nil
}
