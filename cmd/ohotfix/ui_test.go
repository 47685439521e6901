package main

import (
	"io"
	"strings"
	"testing"

	"github.com/ohotfix/ohotfix/bootstrap"
)

// A run asks more than once on the same input (the image path, then the
// restart): each question gets its own line, none is swallowed by the one
// before.
func TestAskReadsOneLineEach(t *testing.T) {
	in := strings.NewReader("  C:\\image\\x.msi \r\nyes\nnope")
	var out strings.Builder
	o := bootstrap.Options{Stdin: in, Stdout: &out}
	if got, err := ask(in, &out, "path? "); err != nil || got != `C:\image\x.msi` {
		t.Errorf("first answer %q, %v", got, err)
	}
	if !askYesNo(o, "restart? ") {
		t.Error("second answer: not yes")
	}
	if askYesNo(o, "again? ") {
		t.Error("third answer (nope, no newline): yes")
	}
	if got, err := ask(in, &out, "more? "); err != io.EOF || got != "" {
		t.Errorf("at the end: %q, %v", got, err)
	}
	if out.String() != "path? restart? again? more? " {
		t.Errorf("questions: %q", out.String())
	}
}
