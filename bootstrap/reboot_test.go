package bootstrap

import (
	"errors"
	"testing"

	"github.com/ohotfix/ohotfix/exitcode"
)

type fakeRebooter struct {
	answer   bool
	err      error
	asked    int
	rebooted int
}

func (f *fakeRebooter) Confirm(string) bool { f.asked++; return f.answer }
func (f *fakeRebooter) Reboot(string) error {
	if f.err != nil {
		return f.err
	}
	f.rebooted++
	return nil
}

func TestRebootDecisionTable(t *testing.T) {
	cases := []struct {
		name       string
		in         RebootInput
		confirm    bool
		rebootErr  error
		wantCode   exitcode.Code
		wantAsked  int
		wantReboot int
	}{
		{"not needed", RebootInput{}, false, nil, exitcode.Success, 0, 0},
		{"not needed quiet", RebootInput{UI: UIQuiet}, false, nil, exitcode.Success, 0, 0},
		{"needed normal UI, yes", RebootInput{Needed: true}, true, nil, exitcode.RebootInitiated, 1, 1},
		{"needed normal UI, no", RebootInput{Needed: true}, false, nil, exitcode.RebootRequired, 1, 0},
		{"needed promptrestart", RebootInput{Needed: true, Switch: PromptRestart}, true, nil, exitcode.RebootInitiated, 1, 1},
		{"needed quiet", RebootInput{Needed: true, UI: UIQuiet}, false, nil, exitcode.RebootRequired, 0, 0},
		{"needed quiet RebootInQuietMode", RebootInput{Needed: true, UI: UIQuiet, RebootInQuietMode: true}, false, nil, exitcode.RebootInitiated, 0, 1},
		{"needed quiet forcerestart", RebootInput{Needed: true, UI: UIQuiet, Switch: ForceRestart}, false, nil, exitcode.RebootInitiated, 0, 1},
		{"not needed forcerestart", RebootInput{Switch: ForceRestart}, false, nil, exitcode.RebootInitiated, 0, 1},
		{"norestart wins over RebootInQuietMode", RebootInput{Needed: true, UI: UIQuiet, RebootInQuietMode: true, Switch: NoRestart}, false, nil, exitcode.RebootRequired, 0, 0},
		{"norestart normal UI", RebootInput{Needed: true, Switch: NoRestart}, true, nil, exitcode.RebootRequired, 0, 0},
		{"passive restarts without asking", RebootInput{Needed: true, UI: UIPassive}, false, nil, exitcode.RebootInitiated, 0, 1},
		{"platform never reboots", RebootInput{Needed: true, UI: UIQuiet, RebootInQuietMode: true}, false, ErrRebootUnsupported, exitcode.RebootRequired, 0, 0},
		{"platform never reboots, not needed", RebootInput{Switch: ForceRestart}, false, ErrRebootUnsupported, exitcode.Success, 0, 0},
		{"reboot failed", RebootInput{Needed: true, UI: UIPassive}, false, errors.New("denied"), exitcode.RebootRequired, 0, 0},
	}
	for _, tc := range cases {
		r := &fakeRebooter{answer: tc.confirm, err: tc.rebootErr}
		code, _ := FinishReboot(tc.in, DecideReboot(tc.in), r)
		if code != tc.wantCode || r.asked != tc.wantAsked || r.rebooted != tc.wantReboot {
			t.Errorf("%s: code %v asked %d rebooted %d; want %v %d %d", tc.name, code, r.asked, r.rebooted, tc.wantCode, tc.wantAsked, tc.wantReboot)
		}
	}
}
