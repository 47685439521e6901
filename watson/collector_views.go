package watson

import (
	"bytes"
	"encoding/json"
	"html/template"
	"net/http"
	"os"
	"path/filepath"
	"sort"
	"strconv"
	"strings"
	"time"
)

// BucketSummary is one bucket as GET /buckets shows it.
type BucketSummary struct {
	Bucket     string    `json:"bucket"`
	Count      int       `json:"count"`
	FirstSeen  time.Time `json:"first_seen"`
	LastSeen   time.Time `json:"last_seen"`
	EventType  string    `json:"event_type"`
	Parameters ParamSet  `json:"parameters"`
}

// ParamSet is P1..P10 as named JSON fields, in order.
type ParamSet struct {
	P1  string `json:"P1"`
	P2  string `json:"P2"`
	P3  string `json:"P3"`
	P4  string `json:"P4"`
	P5  string `json:"P5"`
	P6  string `json:"P6"`
	P7  string `json:"P7"`
	P8  string `json:"P8"`
	P9  string `json:"P9"`
	P10 string `json:"P10"`
}

func paramSet(p Params) ParamSet {
	return ParamSet{p[0], p[1], p[2], p[3], p[4], p[5], p[6], p[7], p[8], p[9]}
}

// summary is b as GET /buckets shows it (c.mu held).
func (b *bucketInfo) summary() BucketSummary {
	return BucketSummary{Bucket: b.name, Count: len(b.reports), FirstSeen: b.reports[0].received,
		LastSeen: b.reports[len(b.reports)-1].received, EventType: b.eventType, Parameters: paramSet(b.params)}
}

// Buckets lists the buckets, most reports first.
func (c *Collector) Buckets() []BucketSummary {
	c.mu.Lock()
	defer c.mu.Unlock()
	out := make([]BucketSummary, 0, len(c.buckets))
	for _, b := range c.buckets {
		out = append(out, b.summary())
	}
	sort.Slice(out, func(i, j int) bool {
		if out[i].Count != out[j].Count {
			return out[i].Count > out[j].Count
		}
		if !out[i].LastSeen.Equal(out[j].LastSeen) {
			return out[i].LastSeen.After(out[j].LastSeen)
		}
		return out[i].Bucket < out[j].Bucket
	})
	return out
}

func (c *Collector) serveBucketsJSON(w http.ResponseWriter) {
	data, err := json.MarshalIndent(c.Buckets(), "", "  ")
	if err != nil {
		httpError(w, http.StatusInternalServerError, err.Error())
		return
	}
	w.Header().Set("Content-Type", "application/json")
	w.Write(append(data, '\n'))
}

// DayCount is the number of reports that arrived on one UTC day.
type DayCount struct {
	Day   time.Time
	Count int
}

// maxChartDays bounds the chart to the most recent days.
const maxChartDays = 60

// PerDay counts reports per UTC day, one entry per day from the first day
// with a report to the last (days without reports count 0), at most the
// last maxChartDays days.
func (c *Collector) PerDay() []DayCount {
	c.mu.Lock()
	counts := map[time.Time]int{}
	var first, last time.Time
	for _, r := range c.reports {
		d := r.received.UTC().Truncate(24 * time.Hour)
		counts[d]++
		if first.IsZero() || d.Before(first) {
			first = d
		}
		if d.After(last) {
			last = d
		}
	}
	c.mu.Unlock()
	if len(counts) == 0 {
		return nil
	}
	if days := int(last.Sub(first)/(24*time.Hour)) + 1; days > maxChartDays {
		first = last.AddDate(0, 0, -(maxChartDays - 1))
	}
	var out []DayCount
	for d := first; !d.After(last); d = d.AddDate(0, 0, 1) {
		out = append(out, DayCount{Day: d, Count: counts[d]})
	}
	return out
}

func (c *Collector) servePage(w http.ResponseWriter) {
	buckets := c.Buckets()
	total := 0
	for _, b := range buckets {
		total += b.Count
	}
	render(w, pageTemplate, map[string]any{"Buckets": buckets, "Total": total, "Chart": chartSVG(c.PerDay())})
}

type reportRow struct {
	ID       string
	Received time.Time
	Created  time.Time
	Members  []string
}

func (c *Collector) serveBucketPage(w http.ResponseWriter, name string) {
	c.mu.Lock()
	b := c.buckets[name]
	var rows []reportRow
	var info BucketSummary
	if b != nil {
		for i := len(b.reports) - 1; i >= 0; i-- {
			r := b.reports[i]
			rows = append(rows, reportRow{r.id, r.received, r.created, r.members})
		}
		info = b.summary()
	}
	c.mu.Unlock()
	if b == nil {
		httpError(w, http.StatusNotFound, "no such bucket")
		return
	}
	render(w, bucketTemplate, map[string]any{"B": info, "Params": namedParams(b.params), "Reports": rows})
}

type namedParam struct{ Key, Name, Value string }

func namedParams(p Params) []namedParam {
	out := make([]namedParam, len(p))
	for i, v := range p {
		out[i] = namedParam{"P" + strconv.Itoa(i+1), ParamNames[i], v}
	}
	return out
}

// serveReport is /reports/<id> (the report's page), /reports/<id>.cab (the
// cabinet) and /reports/<id>/<member> (one attachment, as text).
func (c *Collector) serveReport(w http.ResponseWriter, rest string) {
	id, member, _ := strings.Cut(rest, "/")
	raw := false
	if s, ok := strings.CutSuffix(id, ".cab"); ok && member == "" {
		id, raw = s, true
	}
	c.mu.Lock()
	sr := c.reports[id]
	c.mu.Unlock()
	if !ValidID(id) || sr == nil {
		httpError(w, http.StatusNotFound, "no such report")
		return
	}
	data, err := os.ReadFile(filepath.Join(c.Dir, sr.bucket, id+".cab"))
	if err != nil {
		httpError(w, http.StatusInternalServerError, err.Error())
		return
	}
	if raw {
		w.Header().Set("Content-Type", ContentType)
		w.Header().Set("Content-Disposition", `attachment; filename="`+id+`.cab"`)
		w.Write(data)
		return
	}
	rep, m, contents, err := Parse(data)
	if err != nil {
		httpError(w, http.StatusInternalServerError, err.Error())
		return
	}
	if member != "" {
		b, ok := contents[member]
		if !ok {
			httpError(w, http.StatusNotFound, "no such member")
			return
		}
		w.Header().Set("Content-Type", "text/plain; charset=utf-8")
		w.Write(b)
		return
	}
	var manifest []namedParam
	for _, k := range m.Keys {
		manifest = append(manifest, namedParam{Key: k, Value: m.Get(k)})
	}
	type memberRow struct {
		Name string
		Size int
	}
	var members []memberRow
	for _, n := range rep.Members {
		members = append(members, memberRow{n, len(contents[n])})
	}
	render(w, reportTemplate, map[string]any{"ID": id, "Bucket": sr.bucket, "Received": sr.received,
		"Manifest": manifest, "Members": members, "Size": len(data)})
}

func render(w http.ResponseWriter, t *template.Template, data any) {
	var buf bytes.Buffer
	if err := t.Execute(&buf, data); err != nil {
		httpError(w, http.StatusInternalServerError, err.Error())
		return
	}
	w.Header().Set("Content-Type", "text/html; charset=utf-8")
	w.Header().Set("Content-Security-Policy", "default-src 'none'; style-src 'unsafe-inline'")
	w.Write(buf.Bytes())
}
