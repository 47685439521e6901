package bootstrap

import (
	"bytes"
	"errors"
	"fmt"
	"io/fs"
	"sort"
	"strconv"
	"strings"

	"golang.org/x/text/encoding/unicode"
	"golang.org/x/text/transform"
	"gopkg.in/ini.v1"

	"github.com/ohotfix/ohotfix/checks"
	"github.com/ohotfix/ohotfix/exitcode"
	"github.com/ohotfix/ohotfix/internal/safeopen"
)

// Section is the one section of ohotfix.ini.
const Section = "OHotfix"

// Config is ohotfix.ini after defaults, validation and command-line overrides.
// Field names follow the ini keys so that logs and docs use one vocabulary.
type Config struct {
	// The 19 keys of OHotfix's own ohotfix.ini.
	IsNormalUpdate                 bool
	AdminUsesShortFilenames        bool
	AdminPath                      string
	MessageTitle                   string
	CopyFilesToRerun               bool
	ShowSuccessDialog              bool
	RunSetupWatson                 bool
	RequireAllPatchesNeeded        bool
	RequireAllProductsAtMinVersion bool
	MinMsiVersion                  string
	UpgradeMsi                     bool
	MsiUpgradeURL                  string
	MinProductVersion              string
	OHotfixLogLevel                string
	MsiLogLevel                    string
	OHotfixUILevel                 string
	MsiUILevel                     string
	RebootInQuietMode              bool
	FeatureToCheck                 string

	// Extension keys of ohotfix (not in the original file).
	InstallerWaitSeconds int    // wait this long for a running install before 1618
	ResultFile           string // JSON result written here (also --result-json)
	WatsonURL            string // where failure reports are uploaded
	BlockOnPendingReboot bool   // a pending reboot refuses the run (3017) instead of warning
	RerunDir             string // parent of the folders CopyFilesToRerun keeps ("" = the per-machine default)

	// Path is the file the config was read from ("" when defaults were used).
	Path string
	// Missing lists the known keys the file did not contain (they took defaults).
	Missing []string
	// Unknown lists keys in [OHotfix] that ohotfix does not know (ignored).
	Unknown []string
	// Explicit holds the keys given in the file or on the command line
	// (as opposed to defaults).
	Explicit map[string]bool
}

// keyDef describes one ini key: its default and how to store it.
type keyDef struct {
	name, def string
	ext       bool // our extension, not an original OHotfix key
	set       func(c *Config, v string) error
}

// Keys lists every key ohotfix.ini may hold, in the order of the original
// file, then our extensions.
var keys = []keyDef{
	{name: "IsNormalUpdate", def: "1", set: boolKey(func(c *Config) *bool { return &c.IsNormalUpdate })},
	{name: "AdminUsesShortFilenames", def: "1", set: boolKey(func(c *Config) *bool { return &c.AdminUsesShortFilenames })},
	{name: "AdminPath", def: "", set: strKey(func(c *Config) *string { return &c.AdminPath })},
	{name: "MessageTitle", def: "", set: strKey(func(c *Config) *string { return &c.MessageTitle })},
	{name: "CopyFilesToRerun", def: "1", set: boolKey(func(c *Config) *bool { return &c.CopyFilesToRerun })},
	{name: "ShowSuccessDialog", def: "1", set: boolKey(func(c *Config) *bool { return &c.ShowSuccessDialog })},
	{name: "RunSetupWatson", def: "1", set: boolKey(func(c *Config) *bool { return &c.RunSetupWatson })},
	{name: "RequireAllPatchesNeeded", def: "0", set: boolKey(func(c *Config) *bool { return &c.RequireAllPatchesNeeded })},
	{name: "RequireAllProductsAtMinVersion", def: "0", set: boolKey(func(c *Config) *bool { return &c.RequireAllProductsAtMinVersion })},
	{name: "MinMsiVersion", def: "", set: versionKey(func(c *Config) *string { return &c.MinMsiVersion })},
	{name: "UpgradeMsi", def: "0", set: boolKey(func(c *Config) *bool { return &c.UpgradeMsi })},
	{name: "MsiUpgradeURL", def: "", set: strKey(func(c *Config) *string { return &c.MsiUpgradeURL })},
	{name: "MinProductVersion", def: "", set: versionKey(func(c *Config) *string { return &c.MinProductVersion })},
	{name: "OHotfixLogLevel", def: "v", set: letterKey(ohotfixLogLetters, false, func(c *Config) *string { return &c.OHotfixLogLevel })},
	{name: "MsiLogLevel", def: "v", set: letterKey(msiLogLetters, true, func(c *Config) *string { return &c.MsiLogLevel })},
	{name: "OHotfixUILevel", def: "n", set: letterKey(ohotfixUILetters, false, func(c *Config) *string { return &c.OHotfixUILevel })},
	{name: "MsiUILevel", def: "n", set: letterKey(msiUILetters, false, func(c *Config) *string { return &c.MsiUILevel })},
	{name: "RebootInQuietMode", def: "0", set: boolKey(func(c *Config) *bool { return &c.RebootInQuietMode })},
	{name: "FeatureToCheck", def: "", set: strKey(func(c *Config) *string { return &c.FeatureToCheck })},

	{name: "InstallerWaitSeconds", def: "600", ext: true, set: func(c *Config, v string) error {
		n, err := strconv.Atoi(v)
		if err != nil || n < 0 || n > 86400 {
			return fmt.Errorf("a whole number of seconds from 0 to 86400")
		}
		c.InstallerWaitSeconds = n
		return nil
	}},
	{name: "ResultFile", def: "", ext: true, set: strKey(func(c *Config) *string { return &c.ResultFile })},
	{name: "WatsonURL", def: "", ext: true, set: strKey(func(c *Config) *string { return &c.WatsonURL })},
	{name: "BlockOnPendingReboot", def: "0", ext: true, set: boolKey(func(c *Config) *bool { return &c.BlockOnPendingReboot })},
	{name: "RerunDir", def: "", ext: true, set: strKey(func(c *Config) *string { return &c.RerunDir })},
}

// Allowed letters; the first of each list is what the README documents.
const (
	ohotfixLogLetters = "vniwe"           // verbose, normal, info, warnings, errors
	msiLogLetters     = "iwearucmopvx+!*" // msiexec /L flags
	ohotfixUILetters  = "nq"              // normal (may prompt) or quiet
	msiUILetters      = "nbrf"            // msiexec /q letter
)

// KeyNames returns every known key, original keys first.
func KeyNames() []string {
	out := make([]string, len(keys))
	for i, k := range keys {
		out[i] = k.name
	}
	return out
}

// Default returns the configuration an absent ohotfix.ini means.
func Default() *Config {
	c := &Config{}
	for _, k := range keys {
		if err := k.set(c, k.def); err != nil {
			panic("bootstrap: bad default for " + k.name) // a programming error, caught by tests
		}
	}
	return c
}

// KeyError is an invalid value in ohotfix.ini or on the command line.
type KeyError struct {
	Key, Value, Allowed, Source string
}

func (e *KeyError) Error() string {
	src := e.Source
	if src == "" {
		src = "configuration"
	}
	return fmt.Sprintf("%s: invalid value %q for %s: allowed %s", src, e.Value, e.Key, e.Allowed)
}

// Limits on what ohotfix.ini may hold, so that no input grows memory
// without bound (real files are a few kilobytes): the whole file, and each
// value (32767 is Windows' longest path).
const (
	MaxIniBytes = 1 << 20
	MaxIniValue = 32767
)

// LoadConfig reads path. A missing file means defaults (Path stays ""); a
// missing key takes its default and is listed in Missing. Any invalid value
// is an error carrying exitcode.InvalidCommandLine (1639) that names the key.
func LoadConfig(path string) (*Config, error) {
	c := Default()
	data, err := safeopen.ReadFileLimited(path, MaxIniBytes)
	switch {
	case errors.Is(err, fs.ErrNotExist):
		return c, nil
	case errors.Is(err, safeopen.ErrTooLarge):
		return nil, exitcode.New(exitcode.InvalidCommandLine, "%s is larger than %d bytes: not an ohotfix.ini", path, MaxIniBytes)
	case err != nil:
		return nil, exitcode.New(exitcode.InvalidCommandLine, "cannot read %s: %v", path, err)
	}
	if err := c.parse(data, path); err != nil {
		return nil, err
	}
	c.Path = path
	return c, nil
}

// ParseConfig reads ini text (used by LoadConfig and tests).
func ParseConfig(data []byte, source string) (*Config, error) {
	c := Default()
	if err := c.parse(data, source); err != nil {
		return nil, err
	}
	c.Path = source
	return c, nil
}

func (c *Config) parse(data []byte, source string) error {
	data, err := decodeINIText(data)
	if err != nil {
		return exitcode.New(exitcode.InvalidCommandLine, "%s: %v", source, err)
	}
	f, err := ini.LoadSources(ini.LoadOptions{
		InsensitiveKeys:         true, // key names come back lower-cased
		IgnoreInlineComment:     true, // values such as URLs may hold ';' or '#'
		SkipUnrecognizableLines: true,
	}, normalizeINI(data))
	if err != nil {
		return exitcode.New(exitcode.InvalidCommandLine, "%s: not a valid ini file: %v", source, err)
	}
	// Windows' profile functions compare section names case-insensitively
	// and take the first match: a later [ohotfix] does not replace
	// [OHotfix].
	var sec *ini.Section
	for _, s := range f.Sections() {
		if strings.EqualFold(s.Name(), Section) {
			sec = s
			break
		}
	}
	if sec == nil {
		// Silently running on defaults could turn an admin update into a
		// client one: a file without the section is refused.
		return exitcode.Wrap(exitcode.InvalidCommandLine, &KeyError{Source: source, Key: "[" + Section + "]", Value: "",
			Allowed: "an [OHotfix] section holding the settings (none was found)"})
	}
	present := map[string]string{}
	for _, k := range sec.Keys() {
		present[strings.TrimSpace(k.Name())] = strings.TrimSpace(k.Value())
	}
	for _, k := range keys {
		lk := strings.ToLower(k.name)
		v, ok := present[lk]
		delete(present, lk)
		if !ok {
			c.Missing = append(c.Missing, k.name)
			continue
		}
		if err := c.Set(k.name, v); err != nil {
			var ke *KeyError
			if errors.As(err, &ke) {
				ke.Source = source
			}
			return err
		}
	}
	for name := range present { // what is left is not ours
		c.Unknown = append(c.Unknown, name)
	}
	sort.Strings(c.Unknown)
	return nil
}

// decodeINIText accepts what Windows editors save: UTF-8 (with or without
// a byte-order mark) and "Unicode" (UTF-16 with a byte-order mark).
func decodeINIText(data []byte) ([]byte, error) {
	switch {
	case bytes.HasPrefix(data, []byte{0xFF, 0xFE}), bytes.HasPrefix(data, []byte{0xFE, 0xFF}):
		out, _, err := transform.Bytes(unicode.UTF16(unicode.LittleEndian, unicode.UseBOM).NewDecoder(), data)
		if err != nil {
			return nil, fmt.Errorf("not valid UTF-16 text: %v", err)
		}
		return out, nil
	case bytes.IndexByte(data, 0) >= 0:
		return nil, fmt.Errorf("binary data or UTF-16 without a byte-order mark; save ohotfix.ini as UTF-8 or ANSI text")
	}
	return bytes.TrimPrefix(data, []byte{0xEF, 0xBB, 0xBF}), nil
}

// normalizeINI turns what real ohotfix.ini files held into what the ini
// library reads: a section line with text after ']' (WSUS Offline rewrote
// "[OHotfix]" as "[OHotfix]= ") keeps only the bracketed part.
func normalizeINI(data []byte) []byte {
	lines := strings.Split(strings.ReplaceAll(string(data), "\r\n", "\n"), "\n")
	for i, l := range lines {
		t := strings.TrimSpace(l)
		if strings.HasPrefix(t, "[") {
			if j := strings.IndexByte(t, ']'); j > 0 {
				lines[i] = t[:j+1]
			}
		}
	}
	return []byte(strings.Join(lines, "\n"))
}

// Set assigns one key by name (case-insensitive), validating the value.
// Command-line overrides use it too.
func (c *Config) Set(name, value string) error {
	value = strings.TrimSpace(value)
	for _, k := range keys {
		if strings.EqualFold(k.name, name) {
			if len(value) > MaxIniValue { // never copied whole into a message or the log
				return exitcode.Wrap(exitcode.InvalidCommandLine, &KeyError{Key: k.name, Value: value[:40] + "…",
					Allowed: fmt.Sprintf("a value of at most %d bytes (this one has %d)", MaxIniValue, len(value))})
			}
			if err := k.set(c, value); err != nil {
				return exitcode.Wrap(exitcode.InvalidCommandLine, &KeyError{Key: k.name, Value: value, Allowed: err.Error()})
			}
			if c.Explicit == nil {
				c.Explicit = map[string]bool{}
			}
			c.Explicit[k.name] = true
			return nil
		}
	}
	return exitcode.New(exitcode.InvalidCommandLine, "unknown ohotfix.ini key %q", name)
}

// Quiet reports whether ohotfix itself must not prompt.
func (c *Config) Quiet() bool { return c.OHotfixUILevel == "q" }

// AdminMode reports whether the run patches an administrative image.
func (c *Config) AdminMode() bool { return !c.IsNormalUpdate || c.AdminPath != "" }

// Validate checks rules that span keys; it runs after command-line
// overrides, before anything changes.
func (c *Config) Validate() error {
	if !c.IsNormalUpdate && c.AdminPath == "" && c.Quiet() {
		return exitcode.Wrap(exitcode.InvalidCommandLine, &KeyError{Source: c.source(), Key: "AdminPath", Value: "",
			Allowed: "the path of an administrative image's .msi when IsNormalUpdate=0 and OHotfixUILevel=q (quiet mode cannot prompt for it)"})
	}
	if c.UpgradeMsi && c.MsiUpgradeURL == "" {
		return exitcode.Wrap(exitcode.InvalidCommandLine, &KeyError{Source: c.source(), Key: "MsiUpgradeURL", Value: "",
			Allowed: "a URL when UpgradeMsi=1"})
	}
	return nil
}

func (c *Config) source() string {
	if c.Path == "" {
		return "command line"
	}
	return c.Path
}

func boolKey(field func(*Config) *bool) func(*Config, string) error {
	return func(c *Config, v string) error {
		switch strings.ToLower(v) {
		case "1", "true", "yes":
			*field(c) = true
		case "0", "false", "no":
			*field(c) = false
		default:
			return fmt.Errorf("0 or 1")
		}
		return nil
	}
}

func strKey(field func(*Config) *string) func(*Config, string) error {
	return func(c *Config, v string) error { *field(c) = v; return nil }
}

func versionKey(field func(*Config) *string) func(*Config, string) error {
	return func(c *Config, v string) error {
		if v != "" {
			// The same parser the checks use, so a value the ini accepts is
			// never refused later, after logs or the image were touched.
			if _, err := checks.ParseVersion(v); err != nil {
				return fmt.Errorf("empty or a dotted version of up to 4 numbers of at most 65535 each, such as 2.0.2600.0")
			}
		}
		*field(c) = v
		return nil
	}
}

// letterKey accepts one letter from allowed (or, with many, any non-empty
// combination, as msiexec's /L flags are).
func letterKey(allowed string, many bool, field func(*Config) *string) func(*Config, string) error {
	return func(c *Config, v string) error {
		lv := strings.ToLower(v)
		ok := lv != ""
		if ok && !many && len(lv) != 1 {
			ok = false
		}
		for _, r := range lv {
			if !strings.ContainsRune(allowed, r) {
				ok = false
			}
		}
		if !ok {
			if many {
				return fmt.Errorf("one or more of the letters %q", allowed)
			}
			return fmt.Errorf("one of the letters %q", allowed)
		}
		*field(c) = lv
		return nil
	}
}
