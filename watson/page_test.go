package watson

import (
	"context"
	"image/png"
	"net/http/httptest"
	"os"
	"os/exec"
	"path/filepath"
	"regexp"
	"strings"
	"testing"
	"time"

	"github.com/ohotfix/ohotfix/internal/testtools"
)

// twoBuckets fills a collector with reports of two buckets over three days:
// bucket A three reports (days 1 and 3), bucket B one (day 2).
func twoBuckets(t testing.TB) (*Collector, []*Report) {
	t.Helper()
	c, err := NewCollector(filepath.Join(t.TempDir(), "collected"))
	must(t, err)
	day1 := time.Date(2026, 12, 4, 9, 0, 0, 0, time.UTC)
	in := sampleInput(t, t.TempDir())
	var reps []*Report
	for i, at := range []time.Time{day1, day1.Add(2 * time.Hour), day1.AddDate(0, 0, 2)} {
		in.Time = at.Add(time.Duration(i) * time.Second)
		reps = append(reps, storeAt(t, c, in, at))
	}
	inB := in
	inB.Code, inB.Phase, inB.Step, inB.InnerError, inB.Time = 1603, PhaseApply, "admin-apply", "1603", day1.AddDate(0, 0, 1)
	reps = append(reps, storeAt(t, c, inB, inB.Time))
	return c, reps
}

func storeAt(t testing.TB, c *Collector, in Input, at time.Time) *Report {
	t.Helper()
	rep, err := Build(in, testRedactor())
	must(t, err)
	c.Now = func() time.Time { return at }
	if code, err := c.store(rep); err != nil || code != 201 {
		t.Fatalf("store: %d %v", code, err)
	}
	return rep
}

// The page as a person sees it: both buckets by count, and the chart with
// one bar per day, rendered by headless Chromium; the PNG is kept.
func TestCollectorPageScreenshot(t *testing.T) {
	c, reps := twoBuckets(t)
	srv := httptest.NewServer(c)
	defer srv.Close()
	a, b := reps[0].Bucket, reps[3].Bucket
	if a == b {
		t.Fatal("one bucket")
	}

	code, page := get(t, srv.URL+"/")
	if code != 200 {
		t.Fatal(code)
	}
	if !strings.Contains(page, "<svg") || strings.Count(page, "<svg") != 1 {
		t.Fatal("no inline <svg> chart")
	}
	bars := regexp.MustCompile(`<rect class="bar" data-day="([0-9-]+)" data-count="([0-9]+)"`).FindAllStringSubmatch(page, -1)
	var got []string
	for _, m := range bars {
		got = append(got, m[1]+"="+m[2])
	}
	if want := "2026-12-04=2 2026-12-05=1 2026-12-06=1"; strings.Join(got, " ") != want {
		t.Fatalf("bars %v, want %s", got, want)
	}
	ia, ib := strings.Index(page, ">"+a+"<"), strings.Index(page, ">"+b+"<")
	if ia < 0 || ib < 0 || ia > ib {
		t.Fatalf("buckets not both listed by count (%d, %d)", ia, ib)
	}
	if regexp.MustCompile(`(?i)<(script|link|img)|src=|https?://(?:[^"]*)"`).MatchString(strings.ReplaceAll(page, `xmlns="http://www.w3.org/2000/svg"`, "")) {
		t.Fatal("the page refers to external assets")
	}

	chromium := testtools.LookPath(t, "chromium")
	dir := os.Getenv("OHOTFIX_TEST_ARTIFACTS")
	if dir == "" {
		dir = t.TempDir()
	}
	must(t, os.MkdirAll(dir, 0o755))
	shot := filepath.Join(dir, "watson-collector-page.png")
	os.Remove(shot)
	ctx, cancel := context.WithTimeout(context.Background(), 90*time.Second)
	defer cancel()
	cmd := exec.CommandContext(ctx, chromium, "--headless", "--no-sandbox", "--disable-gpu", "--disable-quic",
		"--no-first-run", "--disable-background-networking", "--disable-component-update", "--disable-sync",
		"--user-data-dir="+t.TempDir(), "--screenshot="+shot, "--window-size=1200,900", srv.URL+"/")
	if out, err := cmd.CombinedOutput(); err != nil {
		t.Fatalf("chromium: %v\n%s", err, out)
	}
	f, err := os.Open(shot)
	must(t, err)
	defer f.Close()
	img, err := png.Decode(f)
	must(t, err)
	if r := img.Bounds(); r.Dx() != 1200 || r.Dy() != 900 {
		t.Fatalf("screenshot is %v", r)
	}
	// The bars are drawn in #d1242f: the rendered page shows them.
	red := 0
	for y := 0; y < 900; y++ {
		for x := 0; x < 1200; x++ {
			r, g, b, _ := img.At(x, y).RGBA()
			if r>>8 > 0xc0 && g>>8 < 0x50 && b>>8 < 0x60 {
				red++
			}
		}
	}
	if red < 2000 {
		t.Fatalf("only %d bar-coloured pixels in the screenshot: the chart did not render", red)
	}
	t.Logf("screenshot of GET / with two buckets: %s (%d bar pixels)", shot, red)
}
