package watson

import (
	"bytes"
	"context"
	"errors"
	"fmt"
	"io"
	"net/http"
	"strings"
	"time"
)

// ContentType is the media type of a report upload.
const ContentType = "application/vnd.ms-cab-compressed"

// DefaultBudget bounds the time one send may take, all retries included, so
// a failed run's exit code is never delayed by more than a few seconds.
const DefaultBudget = 5 * time.Second

// Backoff between attempts: firstDelay, doubled each time, at most maxDelay.
const (
	firstDelay = 200 * time.Millisecond
	maxDelay   = 2 * time.Second
)

// UploadError is a collector's refusal (a non-2xx answer).
type UploadError struct {
	Status int
	Body   string
}

func (e *UploadError) Error() string {
	return fmt.Sprintf("collector answered %d %s: %s", e.Status, http.StatusText(e.Status), strings.TrimSpace(e.Body))
}

// retryable: the collector may accept later (it is busy or failing), as
// opposed to a refusal of this report.
func (e *UploadError) retryable() bool {
	return e.Status >= 500 || e.Status == http.StatusTooManyRequests || e.Status == http.StatusRequestTimeout
}

// ReportsURL is where reports are posted for a collector base URL.
func ReportsURL(base string) string { return strings.TrimRight(base, "/") + "/reports" }

// Upload posts one cabinet to the collector at base, once.
func Upload(ctx context.Context, client *http.Client, base string, cabinet []byte) error {
	if client == nil {
		client = http.DefaultClient
	}
	req, err := http.NewRequestWithContext(ctx, http.MethodPost, ReportsURL(base), bytes.NewReader(cabinet))
	if err != nil {
		return err
	}
	req.Header.Set("Content-Type", ContentType)
	resp, err := client.Do(req)
	if err != nil {
		return err
	}
	defer resp.Body.Close()
	body, _ := io.ReadAll(io.LimitReader(resp.Body, 4096))
	io.Copy(io.Discard, io.LimitReader(resp.Body, 1<<20))
	if resp.StatusCode < 200 || resp.StatusCode > 299 {
		return &UploadError{Status: resp.StatusCode, Body: string(body)}
	}
	return nil
}

// uploadWithRetry retries Upload with exponential backoff until it
// succeeds, the collector refuses the report, or ctx ends.
func uploadWithRetry(ctx context.Context, client *http.Client, base string, cabinet []byte) error {
	delay := firstDelay
	for {
		err := Upload(ctx, client, base, cabinet)
		var ue *UploadError
		if err == nil || errors.As(err, &ue) && !ue.retryable() {
			return err
		}
		if dl, ok := ctx.Deadline(); ok && time.Until(dl) < delay {
			return err // no time left for another attempt
		}
		t := time.NewTimer(delay)
		select {
		case <-ctx.Done():
			t.Stop()
			return err
		case <-t.C:
		}
		delay = min(2*delay, maxDelay)
	}
}

// SendOptions says what Queue.Send sends where.
type SendOptions struct {
	URL    string        // send to this collector (and remember it) instead of each report's destination
	IDs    []string      // only these reports (default: all)
	Budget time.Duration // total time (0: DefaultBudget; <0: no bound but ctx)
	Client *http.Client
}

// SendResult lists what happened to each report.
type SendResult struct {
	Sent    []string         // stored by the collector and removed from the queue
	Failed  map[string]error // still queued
	Skipped []string         // no destination: still queued
}

// Send uploads queued reports, each to its destination, and removes a
// report only once the collector answered 2xx. Whatever is not delivered
// stays queued with its destination.
func (q *Queue) Send(ctx context.Context, o SendOptions) (*SendResult, error) {
	budget := o.Budget
	if budget == 0 {
		budget = DefaultBudget
	}
	if budget > 0 {
		var cancel context.CancelFunc
		ctx, cancel = context.WithTimeout(ctx, budget)
		defer cancel()
	}
	entries, err := q.List()
	if err != nil {
		return nil, err
	}
	want := map[string]bool{}
	for _, id := range o.IDs {
		want[id] = true
	}
	res := &SendResult{Failed: map[string]error{}}
	for _, e := range entries {
		if len(want) > 0 && !want[e.ID] {
			continue
		}
		if o.URL != "" && o.URL != e.Destination {
			e.Destination = o.URL
			if err := q.writeMeta(&e); err != nil {
				return res, err
			}
		}
		if e.Destination == "" {
			res.Skipped = append(res.Skipped, e.ID)
			continue
		}
		if ctx.Err() != nil {
			res.Failed[e.ID] = fmt.Errorf("not sent: the time for sending (%v) ran out", budget)
			continue
		}
		data, err := q.Cabinet(e.ID)
		if err != nil {
			res.Failed[e.ID] = err
			continue
		}
		if err := uploadWithRetry(ctx, o.Client, e.Destination, data); err != nil {
			res.Failed[e.ID] = err
			continue
		}
		if err := q.Remove(e.ID); err != nil {
			return res, err
		}
		res.Sent = append(res.Sent, e.ID)
	}
	return res, nil
}
