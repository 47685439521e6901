package watson

import (
	"context"
	"testing"
)

func TestDecide(t *testing.T) {
	const url = "http://collector.example"
	base := Situation{RunSetupWatson: true, Code: 1603, UIMode: "normal", URL: url}
	type want struct{ report, upload, ask bool }
	for _, c := range []struct {
		name string
		mod  func(*Situation)
		want want
	}{
		{"RunSetupWatson=0", func(s *Situation) { s.RunSetupWatson = false; s.UIMode = "quiet" }, want{}},
		{"check", func(s *Situation) { s.Command = "check"; s.UIMode = "quiet" }, want{}},
		{"1639", func(s *Situation) { s.Code = 1639; s.UIMode = "quiet" }, want{}},
		{"success", func(s *Situation) { s.Code = 0; s.UIMode = "quiet" }, want{}},
		{"3010", func(s *Situation) { s.Code = 3010; s.UIMode = "quiet" }, want{}},
		{"1641", func(s *Situation) { s.Code = 1641; s.UIMode = "quiet" }, want{}},
		{"quiet with URL", func(s *Situation) { s.UIMode = "quiet" }, want{true, true, false}},
		{"passive with URL", func(s *Situation) { s.UIMode = "passive" }, want{true, true, false}},
		{"quiet, remembered no, URL", func(s *Situation) { s.UIMode = "quiet"; s.Remembered = No }, want{true, true, false}},
		{"quiet without URL", func(s *Situation) { s.UIMode = "quiet"; s.URL = "" }, want{true, false, false}},
		{"normal without URL", func(s *Situation) { s.URL = ""; s.Interactive = true }, want{true, false, false}},
		{"normal, terminal", func(s *Situation) { s.Interactive = true }, want{false, false, true}},
		{"normal, no terminal", func(s *Situation) {}, want{true, false, false}},
		{"normal, remembered yes", func(s *Situation) { s.Interactive = true; s.Remembered = Yes }, want{true, true, false}},
		{"normal, remembered no", func(s *Situation) { s.Interactive = true; s.Remembered = No }, want{}},
		{"crash (1603)", func(s *Situation) { s.UIMode = "quiet" }, want{true, true, false}},
	} {
		s := base
		c.mod(&s)
		d := Decide(s)
		if got := (want{d.Report, d.Upload, d.Ask}); got != c.want {
			t.Errorf("%s: got %+v, want %+v (%s)", c.name, got, c.want, d.Why)
		}
		if d.Why == "" {
			t.Errorf("%s: no reason", c.name)
		}
	}
}

// Normal UI asks once: the answer is remembered in the queue folder and the
// next failure is not asked about.
func TestOnFailureAsksOnce(t *testing.T) {
	dir := t.TempDir()
	in := sampleInput(t, t.TempDir())
	in.UIMode = "normal"
	cfg := Config{RunSetupWatson: true, URL: "http://127.0.0.1:1", QueueDir: dir, Interactive: true, Budget: 300e6, Redactor: testRedactor()}
	asked := 0
	no := func(string) bool { asked++; return false }
	for i := 0; i < 2; i++ {
		out, err := OnFailure(context.Background(), in, cfg, no)
		must(t, err)
		if out.Report != nil || out.Queued {
			t.Fatalf("declined, yet a report: %+v", out)
		}
	}
	if asked != 1 {
		t.Fatalf("asked %d times, want once", asked)
	}
	if got := (&Queue{Dir: dir}).Remembered(); got != No {
		t.Fatalf("remembered %v", got)
	}
	// 1639 and check: no question, no report, whatever was remembered.
	must(t, (&Queue{Dir: dir}).Remember(NotAsked))
	for _, mod := range []func(*Input, *Config){
		func(in *Input, c *Config) { in.Code = 1639 },
		func(in *Input, c *Config) { c.Command = "check" },
		func(in *Input, c *Config) { c.RunSetupWatson = false },
	} {
		in2, cfg2 := in, cfg
		mod(&in2, &cfg2)
		out, err := OnFailure(context.Background(), in2, cfg2, func(string) bool { t.Fatal("asked"); return true })
		must(t, err)
		if out.Report != nil {
			t.Fatal("report made")
		}
	}
	q := &Queue{Dir: dir}
	if l, _ := q.List(); len(l) != 0 {
		t.Fatalf("queue: %v", l)
	}
}
