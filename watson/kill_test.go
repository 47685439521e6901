package watson

import (
	"context"
	"fmt"
	"io"
	"net/http"
	"net/http/httptest"
	"os"
	"os/exec"
	"testing"
	"time"
)

// TestMain lets the kill test re-execute this test binary as a sender: with
// WATSON_TEST_SEND_QUEUE set, the process only sends that queue and exits.
func TestMain(m *testing.M) {
	if dir := os.Getenv("WATSON_TEST_SEND_QUEUE"); dir != "" {
		ctx, cancel := context.WithTimeout(context.Background(), 30*time.Second)
		defer cancel()
		res, err := (&Queue{Dir: dir}).Send(ctx, SendOptions{Budget: -1})
		fmt.Println(res, err)
		os.Exit(0)
	}
	os.Exit(m.Run())
}

// kill -9 during an upload loses nothing: killed before the collector
// stored the report, it is still queued; killed after it stored the report
// but before the answer arrived, it is stored and still queued — and the
// next send delivers it, stored once.
func TestKillDuringUploadLosesNothing(t *testing.T) {
	for _, storedFirst := range []bool{false, true} {
		t.Run(fmt.Sprintf("stored before the kill=%v", storedFirst), func(t *testing.T) {
			col, err := NewCollector(t.TempDir())
			must(t, err)
			inUpload := make(chan struct{}, 1)
			release := make(chan struct{})
			srv := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
				if storedFirst {
					// Store, then hang before answering.
					col.ServeHTTP(httptest.NewRecorder(), r)
				} else {
					// Take half the body, then hang.
					io.CopyN(io.Discard, r.Body, r.ContentLength/2)
				}
				inUpload <- struct{}{}
				<-release
			}))
			defer srv.Close()
			defer close(release)

			q := &Queue{Dir: t.TempDir()}
			rep, err := Build(sampleInput(t, t.TempDir()), testRedactor())
			must(t, err)
			_, err = q.Put(rep, srv.URL)
			must(t, err)

			cmd := exec.Command(os.Args[0], "-test.run=^$")
			cmd.Env = append(os.Environ(), "WATSON_TEST_SEND_QUEUE="+q.Dir)
			must(t, cmd.Start())
			select {
			case <-inUpload:
			case <-time.After(20 * time.Second):
				cmd.Process.Kill()
				t.Fatal("the sender never reached the collector")
			}
			must(t, cmd.Process.Kill()) // SIGKILL: no clean-up runs
			cmd.Wait()

			l, err := q.List()
			must(t, err)
			if len(l) != 1 || l[0].ID != rep.ID || l[0].Destination != srv.URL {
				t.Fatalf("after kill -9 the queue holds %+v", l)
			}
			if n := countStored(col); n != map[bool]int{false: 0, true: 1}[storedFirst] {
				t.Fatalf("collector holds %d reports", n)
			}
			// The next send (to the real collector) delivers it once.
			real := httptest.NewServer(col)
			defer real.Close()
			res, err := q.Send(context.Background(), SendOptions{URL: real.URL})
			must(t, err)
			if len(res.Sent) != 1 {
				t.Fatalf("resend: %+v", res)
			}
			if l, _ := q.List(); len(l) != 0 || countStored(col) != 1 {
				t.Fatalf("after resend: queue %v, stored %d", l, countStored(col))
			}
		})
	}
}

func countStored(c *Collector) int {
	n := 0
	for _, b := range c.Buckets() {
		n += b.Count
	}
	return n
}
