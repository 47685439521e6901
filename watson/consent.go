package watson

import (
	"os"
	"path/filepath"
	"strings"

	"github.com/ohotfix/ohotfix/internal/atomicfile"
)

// Answer is a remembered answer to "send a report?".
type Answer int

const (
	NotAsked Answer = iota
	Yes
	No
)

// Situation is what the consent rule looks at.
type Situation struct {
	RunSetupWatson bool
	Command        string // "run" (or ""), "check"
	Code           int    // the run's final exit code
	UIMode         string // "normal", "passive" or "quiet"
	URL            string // WatsonURL= / --watson-url
	Interactive    bool   // stdin is a terminal
	Remembered     Answer // the answer given earlier on this machine
}

// Decision is what to do about a failure.
type Decision struct {
	Report bool   // build the report and queue it
	Upload bool   // send it to URL now
	Ask    bool   // ask first: yes means Report and Upload, no means nothing (remember either)
	Why    string // for the log
}

// Decide is the consent rule (a pure function):
//   - RunSetupWatson=0, `ohotfix check`, a successful code (0, 3010, 1641)
//     or a command-line/ini error (1639): no report, no question;
//   - quiet or passive: a configured URL is the administrator's consent
//     (report and upload); without one the report is only queued;
//   - normal UI without a URL: queued only (nothing could be sent);
//   - normal UI with a URL: the remembered answer decides; with none, ask
//     when stdin is a terminal, else queue only (nothing sent without a yes;
//     `ohotfix watson send` is an explicit request).
func Decide(s Situation) Decision {
	switch {
	case !s.RunSetupWatson:
		return Decision{Why: "RunSetupWatson=0"}
	case s.Command == "check":
		return Decision{Why: "ohotfix check makes no reports"}
	case isSuccess(s.Code):
		return Decision{Why: "the run succeeded"}
	case s.Code == 1639:
		return Decision{Why: "command-line or ohotfix.ini errors are not reported"}
	}
	quiet := s.UIMode == "quiet" || s.UIMode == "passive"
	switch {
	case s.URL == "":
		return Decision{Report: true, Why: "no WatsonURL: the report is queued, not sent"}
	case quiet:
		return Decision{Report: true, Upload: true, Why: "quiet run with WatsonURL (the administrator's consent)"}
	case s.Remembered == Yes:
		return Decision{Report: true, Upload: true, Why: "the user agreed earlier"}
	case s.Remembered == No:
		return Decision{Why: "the user declined earlier"}
	case s.Interactive:
		return Decision{Ask: true, Why: "asking the user"}
	}
	return Decision{Report: true, Why: "no terminal to ask on: the report is queued, not sent"}
}

// consentFile, in the queue folder, remembers the user's answer.
const consentFile = "consent"

// Remembered reads the answer remembered in the queue folder.
func (q *Queue) Remembered() Answer {
	data, err := os.ReadFile(filepath.Join(q.dir(), consentFile))
	if err != nil {
		return NotAsked
	}
	switch strings.TrimSpace(string(data)) {
	case "yes":
		return Yes
	case "no":
		return No
	}
	return NotAsked
}

// Remember stores the user's answer in the queue folder.
func (q *Queue) Remember(a Answer) error {
	if err := os.MkdirAll(q.dir(), 0o700); err != nil {
		return err
	}
	s := "no\n"
	if a == Yes {
		s = "yes\n"
	}
	return atomicfile.WriteFile(filepath.Join(q.dir(), consentFile), []byte(s), 0o600)
}
