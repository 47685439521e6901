package watson

import (
	"context"
	"net/http"
	"time"
)

// Config is how a run reports failures.
type Config struct {
	RunSetupWatson bool
	URL            string // WatsonURL= / --watson-url ("" = queue only)
	QueueDir       string // "" = DefaultQueueDir()
	Command        string // "run" or "check"
	Interactive    bool   // stdin is a terminal (a question may be asked)
	Budget         time.Duration
	Client         *http.Client
	Redactor       *Redactor // nil = DefaultRedactor()
}

// Question is what a normal-UI run asks (once; the answer is remembered).
const Question = "ohotfix could not apply the update. Send a failure report (logs with user names and home folders removed) to "

// Outcome says what OnFailure did.
type Outcome struct {
	Decision Decision
	Report   *Report // nil when no report was made
	Queued   bool    // still in the queue (not delivered yet)
	Sent     bool    // stored by the collector
	SendErr  error   // why it was not delivered (it stays queued)
	Queue    string  // the queue folder
}

// OnFailure is the one call a failed run makes: it applies the consent
// rule (asking through ask when the rule says so and ask is not nil),
// builds the report, queues it with its destination and, with consent,
// sends it — and any report an earlier run left queued — within
// cfg.Budget. in is completed from in.ResultJSON (FillFromResult). A
// delivery failure is not an error: the report stays queued (Outcome.SendErr).
func OnFailure(ctx context.Context, in Input, cfg Config, ask func(question string) bool) (*Outcome, error) {
	q := &Queue{Dir: cfg.QueueDir}
	in.FillFromResult()
	s := Situation{RunSetupWatson: cfg.RunSetupWatson, Command: cfg.Command, Code: in.Code, UIMode: in.UIMode,
		URL: cfg.URL, Interactive: cfg.Interactive && ask != nil}
	if s.URL != "" && s.UIMode != "quiet" && s.UIMode != "passive" {
		s.Remembered = q.Remembered()
	}
	d := Decide(s)
	out := &Outcome{Decision: d, Queue: q.dir()}
	if d.Ask {
		yes := ask(Question + cfg.URL + "?")
		ans := No
		if yes {
			ans = Yes
		}
		if err := q.Remember(ans); err != nil {
			return out, err
		}
		d.Report, d.Upload = yes, yes
		out.Decision = d
	}
	if !d.Report {
		return out, nil
	}
	rep, err := Build(in, cfg.Redactor)
	if err != nil {
		return out, err
	}
	out.Report = rep
	dest := ""
	if d.Upload {
		dest = cfg.URL
	}
	if _, err := q.Put(rep, dest); err != nil {
		return out, err
	}
	out.Queued = true
	if !d.Upload {
		return out, nil
	}
	res, err := q.Send(ctx, SendOptions{Budget: cfg.Budget, Client: cfg.Client})
	if err != nil {
		out.SendErr = err
		return out, nil
	}
	for _, id := range res.Sent {
		if id == rep.ID {
			out.Sent, out.Queued = true, false
		}
	}
	if e, ok := res.Failed[rep.ID]; ok {
		out.SendErr = e
	}
	return out, nil
}
