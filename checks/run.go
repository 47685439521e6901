package checks

import (
	"fmt"

	"github.com/ohotfix/ohotfix/exitcode"
)

// Report is the outcome of all checks.
type Report struct {
	Results []Result `json:"checks"`
	// Code is the first blocking failure's code; Success when nothing blocks.
	Code exitcode.Code `json:"code"`
	// Blocking names the check that set Code ("" when nothing blocks).
	Blocking string `json:"blocking,omitempty"`
	// Excluded holds one verdict per excluded patch: the first check that
	// excluded it wins.
	Excluded []PatchVerdict `json:"excluded,omitempty"`
}

// Run evaluates every check in order — all of them, so the user sees every
// problem at once — and records the first blocking failure's code.
func Run(f *Facts, list []Check) Report {
	if f == nil {
		f = &Facts{}
	}
	rep := Report{Results: make([]Result, 0, len(list))}
	seen := map[string]bool{}
	for _, c := range list {
		r := c.Run(f)
		if r.Name == "" {
			r.Name = c.Name()
		}
		r.Passed = r.Status != Failed
		if r.Blocking() && rep.Blocking == "" {
			rep.Code, rep.Blocking = r.Code, r.Name
			if rep.Code == exitcode.Success { // a failure must never read as success
				rep.Code = exitcode.Fatal
			}
		}
		for _, v := range r.Patches {
			if !seen[v.Patch] {
				seen[v.Patch] = true
				rep.Excluded = append(rep.Excluded, v)
			}
		}
		rep.Results = append(rep.Results, r)
	}
	return rep
}

// Err returns nil when nothing blocks, else an *exitcode.Error naming the
// blocking check and its reason.
func (r Report) Err() error {
	if r.Blocking == "" {
		return nil
	}
	for _, res := range r.Results {
		if res.Name == r.Blocking {
			return exitcode.New(r.Code, "check %s failed: %s", res.Name, res.Reason)
		}
	}
	return exitcode.New(r.Code, "check %s failed", r.Blocking)
}

// Applicable returns the patches no check excluded, in their given order.
func (r Report) Applicable(ps []Patch) []Patch {
	excluded := make(map[string]bool, len(r.Excluded))
	for _, v := range r.Excluded {
		excluded[v.Patch] = true
	}
	out := make([]Patch, 0, len(ps))
	for _, p := range ps {
		if !excluded[p.Name] {
			out = append(out, p)
		}
	}
	return out
}

// Verdict returns the exclusion verdict for the named patch, if any.
func (r Report) Verdict(patch string) (PatchVerdict, bool) {
	for _, v := range r.Excluded {
		if v.Patch == patch {
			return v, true
		}
	}
	return PatchVerdict{}, false
}

// String is a one-line summary for logs.
func (r Report) String() string {
	n := map[Status]int{}
	for _, res := range r.Results {
		n[res.Status]++
	}
	s := fmt.Sprintf("%d checks: %d passed, %d warnings, %d skipped, %d failed",
		len(r.Results), n[Passed], n[Warning], n[Skipped], n[Failed])
	if r.Blocking != "" {
		s += fmt.Sprintf("; blocked by %s with %s", r.Blocking, r.Code)
	}
	return s
}
