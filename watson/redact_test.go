package watson

import (
	"regexp"
	"strings"
	"testing"
)

// No attachment of a report carries a home path or the user's name, in
// any spelling the logs use.
func TestRedactionOfAttachments(t *testing.T) {
	rep, err := Build(sampleInput(t, t.TempDir()), testRedactor())
	must(t, err)
	_, _, contents, err := Parse(rep.Cabinet)
	must(t, err)
	leak := regexp.MustCompile(`(?i)mallory|/home/(?:bob|mallory)|Users\\+mallory|Documents and Settings\\+carol`)
	for name, b := range contents {
		if loc := leak.FindIndex(b); loc != nil {
			t.Errorf("%s leaks %q", name, b[loc[0]:loc[1]])
		}
	}
	log := string(contents[MainLogName])
	for _, want := range []string{`<HOME>/updates`, `<HOME>\Downloads`, `/home/<USER>/x`, `C:\Documents and Settings\<USER>\y`, `"user": "<USER>"`} {
		if !strings.Contains(log, want) {
			t.Errorf("main log lacks %q:\n%s", want, log)
		}
	}
	if !strings.Contains(string(contents[MsiLogName]), "(user <USER>)") {
		t.Error("Msi tail: the upper-case user name is not redacted")
	}
	if !strings.Contains(string(contents[ResultName]), `<HOME>/tmp/OHotfix(00001).log`) {
		t.Errorf("result.json: %s", contents[ResultName])
	}
}

func TestRedactWords(t *testing.T) {
	r := &Redactor{Users: []string{"ann"}, Homes: []string{`C:\Users\ann`}}
	for in, want := range map[string]string{
		"planned by ann, Ann and ANN_x": "planned by <USER>, <USER> and ANN_x",
		`"C:\\Users\\ann\\AppData"`:     `"<HOME>\\AppData"`,
		`c:/users/ann/x`:                `<HOME>/x`,
		"annotation":                    "annotation",
		`DOMAIN\ann logged on`:          `DOMAIN\<USER> logged on`,
	} {
		if got := r.Redact(in); got != want {
			t.Errorf("Redact(%q) = %q, want %q", in, got, want)
		}
	}
	// The defaults know this process's user.
	if d := DefaultRedactor(); len(d.Homes) == 0 {
		t.Error("DefaultRedactor found no home folder")
	}
}
