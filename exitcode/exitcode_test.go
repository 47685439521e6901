package exitcode

import (
	"errors"
	"fmt"
	"testing"
)

// Some callers see only a byte: no two codes may share a low byte, and the
// success codes must not look like failures.
func TestLowBytesDistinct(t *testing.T) {
	seen := map[int]Code{}
	for _, c := range All() {
		if prev, ok := seen[c.Status()]; ok {
			t.Errorf("%v and %v share POSIX status %d", prev, c, c.Status())
		}
		seen[c.Status()] = c
	}
	want := map[Code]int{RebootRequired: 194, AlreadyRunning: 82, Fatal: 67, InvalidCommandLine: 103, RebootInitiated: 105, Success: 0}
	for c, s := range want {
		if c.Status() != s {
			t.Errorf("%v status %d, want %d", c, c.Status(), s)
		}
	}
}

func TestOf(t *testing.T) {
	if Of(nil) != Success {
		t.Error("nil")
	}
	if Of(errors.New("x")) != Fatal {
		t.Error("plain error should be 1603")
	}
	err := fmt.Errorf("outer: %w", New(AlreadyRunning, "busy %d", 1))
	if Of(err) != AlreadyRunning || err.Error() != "outer: busy 1" {
		t.Errorf("wrapped: %v %v", Of(err), err)
	}
	if Wrap(Fatal, nil) != nil {
		t.Error("Wrap(nil)")
	}
	for _, c := range All() {
		if c.Name() == "" || c.Meaning() == "unknown" {
			t.Errorf("%d undocumented", int(c))
		}
	}
	if !RebootRequired.IsSuccess() || Fatal.IsSuccess() || PendingRebootRefused.IsSuccess() {
		t.Error("IsSuccess")
	}
}
