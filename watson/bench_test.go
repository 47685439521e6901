package watson

import (
	"bytes"
	"net/http"
	"net/http/httptest"
	"testing"
	"time"
)

// BenchmarkBuild measures building one report from a log pair like a
// failed run's (read, redact, tail, pack).
func BenchmarkBuild(b *testing.B) {
	in := sampleInput(b, b.TempDir())
	r := testRedactor()
	b.ReportAllocs()
	var size int
	for i := 0; b.Loop(); i++ {
		in.Time = in.Time.Add(time.Second)
		rep, err := Build(in, r)
		if err != nil {
			b.Fatal(err)
		}
		size = len(rep.Cabinet)
	}
	b.ReportMetric(float64(size), "cab-bytes")
}

// BenchmarkCollectorPost measures POST /reports end to end over HTTP:
// read, validate (decompress every member, parse the manifest), store
// atomically (fsync included).
func BenchmarkCollectorPost(b *testing.B) {
	c, err := NewCollector(b.TempDir())
	if err != nil {
		b.Fatal(err)
	}
	srv := httptest.NewServer(c)
	defer srv.Close()
	in := sampleInput(b, b.TempDir())
	var cabs [][]byte
	for i := 0; i < 256; i++ {
		in.Time = in.Time.Add(time.Second)
		rep, err := Build(in, testRedactor())
		if err != nil {
			b.Fatal(err)
		}
		cabs = append(cabs, rep.Cabinet)
	}
	b.SetBytes(int64(len(cabs[0])))
	i := 0
	for b.Loop() {
		resp, err := http.Post(ReportsURL(srv.URL), ContentType, bytes.NewReader(cabs[i%len(cabs)]))
		if err != nil {
			b.Fatal(err)
		}
		resp.Body.Close()
		if resp.StatusCode != http.StatusCreated && resp.StatusCode != http.StatusOK {
			b.Fatal(resp.Status)
		}
		i++
	}
}
