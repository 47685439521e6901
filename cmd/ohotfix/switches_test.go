package main

import (
	"reflect"
	"strings"
	"testing"

	"github.com/ohotfix/ohotfix/exitcode"
)

func testSpec() *argSpec {
	run := &argSpec{Flags: map[string]bool{"ini": true, "quiet": false, "q": false, "log": true, "admin": true,
		"passive": false, "norestart": false, "forcerestart": false, "promptrestart": false, "extract": true,
		"temp-dir": true, "extract-only": true, "result-json": true, "help": false, "h": false}}
	extract := &argSpec{Flags: map[string]bool{"d": true, "filter": true, "pipe": false, "p": false}}
	cab := &argSpec{Flags: map[string]bool{}, Subcommands: map[string]*argSpec{"extract": extract}}
	root := &argSpec{Flags: run.Flags, Subcommands: map[string]*argSpec{"run": run, "check": run, "cab": cab}}
	return root
}

func TestNormalizeArgs(t *testing.T) {
	existing := t.TempDir()
	cases := []struct {
		in, want []string
	}{
		{[]string{"/?"}, []string{"--help"}},
		{[]string{"/HELP"}, []string{"--help"}},
		{[]string{"/h"}, []string{"--help"}},
		{[]string{"/q"}, []string{"--quiet"}},
		{[]string{"/Quiet"}, []string{"--quiet"}},
		{[]string{"/qn"}, []string{"--quiet"}},
		{[]string{"/passive"}, []string{"--passive"}},
		{[]string{"/qb!-"}, []string{"--passive"}},
		{[]string{"/norestart"}, []string{"--norestart"}},
		{[]string{"/ForceRestart"}, []string{"--forcerestart"}},
		{[]string{"/promptrestart"}, []string{"--promptrestart"}},
		{[]string{"/log:C:\\x.log"}, []string{"--log=C:\\x.log"}},
		{[]string{"/log", "x.log"}, []string{"--log=x.log"}},
		{[]string{"/l*v", "x.log"}, []string{"--log=x.log"}},
		{[]string{`/log:"a b.log"`}, []string{"--log=a b.log"}},
		{[]string{"/extract"}, []string{"--extract=."}},
		{[]string{"/extract:out"}, []string{"--extract=out"}},
		{[]string{"/c", "/t:C:\\tmp"}, []string{"--extract-only=", "--temp-dir=C:\\tmp"}},
		{[]string{"/c:setup.cmd", "/T:x"}, []string{"--extract-only=setup.cmd", "--temp-dir=x"}},
		{[]string{"/admin:\\\\srv\\img\\pro.msi"}, []string{"--admin=\\\\srv\\img\\pro.msi"}},
		{[]string{"/ini:my.ini", "/q"}, []string{"--ini=my.ini", "--quiet"}},
		// paths that start with '/'
		{[]string{"run", "/srv/updates"}, []string{"run", "/srv/updates"}},
		{[]string{"run", existing}, []string{"run", existing}},
		{[]string{"--admin", "/srv/img/x.msi", "run"}, []string{"run", "--admin", "/srv/img/x.msi"}},
		// flags after positional arguments move before them
		{[]string{"cab", "extract", "X.cab", "-d", "out"}, []string{"cab", "extract", "-d", "out", "X.cab"}},
		{[]string{"cab", "extract", "-d", "out", "X.cab"}, []string{"cab", "extract", "-d", "out", "X.cab"}},
		{[]string{"cab", "extract", "X.cab", "--filter=*.txt", "-p"}, []string{"cab", "extract", "--filter=*.txt", "-p", "X.cab"}},
		{[]string{"run", "dir", "/q", "/log:l.txt"}, []string{"run", "--quiet", "--log=l.txt", "dir"}},
		{[]string{"check", "dir", "--ini", "a.ini"}, []string{"check", "--ini", "a.ini", "dir"}},
		{[]string{"run", "--", "-odd-dir"}, []string{"run", "--", "-odd-dir"}},
		// flags typed before the subcommand that it also defines move after it
		{[]string{"/log:x.log", "/q", "run", "dir"}, []string{"run", "--log=x.log", "--quiet", "dir"}},
		{[]string{"/norestart", "check", "--admin", "a.msi"}, []string{"check", "--norestart", "--admin", "a.msi"}},
		{[]string{"--quiet", "cab", "extract", "x.cab", "-d", "o"}, []string{"--quiet", "cab", "extract", "-d", "o", "x.cab"}},
	}
	for _, tc := range cases {
		got, err := normalizeArgs(append([]string{"ohotfix"}, tc.in...), testSpec())
		if err != nil {
			t.Errorf("%q: %v", tc.in, err)
			continue
		}
		if !reflect.DeepEqual(got[1:], tc.want) {
			t.Errorf("%q → %q, want %q", tc.in, got[1:], tc.want)
		}
	}
}

func TestNormalizeArgsErrors(t *testing.T) {
	for _, in := range [][]string{{"/nosuchswitch"}, {"/q:x"}, {"/log"}, {"/FOO"}, {"/admin:"}, {`/ini:""`}} {
		_, err := normalizeArgs(append([]string{"ohotfix"}, in...), testSpec())
		if exitcode.Of(err) != exitcode.InvalidCommandLine {
			t.Errorf("%q: err %v, want 1639", in, err)
		}
	}
}

// "/tmp" names no switch and has no other '/': it is a path only because
// it exists; "/no-such-thing-ohotfix" is neither and is refused.
func TestSlashArgumentThatExistsIsAPath(t *testing.T) {
	got, err := normalizeArgs([]string{"ohotfix", "run", "/tmp"}, testSpec())
	if err != nil || !reflect.DeepEqual(got[1:], []string{"run", "/tmp"}) {
		t.Errorf("/tmp: %q %v", got, err)
	}
	if _, err := normalizeArgs([]string{"ohotfix", "run", "/no-such-thing-ohotfix"}, testSpec()); exitcode.Of(err) != exitcode.InvalidCommandLine {
		t.Errorf("/no-such-thing-ohotfix: %v", err)
	}
}

// A flag that needs a value is refused with 1639 when the value is missing,
// whatever its form, instead of taking the next positional (DIR) as its
// value after reordering.
func TestFlagMissingValueIs1639(t *testing.T) {
	for _, args := range [][]string{
		{"ohotfix", "run", "updates", "--log"},
		{"ohotfix", "updates", "--log"},
		{"ohotfix", "run", "updates", "-log"},
		{"ohotfix", "run", "updates", "/log"},
		{"ohotfix", "run", "updates", "/log:"},
		{"ohotfix", "check", "updates", "--ini"},
		{"ohotfix", "run", "updates", "--result-json"},
	} {
		if _, err := normalizeArgs(args, testSpec()); exitcode.Of(err) != exitcode.InvalidCommandLine || !strings.Contains(err.Error(), "needs a value") {
			t.Errorf("%q: %v, want 1639 'needs a value'", args, err)
		}
	}
}
