package watson

import (
	"os"
	"path/filepath"
	"testing"
	"time"
)

func TestQueueRoundTrip(t *testing.T) {
	q := &Queue{Dir: filepath.Join(t.TempDir(), "Watson")}
	if l, err := q.List(); err != nil || len(l) != 0 {
		t.Fatalf("missing queue: %v %v", l, err)
	}
	in := sampleInput(t, t.TempDir())
	a, err := Build(in, testRedactor())
	must(t, err)
	in.Time = in.Time.Add(time.Minute)
	b, err := Build(in, testRedactor())
	must(t, err)
	_, err = q.Put(b, "")
	must(t, err)
	_, err = q.Put(a, "http://x.example")
	must(t, err)
	l, err := q.List()
	must(t, err)
	if len(l) != 2 || l[0].ID != a.ID || l[0].Destination != "http://x.example" || l[1].Destination != "" || l[1].Bucket != b.Bucket {
		t.Fatalf("list: %+v", l)
	}
	e, err := q.Get(b.ID[:10])
	must(t, err)
	if e.ID != b.ID {
		t.Fatal("prefix lookup")
	}
	if _, err := q.Get("zz"); err == nil {
		t.Fatal("unknown id found")
	}
	data, err := q.Cabinet(a.ID)
	must(t, err)
	if idOf(data) != a.ID {
		t.Fatal("stored cabinet differs")
	}
	must(t, q.SetDestination(b.ID, "http://y.example"))
	if e, _ := q.Get(b.ID); e.Destination != "http://y.example" {
		t.Fatal("destination not remembered")
	}
	// A stray description (a crash between the two writes) is ignored.
	os.WriteFile(filepath.Join(q.Dir, "0000000000000000000000000000000000000000000000000000000000000000.json"), []byte("{}"), 0o600)
	must(t, q.Remember(Yes))
	if l, _ := q.List(); len(l) != 2 {
		t.Fatalf("list with stray files: %d", len(l))
	}
	n, err := q.Purge()
	must(t, err)
	if n != 2 {
		t.Fatalf("purged %d", n)
	}
	des, _ := os.ReadDir(q.Dir)
	if len(des) != 1 || des[0].Name() != consentFile {
		t.Fatalf("left after purge: %v", des)
	}
}
