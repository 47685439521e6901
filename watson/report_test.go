package watson

import (
	"bytes"
	"os"
	"os/exec"
	"path/filepath"
	"regexp"
	"strings"
	"testing"
	"time"
	"unicode/utf8"

	"github.com/ohotfix/ohotfix/cab"
	"github.com/ohotfix/ohotfix/internal/testtools"
)

func TestBuildManifestAndMembers(t *testing.T) {
	rep, err := Build(sampleInput(t, t.TempDir()), testRedactor())
	must(t, err)
	_, m, contents, err := Parse(rep.Cabinet)
	must(t, err)
	want := []string{ManifestName, MainLogName, MsiLogName, ResultName}
	if strings.Join(rep.Members, ",") != strings.Join(want, ",") {
		t.Fatalf("members %v, want %v", rep.Members, want)
	}
	raw := contents[ManifestName]
	if !utf8.Valid(raw) {
		t.Fatal("manifest is not UTF-8")
	}
	line := regexp.MustCompile(`^[A-Za-z_ 0-9]+=[^\r\n]*$`)
	for _, l := range strings.Split(strings.TrimSuffix(string(raw), "\r\n"), "\r\n") {
		if !line.MatchString(l) {
			t.Errorf("manifest line %q is not KEY=VALUE", l)
		}
	}
	wantParams := Params{"0.1.0-test", "fix.msp", "{D7E1C1A2-1111-4A5B-9C3D-0123456789AB}", "1.0.0", "detect",
		"read-patch", "1635", "patch truncated", "linux/amd64", "quiet/cli"}
	if m.Get("EventType") != "OHotfixSetupFailure" || m.Params() != wantParams {
		t.Fatalf("EventType %q params %q", m.Get("EventType"), m.Params())
	}
	if m.Get("Version") != "131072" || m.Get("FilesToKeep") != "ohotfix.log|msi-tail.log|result.json" {
		t.Errorf("DW keys: Version=%q FilesToKeep=%q", m.Get("Version"), m.Get("FilesToKeep"))
	}
	if rep.Bucket != "OHotfixSetupFailure.1635.detect."+rep.Bucket[len(rep.Bucket)-16:] || !ValidBucket(rep.Bucket) {
		t.Fatalf("bucket %q", rep.Bucket)
	}
	if !ValidID(rep.ID) || rep.ID != idOf(rep.Cabinet) {
		t.Fatalf("id %q", rep.ID)
	}
	// The Msi tail is centred on the last failure line.
	tail := string(contents[MsiLogName])
	if !strings.Contains(tail, "Return value 3.") || strings.Count(tail, "after the failure line") != msiAfter ||
		!strings.HasPrefix(tail, "[... ") {
		t.Errorf("msi tail not around the failure:\n%.300s", tail)
	}
	if n := strings.Count(tail, "\n"); n != msiBefore+msiAfter+2 {
		t.Errorf("msi tail has %d lines, want %d", n, msiBefore+msiAfter+2)
	}
}

func TestBucketStableIDUnique(t *testing.T) {
	dir := t.TempDir()
	in := sampleInput(t, dir)
	a, err := Build(in, testRedactor())
	must(t, err)
	b, err := Build(in, testRedactor())
	must(t, err)
	if !bytes.Equal(a.Cabinet, b.Cabinet) {
		t.Fatal("same input, different cabinets")
	}
	// Another failure of the same kind, later, with other logs: a new
	// report in the same bucket.
	in2 := in
	in2.Time = in.Time.Add(time.Hour)
	os.WriteFile(in.MainLogPath, []byte("another log\n"), 0o644)
	c, err := Build(in2, testRedactor())
	must(t, err)
	if c.Bucket != a.Bucket || c.ID == a.ID {
		t.Fatalf("bucket %s/%s id %s/%s", a.Bucket, c.Bucket, a.ID, c.ID)
	}
	// Another exit code: another bucket.
	in3 := in
	in3.Code = 1603
	d, err := Build(in3, testRedactor())
	must(t, err)
	if d.Bucket == a.Bucket || !strings.HasPrefix(d.Bucket, "OHotfixSetupFailure.1603.detect.") {
		t.Fatalf("bucket %s for code 1603", d.Bucket)
	}
}

func TestParamsAreOneLineAndBounded(t *testing.T) {
	in := Input{Code: 1603, Step: "a\r\nP2=evil\x00", PatchCode: strings.Repeat("é", 400), Time: time.Unix(0, 0)}
	rep, err := Build(in, testRedactor())
	must(t, err)
	_, m, _, err := Parse(rep.Cabinet)
	must(t, err)
	if m.Get("P6") != "a P2=evil" || utf8.RuneCountInString(m.Get("P2")) != 255 || m.Get("P3") != "-" {
		t.Fatalf("P6=%q P2 len %d P3=%q", m.Get("P6"), utf8.RuneCountInString(m.Get("P2")), m.Get("P3"))
	}
	// No attachments without logs: the manifest alone.
	if len(rep.Members) != 1 || m.Get("FilesToKeep") != "" {
		t.Fatalf("members %v", rep.Members)
	}
}

func TestMsiTailUTF16(t *testing.T) {
	dir := t.TempDir()
	p := filepath.Join(dir, "msi.log")
	text := "line one\r\nError 1935. fehlgeschlagen für Ä\r\nlast\r\n"
	b := []byte{0xff, 0xfe}
	for _, r := range text {
		b = append(b, byte(r), byte(r>>8))
	}
	must(t, os.WriteFile(p, b, 0o644))
	out, err := msiTail(p)
	must(t, err)
	if string(out) != text {
		t.Fatalf("got %q", out)
	}
}

// Every report we write is a cabinet Debian's cabextract accepts.
func TestReportPassesCabextract(t *testing.T) {
	tool := testtools.LookPath(t, "cabextract")
	dir := t.TempDir()
	rep, err := Build(sampleInput(t, dir), testRedactor())
	must(t, err)
	p := filepath.Join(dir, rep.ID+".cab")
	must(t, os.WriteFile(p, rep.Cabinet, 0o644))
	cabextractTest(t, tool, p, rep.Members)
}

func cabextractTest(t *testing.T, tool, path string, members []string) {
	t.Helper()
	out, err := exec.Command(tool, "-t", path).CombinedOutput()
	if err != nil {
		t.Fatalf("cabextract -t %s: %v\n%s", path, err, out)
	}
	for _, m := range members {
		if !strings.Contains(string(out), m+"  OK") {
			t.Errorf("cabextract -t does not list %s as OK:\n%s", m, out)
		}
	}
	if !strings.Contains(string(out), "All done, no errors.") {
		t.Errorf("cabextract -t: %s", out)
	}
}

func TestParseRefusesNonReports(t *testing.T) {
	good, err := Build(sampleInput(t, t.TempDir()), testRedactor())
	must(t, err)
	for name, body := range map[string][]byte{
		"empty":          nil,
		"text":           []byte("hello, this is not a cabinet"),
		"truncated":      good.Cabinet[:len(good.Cabinet)/2],
		"trailing bytes": append(append([]byte{}, good.Cabinet...), 0),
		"traversal":      cabOf(t, map[string]string{ManifestName: manifestText(), `..\..\evil.txt`: "x"}),
		"folder":         cabOf(t, map[string]string{ManifestName: manifestText(), "sub/evil.txt": "x"}),
		"absolute":       cabOf(t, map[string]string{ManifestName: manifestText(), "/etc/passwd": "x"}),
		"no manifest":    cabOf(t, map[string]string{"ohotfix.log": "x"}),
		"bad manifest":   cabOf(t, map[string]string{ManifestName: "EventType=X\r\nP1=a\r\n"}),
	} {
		if _, _, _, err := Parse(body); err == nil || !strings.Contains(err.Error(), ErrInvalid.Error()) {
			t.Errorf("%s: Parse = %v, want ErrInvalid", name, err)
		}
	}
}

func manifestText() string {
	var b strings.Builder
	b.WriteString("EventType=OHotfixSetupFailure\r\n")
	for i := 1; i <= 10; i++ {
		b.WriteString("P" + string(rune('0'+i%10)) + "=x\r\n")
	}
	return strings.Replace(b.String(), "P0=x", "P10=x", 1)
}

// cabOf writes a cabinet with our writer (which stores any name, as a
// hostile client's would).
func cabOf(t testing.TB, members map[string]string) []byte {
	t.Helper()
	var buf bytes.Buffer
	w := cab.NewWriter(&buf)
	for _, name := range []string{ManifestName, "ohotfix.log", `..\..\evil.txt`, "sub/evil.txt", "/etc/passwd"} {
		if c, ok := members[name]; ok {
			f, err := w.Create(&cab.FileHeader{Name: name, Modified: time.Unix(1e9, 0)})
			must(t, err)
			f.Write([]byte(c))
		}
	}
	must(t, w.Close())
	return buf.Bytes()
}
