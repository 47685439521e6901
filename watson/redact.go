package watson

import (
	"os"
	"os/user"
	"path/filepath"
	"regexp"
	"sort"
	"strings"
	"unicode"
	"unicode/utf8"
)

// Placeholders that replace what a report must not carry.
const (
	HomePlaceholder = "<HOME>"
	UserPlaceholder = "<USER>"
)

// Redactor removes home paths and user names from text before it goes
// into a report: the known ones (this user's home folder and name), and
// any profile path of the usual forms (/home/NAME, /Users/NAME,
// C:\Users\NAME, C:\Documents and Settings\NAME), which may name other
// users.
type Redactor struct {
	Homes []string // home folders, replaced by <HOME>
	Users []string // user names, replaced by <USER> where they stand as a word
}

// DefaultRedactor knows the current user's home folder and names from the
// system and the environment (HOME, USERPROFILE, USER, USERNAME, LOGNAME).
func DefaultRedactor() *Redactor {
	r := &Redactor{}
	if h, err := os.UserHomeDir(); err == nil {
		r.Homes = append(r.Homes, h)
	}
	for _, k := range []string{"HOME", "USERPROFILE"} {
		r.Homes = append(r.Homes, os.Getenv(k))
	}
	for _, k := range []string{"USER", "USERNAME", "LOGNAME"} {
		r.Users = append(r.Users, os.Getenv(k))
	}
	if u, err := user.Current(); err == nil {
		r.Homes = append(r.Homes, u.HomeDir)
		name := u.Username
		if i := strings.LastIndexAny(name, `\`); i >= 0 { // DOMAIN\user
			name = name[i+1:]
		}
		r.Users = append(r.Users, name)
	}
	return r
}

var profilePatterns = []*regexp.Regexp{
	// C:\Users\NAME, also with doubled (JSON-escaped) or forward slashes.
	regexp.MustCompile(`(?i)([A-Z]:(?:\\{1,2}|/)(?:Users|Documents and Settings)(?:\\{1,2}|/))[^\\/\s"'<>|:*?]+`),
	// /home/NAME, /Users/NAME, /export/home/NAME, /var/home/NAME
	regexp.MustCompile(`((?:^|[^A-Za-z0-9_.-])/(?:home|Users|export/home|var/home)/)[^/\s"'<>|:]+`),
}

// Redact returns s without home paths and user names.
func (r *Redactor) Redact(s string) string { return r.compile().redact(s) }

// redaction is a Redactor's patterns, compiled once for the many texts one
// report redacts.
type redaction struct {
	homes []*regexp.Regexp // the known home folders, longest first
	users []*regexp.Regexp // the known user names, longest first
}

func (r *Redactor) compile() *redaction {
	if r == nil {
		return nil
	}
	c := &redaction{}
	for _, h := range r.homes() {
		c.homes = append(c.homes, foldRegexp(h))
	}
	for _, u := range r.users() {
		c.users = append(c.users, foldRegexp(u))
	}
	return c
}

func (c *redaction) redact(s string) string {
	if c == nil || s == "" {
		return s
	}
	for _, re := range c.homes {
		s = re.ReplaceAllLiteralString(s, HomePlaceholder)
	}
	for _, p := range profilePatterns {
		s = p.ReplaceAllString(s, "${1}"+UserPlaceholder)
	}
	for _, re := range c.users {
		s = replaceWord(s, re)
	}
	return s
}

// homes are the known home folders in every spelling a log may use
// (native, forward slashes, JSON-escaped backslashes), longest first.
func (r *Redactor) homes() []string {
	seen := map[string]bool{}
	var out []string
	for _, h := range r.Homes {
		h = strings.TrimRight(h, `/\`)
		if len(h) < 2 || h == "/" {
			continue
		}
		for _, v := range []string{h, filepath.ToSlash(h), strings.ReplaceAll(h, `\`, `/`), strings.ReplaceAll(h, `\`, `\\`)} {
			if !seen[v] {
				seen[v] = true
				out = append(out, v)
			}
		}
	}
	sort.Slice(out, func(i, j int) bool { return len(out[i]) > len(out[j]) })
	return out
}

func (r *Redactor) users() []string {
	seen := map[string]bool{}
	var out []string
	for _, u := range r.Users {
		u = strings.TrimSpace(u)
		if len(u) < 2 || seen[strings.ToLower(u)] {
			continue
		}
		seen[strings.ToLower(u)] = true
		out = append(out, u)
	}
	sort.Slice(out, func(i, j int) bool { return len(out[i]) > len(out[j]) })
	return out
}

// foldRegexp matches s ignoring case (Windows paths are case-insensitive,
// and harmless to over-redact elsewhere).
func foldRegexp(s string) *regexp.Regexp { return regexp.MustCompile(`(?i)` + regexp.QuoteMeta(s)) }

// replaceWord replaces what re (a user name, ignoring case) matches where
// it is not part of a longer word (a user "ann" must not turn "planned"
// into "pl<USER>ed").
func replaceWord(s string, re *regexp.Regexp) string {
	var b strings.Builder
	last := 0
	for _, m := range re.FindAllStringIndex(s, -1) {
		before, _ := utf8.DecodeLastRuneInString(s[:m[0]])
		after, _ := utf8.DecodeRuneInString(s[m[1]:])
		if m[0] > 0 && isWordRune(before) || m[1] < len(s) && isWordRune(after) {
			continue
		}
		b.WriteString(s[last:m[0]])
		b.WriteString(UserPlaceholder)
		last = m[1]
	}
	if last == 0 {
		return s
	}
	b.WriteString(s[last:])
	return b.String()
}

func isWordRune(r rune) bool { return r == '_' || unicode.IsLetter(r) || unicode.IsDigit(r) }
