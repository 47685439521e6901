package bootstrap

import (
	"errors"

	"github.com/ohotfix/ohotfix/exitcode"
)

// RestartSwitch is the restart behaviour asked for on the command line.
type RestartSwitch int

const (
	RestartDefault RestartSwitch = iota
	NoRestart                    // /norestart: never restart, return 3010
	ForceRestart                 // /forcerestart: always restart, even when not needed
	PromptRestart                // /promptrestart: ask before restarting
)

// UIMode is how much ohotfix may show and ask.
type UIMode int

const (
	UINormal  UIMode = iota // may prompt
	UIPassive               // progress only, never asks (msiexec /passive)
	UIQuiet                 // nothing shown, never asks
)

// Rebooter restarts the machine. Only Windows has a real one; tests inject
// their own.
type Rebooter interface {
	// Confirm asks the user whether to restart now (normal UI only).
	Confirm(message string) bool
	// Reboot initiates a restart. ErrRebootUnsupported means this platform
	// never reboots the machine for us.
	Reboot(reason string) error
}

// ErrRebootUnsupported is returned by rebooters of platforms where ohotfix
// never restarts the machine.
var ErrRebootUnsupported = errors.New("ohotfix does not restart the machine on this platform")

// RebootInput is everything the reboot decision depends on.
type RebootInput struct {
	Needed            bool // an installer result asked for a restart (3010/1641)
	Switch            RestartSwitch
	UI                UIMode
	RebootInQuietMode bool
}

// RebootAction is what the decision tells the reporter to do.
type RebootAction int

const (
	RebootNone   RebootAction = iota // nothing to do, or 3010 left to the caller
	RebootNow                        // restart without asking
	RebootPrompt                     // ask, restart on yes
)

// DecideReboot applies the rules: /norestart wins; quiet mode never
// restarts unless RebootInQuietMode=1 or /forcerestart; /forcerestart
// restarts even when nothing asked for it; passive restarts without asking
// (as msiexec /passive does); normal UI asks first.
func DecideReboot(in RebootInput) RebootAction {
	switch {
	case in.Switch == NoRestart:
		return RebootNone
	case in.Switch == ForceRestart:
		return RebootNow
	case !in.Needed:
		return RebootNone
	case in.UI == UIQuiet && !in.RebootInQuietMode:
		return RebootNone
	case in.UI == UIQuiet, in.UI == UIPassive:
		return RebootNow
	default:
		return RebootPrompt
	}
}

// FinishReboot carries out the action and returns the final code for a run
// that otherwise succeeded: 0, 3010 or 1641. A restart that could not be
// started (or that the user declined) leaves 3010 when one is needed.
func FinishReboot(in RebootInput, action RebootAction, r Rebooter) (exitcode.Code, error) {
	needed := exitcode.Success
	if in.Needed {
		needed = exitcode.RebootRequired
	}
	if action == RebootNone || r == nil {
		return needed, nil
	}
	if s, ok := r.(interface{ Supported() bool }); ok && !s.Supported() {
		return needed, nil // never ask a question whose "yes" cannot be honoured
	}
	if action == RebootPrompt && !r.Confirm("The update needs a restart to finish. Restart now?") {
		return needed, nil
	}
	if err := r.Reboot("ohotfix: restart to finish applying updates"); err != nil {
		if errors.Is(err, ErrRebootUnsupported) {
			return needed, nil
		}
		return needed, err
	}
	return exitcode.RebootInitiated, nil
}
