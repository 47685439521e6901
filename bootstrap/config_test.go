package bootstrap

import (
	"bytes"
	"errors"
	"os"
	"path/filepath"
	"reflect"
	"strings"
	"testing"

	"github.com/ohotfix/ohotfix/exitcode"
)

func TestDefaultsMatchOHotfix(t *testing.T) {
	c := Default()
	want := map[string]any{
		"IsNormalUpdate": true, "AdminUsesShortFilenames": true, "AdminPath": "", "MessageTitle": "",
		"CopyFilesToRerun": true, "ShowSuccessDialog": true, "RunSetupWatson": true,
		"RequireAllPatchesNeeded": false, "RequireAllProductsAtMinVersion": false, "MinMsiVersion": "",
		"UpgradeMsi": false, "MsiUpgradeURL": "", "MinProductVersion": "", "OHotfixLogLevel": "v",
		"MsiLogLevel": "v", "OHotfixUILevel": "n", "MsiUILevel": "n", "RebootInQuietMode": false,
		"FeatureToCheck": "", "InstallerWaitSeconds": 600, "BlockOnPendingReboot": false,
	}
	got := map[string]any{
		"IsNormalUpdate": c.IsNormalUpdate, "AdminUsesShortFilenames": c.AdminUsesShortFilenames, "AdminPath": c.AdminPath,
		"MessageTitle": c.MessageTitle, "CopyFilesToRerun": c.CopyFilesToRerun, "ShowSuccessDialog": c.ShowSuccessDialog,
		"RunSetupWatson": c.RunSetupWatson, "RequireAllPatchesNeeded": c.RequireAllPatchesNeeded,
		"RequireAllProductsAtMinVersion": c.RequireAllProductsAtMinVersion, "MinMsiVersion": c.MinMsiVersion,
		"UpgradeMsi": c.UpgradeMsi, "MsiUpgradeURL": c.MsiUpgradeURL, "MinProductVersion": c.MinProductVersion,
		"OHotfixLogLevel": c.OHotfixLogLevel, "MsiLogLevel": c.MsiLogLevel, "OHotfixUILevel": c.OHotfixUILevel,
		"MsiUILevel": c.MsiUILevel, "RebootInQuietMode": c.RebootInQuietMode, "FeatureToCheck": c.FeatureToCheck,
		"InstallerWaitSeconds": c.InstallerWaitSeconds, "BlockOnPendingReboot": c.BlockOnPendingReboot,
	}
	for k, v := range want {
		if got[k] != v {
			t.Errorf("%s default = %v, want %v", k, got[k], v)
		}
	}
	if n := len(KeyNames()); n != 19+5 {
		t.Errorf("%d keys, want 19 OHotfix keys + 5 extensions", n)
	}
}

func TestMissingFileMeansDefaults(t *testing.T) {
	c, err := LoadConfig(filepath.Join(t.TempDir(), "ohotfix.ini"))
	if err != nil || c.Path != "" || !c.IsNormalUpdate {
		t.Fatalf("LoadConfig(missing) = %+v, %v", c, err)
	}
}

// TestToleratesRealFiles feeds what WSUS Offline's rewriting produced:
// "[OHotfix]= ", "Key=value " with trailing spaces, "Key= ", comments.
func TestToleratesRealFiles(t *testing.T) {
	text := "; ohotfix.ini comment\r\n[OHotfix]= \r\nIsNormalUpdate=0 \r\nAdminPath=c:\\admin\\pro11.msi \r\n" +
		"MessageTitle= \r\nOHotfixUILevel=q \r\n  ; indented comment\r\nMinMsiVersion=2.0.2600.0\r\n" +
		"MsiUpgradeURL=http://example.invalid/x;y#z\r\nSomeFutureKey=1\r\n"
	c, err := ParseConfig([]byte(text), "real.ini")
	if err != nil {
		t.Fatal(err)
	}
	if c.IsNormalUpdate || c.AdminPath != `c:\admin\pro11.msi` || c.MessageTitle != "" || c.OHotfixUILevel != "q" ||
		c.MinMsiVersion != "2.0.2600.0" || c.MsiUpgradeURL != "http://example.invalid/x;y#z" {
		t.Errorf("parsed %+v", c)
	}
	if len(c.Unknown) != 1 || !strings.EqualFold(c.Unknown[0], "SomeFutureKey") {
		t.Errorf("Unknown = %v", c.Unknown)
	}
	if !contains(c.Missing, "RebootInQuietMode") || contains(c.Missing, "AdminPath") {
		t.Errorf("Missing = %v", c.Missing)
	}
}

func TestKeysCaseInsensitive(t *testing.T) {
	c, err := ParseConfig([]byte("[ohotfix]\nrebootinquietmode=1\n"), "x")
	if err != nil || !c.RebootInQuietMode {
		t.Fatalf("%v %+v", err, c)
	}
}

func TestEveryValidValue(t *testing.T) {
	cases := map[string][]string{
		"IsNormalUpdate": {"0", "1", "true", "NO"}, "MinMsiVersion": {"", "2.0", "2.0.2600.0", "3.1.4000.2435"},
		"MinProductVersion": {"11.0.6361.0"}, "OHotfixLogLevel": {"v", "n", "w", "e", "V"},
		"MsiLogLevel": {"v", "*v", "iwearmo", "x"}, "OHotfixUILevel": {"n", "q", "Q"}, "MsiUILevel": {"n", "b", "r", "f"},
		"InstallerWaitSeconds": {"0", "30", "86400"},
	}
	for key, vals := range cases {
		for _, v := range vals {
			if _, err := ParseConfig([]byte("[OHotfix]\n"+key+"="+v+"\n"), "x"); err != nil {
				t.Errorf("%s=%s: %v", key, v, err)
			}
		}
	}
}

func TestInvalidValuesExit1639NamingTheKey(t *testing.T) {
	cases := []struct{ key, value string }{
		{"IsNormalUpdate", "2"}, {"AdminUsesShortFilenames", "maybe"}, {"CopyFilesToRerun", "x"},
		{"ShowSuccessDialog", "-1"}, {"RunSetupWatson", "on"}, {"RequireAllPatchesNeeded", "2"},
		{"RequireAllProductsAtMinVersion", "y"}, {"MinMsiVersion", "abc"}, {"MinMsiVersion", "1.2.3.4.5"},
		{"UpgradeMsi", "3"}, {"MinProductVersion", "abc"}, {"OHotfixLogLevel", "z"}, {"OHotfixLogLevel", "vv"},
		{"MsiLogLevel", "z"}, {"OHotfixUILevel", "b"}, {"OHotfixUILevel", ""}, {"MsiUILevel", "q"},
		{"RebootInQuietMode", "yes please"}, {"InstallerWaitSeconds", "-1"}, {"InstallerWaitSeconds", "soon"},
		{"BlockOnPendingReboot", "7"},
	}
	for _, tc := range cases {
		_, err := ParseConfig([]byte("[OHotfix]\n"+tc.key+"="+tc.value+"\n"), "bad.ini")
		if err == nil {
			t.Errorf("%s=%q accepted", tc.key, tc.value)
			continue
		}
		if exitcode.Of(err) != exitcode.InvalidCommandLine {
			t.Errorf("%s=%q: code %v", tc.key, tc.value, exitcode.Of(err))
		}
		var ke *KeyError
		if !errors.As(err, &ke) || ke.Key != tc.key || !strings.Contains(err.Error(), tc.key) ||
			!strings.Contains(err.Error(), "allowed") || !strings.Contains(err.Error(), "bad.ini") {
			t.Errorf("%s=%q: error %q does not name key, file and what is allowed", tc.key, tc.value, err)
		}
	}
}

func TestValidateAdminPathQuiet(t *testing.T) {
	c, err := ParseConfig([]byte("[OHotfix]\nIsNormalUpdate=0\nOHotfixUILevel=q\n"), "a.ini")
	if err != nil {
		t.Fatal(err)
	}
	err = c.Validate()
	if exitcode.Of(err) != exitcode.InvalidCommandLine || !strings.Contains(err.Error(), "AdminPath") {
		t.Fatalf("Validate = %v", err)
	}
	c, _ = ParseConfig([]byte("[OHotfix]\nUpgradeMsi=1\n"), "a.ini")
	if err := c.Validate(); !strings.Contains(fmtErr(err), "MsiUpgradeURL") {
		t.Fatalf("UpgradeMsi without URL: %v", err)
	}
}

func TestExampleIniParsesToDefaults(t *testing.T) {
	data, err := os.ReadFile("../ohotfix.ini.example")
	if err != nil {
		t.Skip("ohotfix.ini.example not found:", err)
	}
	c, err := ParseConfig(data, "ohotfix.ini.example")
	if err != nil {
		t.Fatal(err)
	}
	if len(c.Missing) != 0 || len(c.Unknown) != 0 {
		t.Errorf("example lacks %v, has unknown %v", c.Missing, c.Unknown)
	}
	d := Default()
	d.Path, c.Path, c.Missing, c.Unknown, c.Explicit = "", "", nil, nil, nil
	if !reflect.DeepEqual(c, sanitize(d)) {
		t.Errorf("example values differ from defaults:\n%+v\n%+v", c, d)
	}
}

func sanitize(c *Config) *Config { c.Missing, c.Unknown = nil, nil; return c }

func fmtErr(err error) string {
	if err == nil {
		return ""
	}
	return err.Error()
}

func contains(list []string, s string) bool {
	for _, x := range list {
		if x == s {
			return true
		}
	}
	return false
}

func TestIniEncodingsAndMissingSection(t *testing.T) {
	text := "[OHotfix]\r\nIsNormalUpdate=0\r\nAdminPath=C:\\img\\pro11.msi\r\n"
	utf16le := []byte{0xFF, 0xFE}
	for _, r := range text {
		utf16le = append(utf16le, byte(r), 0)
	}
	utf16be := []byte{0xFE, 0xFF}
	for _, r := range text {
		utf16be = append(utf16be, 0, byte(r))
	}
	for name, data := range map[string][]byte{"utf-8 bom": append([]byte{0xEF, 0xBB, 0xBF}, text...), "utf-16le": utf16le, "utf-16be": utf16be} {
		c, err := ParseConfig(data, name)
		if err != nil || c.IsNormalUpdate || c.AdminPath != `C:\img\pro11.msi` {
			t.Errorf("%s: %v %+v", name, err, c)
		}
	}
	for name, data := range map[string]string{"no section": "IsNormalUpdate=0\n", "misspelled": "[OHotfix Settings]\nIsNormalUpdate=0\n", "utf-16 without bom": "[\x00O\x00"} {
		_, err := ParseConfig([]byte(data), name)
		if exitcode.Of(err) != exitcode.InvalidCommandLine {
			t.Errorf("%s: %v", name, err)
		}
	}
	if _, err := ParseConfig([]byte("[OHotfix]\nMinProductVersion=v1.0-beta\n"), "x"); exitcode.Of(err) != exitcode.InvalidCommandLine {
		t.Errorf("v1.0-beta accepted")
	}
}

// Inputs are bounded: the file (MaxIniBytes), each value (MaxIniValue), and
// anything that is not a regular file is refused at once (a device such as
// /dev/zero would otherwise be read forever). All are 1639.
func TestIniLimitsAndSpecialFiles(t *testing.T) {
	dir := t.TempDir()
	big := filepath.Join(dir, "big.ini")
	os.WriteFile(big, append([]byte("[OHotfix]\n;"), bytes.Repeat([]byte("x"), MaxIniBytes)...), 0o644)
	long := filepath.Join(dir, "long.ini")
	os.WriteFile(long, []byte("[OHotfix]\nMessageTitle="+strings.Repeat("t", MaxIniValue+1)+"\n"), 0o644)
	ok := filepath.Join(dir, "ok.ini")
	os.WriteFile(ok, []byte("[OHotfix]\nMessageTitle="+strings.Repeat("t", MaxIniValue)+"\n"), 0o644)
	for _, p := range []string{big, long, dir, os.DevNull} {
		_, err := LoadConfig(p)
		if exitcode.Of(err) != exitcode.InvalidCommandLine {
			t.Errorf("%s: %v, want 1639", p, err)
		}
		if err != nil && len(err.Error()) > 1000 {
			t.Errorf("%s: the message copies the input (%d bytes)", p, len(err.Error()))
		}
	}
	if _, err := LoadConfig(ok); err != nil {
		t.Errorf("a value of exactly MaxIniValue bytes: %v", err)
	}
}

// A second section named [ohotfix] in another case does not replace
// [OHotfix]: as GetPrivateProfileString, the first match wins.
func TestIniSectionNamesCaseInsensitiveFirstWins(t *testing.T) {
	c, err := ParseConfig([]byte("[OHotfix]\nIsNormalUpdate=0\nAdminPath=C:\\img\\pro.msi\n[ohotfix]\nIsNormalUpdate=1\n"), "t.ini")
	if err != nil {
		t.Fatal(err)
	}
	if c.IsNormalUpdate || c.AdminPath != `C:\img\pro.msi` {
		t.Errorf("IsNormalUpdate %v AdminPath %q: the second section won", c.IsNormalUpdate, c.AdminPath)
	}
	c, err = ParseConfig([]byte("[OHOTFIX]\nIsNormalUpdate=0\n"), "t.ini")
	if err != nil || c.IsNormalUpdate {
		t.Errorf("[OHOTFIX]: %v %v", c, err)
	}
}
