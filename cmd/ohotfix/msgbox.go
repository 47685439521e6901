package main

import (
	"fmt"
	"strings"

	"github.com/ohotfix/ohotfix/bootstrap"
	"github.com/ohotfix/ohotfix/exitcode"
	"github.com/ohotfix/ohotfix/installer/lock"
)

// One rule decides how a run talks to a person: message boxes when the UI
// level is normal and the process owns its console alone (it was
// double-clicked in Explorer, or started with `start`: its text would vanish
// with its window); text otherwise (a shell's console, redirected output);
// nothing in quiet or passive mode (both set OHotfixUILevel=q).
func useMessageBoxes(cfg *bootstrap.Config) bool {
	return cfg != nil && !cfg.Quiet() && ownsConsoleAlone()
}

// dialogTitle is ohotfix.ini MessageTitle, or "ohotfix".
func dialogTitle(cfg *bootstrap.Config) string {
	if cfg != nil && strings.TrimSpace(cfg.MessageTitle) != "" {
		return cfg.MessageTitle
	}
	return "ohotfix"
}

// Message box kinds (the MB_* flags they stand for live in msgbox_windows.go).
type boxKind int

const (
	boxInfo     boxKind = iota // OK, information icon
	boxError                   // OK, error icon
	boxRetry                   // Retry / Cancel, warning icon
	boxQuestion                // Yes / No, question icon
)

// finalMessage is the box that ends a run, if any: success (when
// ShowSuccessDialog=1 and something was applied) or failure with the reason
// and the log (not after the person cancelled). ok is false when no box is
// due.
func finalMessage(cfg *bootstrap.Config, res *bootstrap.Result) (kind boxKind, text string, ok bool) {
	code := res.Code()
	if code.IsSuccess() {
		if !cfg.ShowSuccessDialog || res.Applied() == 0 {
			return 0, "", false
		}
		text = "The update was applied successfully."
		if code == exitcode.RebootRequired {
			text += "\n\nRestart the computer to finish installing it."
		}
		return boxInfo, text, true
	}
	if code == exitcode.UserCancelled {
		return 0, "", false // the person's own choice needs no box
	}
	text = "The update could not be applied."
	if res.Reason != "" {
		text += "\n\n" + res.Reason
	}
	text += fmt.Sprintf("\n\nExit code %d (%s).", int(code), code.Name())
	if res.Logs.Main != "" {
		text += "\nLog: " + res.Logs.Main
	}
	return boxError, text, true
}

// busyText is the Retry / Cancel question while another installation holds
// Windows Installer (or another ohotfix run applies).
func busyText(b lock.Busy) string {
	return fmt.Sprintf("Another installation is in progress: %s.\n\n"+
		"Choose Retry when it has finished, or Cancel to stop this update.", b.Holder)
}

// showFinalMessage shows the end-of-run box when message boxes are the way
// to talk (the text summary still goes to the console and the log).
func showFinalMessage(cfg *bootstrap.Config, res *bootstrap.Result) {
	if !useMessageBoxes(cfg) {
		return
	}
	if kind, text, ok := finalMessage(cfg, res); ok {
		messageBox(dialogTitle(cfg), text, kind)
	}
}

// busyPrompt is the lock's OnBusy in message-box mode: Retry keeps
// waiting (the lock tries again), Cancel stops the run (1602). A box that
// cannot be shown cancels nothing: the wait goes on and asks again.
func busyPrompt(cfg *bootstrap.Config) func(lock.Busy) bool {
	return func(b lock.Busy) bool {
		retry, shown := messageBox(dialogTitle(cfg), busyText(b), boxRetry)
		return retry || !shown
	}
}

// askRestartBox is the /promptrestart question as a Yes / No box; a box
// that cannot be shown answers No (nobody agreed to a restart).
func askRestartBox(cfg *bootstrap.Config, question string) bool {
	yes, _ := messageBox(dialogTitle(cfg), question, boxQuestion)
	return yes
}
