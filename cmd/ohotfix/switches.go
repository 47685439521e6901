package main

import (
	"os"
	"strings"

	"github.com/ohotfix/ohotfix/exitcode"
)

// argSpec tells the argument normaliser what a command accepts: which of
// its flags take a value, and its subcommands. The CLI derives it from its
// own definition so the two never disagree.
type argSpec struct {
	Flags       map[string]bool // flag name (without dashes) → takes a value
	Subcommands map[string]*argSpec
}

// windowsSwitch maps a Windows-style switch (lower case, without '/') to the
// GNU flag it means. value says what happens with a ":VALUE" part: "" (the
// switch takes none), "opt" (optional), "req" (required, ":" or next arg).
type windowsSwitch struct {
	flag  string
	value string
	// fixed is the value used when the switch is given without one.
	fixed string
}

var windowsSwitches = map[string]windowsSwitch{
	"?":             {flag: "help"},
	"h":             {flag: "help"},
	"help":          {flag: "help"},
	"q":             {flag: "quiet"},
	"qn":            {flag: "quiet"},
	"quiet":         {flag: "quiet"},
	"qb":            {flag: "passive"},
	"qb!":           {flag: "passive"},
	"qb-":           {flag: "passive"},
	"qb!-":          {flag: "passive"},
	"passive":       {flag: "passive"},
	"norestart":     {flag: "norestart"},
	"forcerestart":  {flag: "forcerestart"},
	"promptrestart": {flag: "promptrestart"},
	"log":           {flag: "log", value: "req"},
	"l*v":           {flag: "log", value: "req"}, // msiexec habit: /l*v FILE
	"l*":            {flag: "log", value: "req"},
	"extract":       {flag: "extract", value: "opt", fixed: "."},
	"t":             {flag: "temp-dir", value: "req"}, // IExpress: extraction folder
	"c":             {flag: "extract-only", value: "opt"},
	"admin":         {flag: "admin", value: "req"},
	"ini":           {flag: "ini", value: "req"},
	"result-json":   {flag: "result-json", value: "req"},
}

// normalizeArgs turns a command line as admins type it into one urfave/cli
// parses: Windows switches (/q, /log:FILE, /admin:X.msi …, case-insensitive)
// become GNU flags, and flags written after positional arguments are moved
// before them, level by level, because urfave/cli stops reading flags at the
// first positional argument. args[0] is the program name.
//
// An argument starting with '/' is a switch when its name (before any ':')
// is known; otherwise it is a path if it holds another '/' or exists, else
// it is an unknown switch (exit code 1639).
func normalizeArgs(args []string, root *argSpec) ([]string, error) {
	if len(args) == 0 {
		return args, nil
	}
	valued := map[string]bool{}
	collectValued(root, valued)
	tokens, err := translateSwitches(args[1:], valued)
	if err != nil {
		return nil, err
	}
	tokens, err = reorder(tokens, root)
	if err != nil {
		return nil, err
	}
	return append([]string{args[0]}, tokens...), nil
}

// collectValued gathers the names of flags that take a value at any level,
// so that "--admin /srv/x.msi" keeps its value even though it starts with '/'.
func collectValued(spec *argSpec, into map[string]bool) {
	if spec == nil {
		return
	}
	for name, v := range spec.Flags {
		if v {
			into[name] = true
		}
	}
	for _, sub := range spec.Subcommands {
		collectValued(sub, into)
	}
}

func translateSwitches(in []string, valued map[string]bool) ([]string, error) {
	var out []string
	for i := 0; i < len(in); i++ {
		a := in[i]
		if a == "--" {
			return append(out, in[i:]...), nil
		}
		if strings.HasPrefix(a, "-") && !strings.Contains(a, "=") && valued[strings.TrimLeft(a, "-")] && i+1 < len(in) {
			out = append(out, a, in[i+1]) // a GNU flag and its value, whatever the value looks like
			i++
			continue
		}
		if len(a) < 2 || a[0] != '/' {
			out = append(out, a)
			continue
		}
		name, val, hasVal := strings.Cut(a[1:], ":")
		sw, known := windowsSwitches[strings.ToLower(name)]
		if !known {
			if strings.Contains(a[1:], "/") || exists(a) {
				out = append(out, a) // a path such as /srv/updates
				continue
			}
			return nil, exitcode.New(exitcode.InvalidCommandLine, "unknown switch %s (see /? for the switches)", a)
		}
		switch {
		case sw.value == "req" && hasVal && unquote(val) == "":
			return nil, exitcode.New(exitcode.InvalidCommandLine, "switch /%s needs a value (/%s:VALUE)", name, name)
		case sw.value == "" && hasVal:
			return nil, exitcode.New(exitcode.InvalidCommandLine, "switch /%s takes no value (got %q)", name, val)
		case sw.value == "":
			out = append(out, "--"+sw.flag)
		case hasVal:
			out = append(out, "--"+sw.flag+"="+unquote(val))
		case sw.value == "opt":
			out = append(out, "--"+sw.flag+"="+sw.fixed)
		default: // required value in the next argument: "/log FILE"
			if i+1 >= len(in) {
				return nil, exitcode.New(exitcode.InvalidCommandLine, "switch /%s needs a value (/%s:VALUE)", name, name)
			}
			i++
			out = append(out, "--"+sw.flag+"="+in[i])
		}
	}
	return out, nil
}

// reorder moves flags before positionals (urfave/cli stops at the first
// positional), keeping each flag with its value. A flag that needs a value
// and is last is an error: moved in front of DIR it would take DIR.
func reorder(tokens []string, spec *argSpec) ([]string, error) {
	var out, pos []string
	var flags [][]string // each flag with its value, if it takes one
	for i := 0; i < len(tokens); i++ {
		t := tokens[i]
		if t == "--" {
			pos = append(pos, tokens[i:]...)
			break
		}
		if len(t) > 1 && t[0] == '-' {
			group := []string{t}
			name := flagName(t)
			if spec != nil && !strings.Contains(t, "=") && spec.Flags[name] {
				if i+1 >= len(tokens) {
					return nil, exitcode.New(exitcode.InvalidCommandLine, "flag %s needs a value (%s VALUE or %s=VALUE)", t, t, t)
				}
				i++
				group = append(group, tokens[i])
			}
			flags = append(flags, group)
			continue
		}
		if len(pos) == 0 && spec != nil && spec.Subcommands[t] != nil {
			sub := spec.Subcommands[t]
			// A flag typed before the subcommand that the subcommand also
			// defines belongs to it ("/q run DIR"): urfave/cli would read
			// the subcommand's own, unset copy.
			var moved [][]string
			for _, g := range flags {
				if _, ok := sub.Flags[flagName(g[0])]; ok {
					moved = append(moved, g)
				} else {
					out = append(out, g...)
				}
			}
			out = append(out, t)
			flags, spec = moved, sub
			continue
		}
		pos = append(pos, t)
	}
	for _, g := range flags {
		out = append(out, g...)
	}
	return append(out, pos...), nil
}

func flagName(tok string) string {
	name, _, _ := strings.Cut(strings.TrimLeft(tok, "-"), "=")
	return name
}

func unquote(s string) string {
	if len(s) >= 2 && s[0] == '"' && s[len(s)-1] == '"' {
		return s[1 : len(s)-1]
	}
	return s
}

func exists(p string) bool {
	_, err := os.Stat(p)
	return err == nil
}
