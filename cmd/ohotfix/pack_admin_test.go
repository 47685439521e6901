package main

import (
	"bytes"
	"encoding/json"
	"os"
	"os/exec"
	"path/filepath"
	"sort"
	"strings"
	"testing"

	"github.com/ohotfix/ohotfix/payload"
)

// packedCase is an admin case (image + updates folder whose ohotfix.ini
// says quiet) packed into a Linux-stub patch executable.
func packedCase(t *testing.T, ini string) (exe, updates, image string) {
	t.Helper()
	// CopyFilesToRerun (on by default) keeps the payload below RerunDir:
	// a test's own folder, never the machine's /var/lib/ohotfix/rerun.
	updates, image = adminCase(t, ini+"RerunDir="+filepath.Join(t.TempDir(), "rerun")+"\n")
	exe = filepath.Join(filepath.Dir(updates), "contoso-fix")
	if r := runBinary(t, nil, "pack", updates, "-o", exe); r.status != 0 {
		t.Fatalf("pack: %d %s", r.status, r.stderr)
	}
	return exe, updates, image
}

// runPacked runs a patch executable with its own temp folder (TMPDIR),
// no standard input, nothing but args.
func runPacked(t *testing.T, exe string, env []string, args ...string) runResult {
	t.Helper()
	tmp := filepath.Join(filepath.Dir(exe), "tmp")
	os.MkdirAll(tmp, 0o755)
	return runExe(t, exe, append([]string{"TMPDIR=" + tmp}, env...), args...)
}

// wantPatched checks the image now holds v2's files.
func wantPatched(t *testing.T, image string) {
	t.Helper()
	f := demoProduct(t)
	for _, name := range []string{"application.txt", "engine.dat"} {
		got, _ := os.ReadFile(filepath.Join(image, "Contoso Demo", name))
		want, _ := os.ReadFile(filepath.Join(f.dir, "v2", name))
		if !bytes.Equal(got, want) {
			t.Errorf("%s is not v2's after the run", name)
		}
	}
}

// leftovers lists the payload copies a run left in its temp folder.
func leftovers(exe string) []string {
	l, _ := filepath.Glob(filepath.Join(filepath.Dir(exe), "tmp", "ohotfix-payload-*"))
	return l
}

// A Linux-stub package patches an admin image run with /q, and run with
// no arguments at all (its ohotfix.ini says quiet): same result, no
// question asked, no payload copy left.
func TestPackedAdminRunQuietAndNoArgs(t *testing.T) {
	for _, args := range [][]string{{"/q"}, nil} {
		exe, _, image := packedCase(t, "CopyFilesToRerun=0\n")
		r := runPacked(t, exe, nil, args...)
		if r.status != 0 {
			t.Fatalf("%v: status %d\n%s%s", args, r.status, r.stdout, r.stderr)
		}
		wantPatched(t, image)
		if args == nil && strings.Contains(r.stdout+r.stderr, "?") {
			t.Errorf("a quiet run asked something: %q %q", r.stdout, r.stderr)
		}
		if l := leftovers(exe); len(l) != 0 {
			t.Errorf("%v: payload copies left: %v", args, l)
		}
	}
}

// /extract:DIR gives exactly the packed files (and their SHA256SUMS),
// byte for byte.
func TestPackedExtractGivesExactlyThePackedFiles(t *testing.T) {
	exe, updates, image := packedCase(t, "CopyFilesToRerun=0\n")
	before := treeHash(t, image)
	out := filepath.Join(filepath.Dir(exe), "extracted")
	if r := runPacked(t, exe, nil, "/extract:"+out); r.status != 0 {
		t.Fatalf("extract: %d %s", r.status, r.stderr)
	}
	packed, _ := payload.Files(updates)
	want := append([]string{payload.ManifestName}, packed...)
	sort.Strings(want)
	entries, _ := os.ReadDir(out)
	var got []string
	for _, e := range entries {
		got = append(got, e.Name())
	}
	if strings.Join(got, "|") != strings.Join(want, "|") {
		t.Fatalf("extracted %v, want %v", got, want)
	}
	for _, n := range packed {
		a, _ := os.ReadFile(filepath.Join(updates, n))
		b, _ := os.ReadFile(filepath.Join(out, n))
		if !bytes.Equal(a, b) {
			t.Errorf("%s differs from the packed file", n)
		}
	}
	sums, _ := os.ReadFile(filepath.Join(out, payload.ManifestName))
	cmd := exec.Command("sha256sum", "-c", "--strict", payload.ManifestName)
	cmd.Dir = out
	if o, err := cmd.CombinedOutput(); err != nil {
		t.Errorf("sha256sum -c: %v %s\n%s", err, o, sums)
	}
	if treeHash(t, image) != before {
		t.Error("extraction touched the image")
	}
}

// One flipped byte in the payload: 1620, nothing run (image unchanged, no
// payload copy), and `pack --verify` says 1620 too; the intact package
// verifies with 0 and lists its files.
func TestPackedFlippedByte(t *testing.T) {
	exe, _, image := packedCase(t, "CopyFilesToRerun=0\n")
	r := runBinary(t, nil, "pack", "--verify", exe)
	if r.status != 0 || !strings.Contains(r.stdout, "fix.msp") || !strings.Contains(r.stdout, "intact") {
		t.Fatalf("verify intact: %d %s %s", r.status, r.stdout, r.stderr)
	}
	p, ok, err := payload.Find(exe)
	if err != nil || !ok {
		t.Fatal(ok, err)
	}
	b, _ := os.ReadFile(exe)
	b[p.Offset+p.Size/2] ^= 1
	os.WriteFile(exe, b, 0o755)
	before := treeHash(t, image)
	for _, args := range [][]string{{"/q"}, nil, {"/extract:" + filepath.Join(filepath.Dir(exe), "x")}} {
		r = runPacked(t, exe, []string{"OHOTFIX_TEST_APPLY_TRACE=" + filepath.Join(filepath.Dir(exe), "trace")}, args...)
		if r.status != wantStatus(1620) || !strings.Contains(r.stderr, "damaged") {
			t.Errorf("%v: status %d %q", args, r.status, r.stderr)
		}
	}
	if treeHash(t, image) != before {
		t.Error("the image changed")
	}
	if _, err := os.Stat(filepath.Join(filepath.Dir(exe), "trace")); err == nil {
		t.Error("the apply phase was entered")
	}
	if _, err := os.Stat(filepath.Join(filepath.Dir(exe), "x")); err == nil {
		t.Error("/extract left a folder")
	}
	if l := leftovers(exe); len(l) != 0 {
		t.Errorf("payload copies left: %v", l)
	}
	r = runBinary(t, nil, "pack", "--verify", exe)
	if r.status != wantStatus(1620) || !strings.Contains(r.stdout, "DAMAGED") {
		t.Errorf("verify damaged: %d %s %s", r.status, r.stdout, r.stderr)
	}
}

// CopyFilesToRerun=1 (the default): the packed executable's payload stays
// in RerunDir/<executable name>/, the result names it, and `ohotfix run`
// on that folder runs the update again — a no-op "already applied".
// CopyFilesToRerun=0 keeps nothing.
func TestPackedCopyFilesToRerun(t *testing.T) {
	exe, updates, image := packedCase(t, "")
	parent := filepath.Join(t.TempDir(), "rerun")
	res := filepath.Join(t.TempDir(), "r.json")
	r := runPacked(t, exe, nil, "/q", "--set", "RerunDir="+parent, "/result-json:"+res)
	if r.status != 0 {
		t.Fatalf("status %d\n%s%s", r.status, r.stdout, r.stderr)
	}
	wantPatched(t, image)
	var doc struct {
		RerunDir string `json:"rerun_dir"`
	}
	data, _ := os.ReadFile(res)
	if err := json.Unmarshal(data, &doc); err != nil || doc.RerunDir != filepath.Join(parent, "contoso-fix") {
		t.Fatalf("rerun_dir %q (%v), want %s", doc.RerunDir, err, filepath.Join(parent, "contoso-fix"))
	}
	for _, name := range []string{"ohotfix.ini", "fix.msp"} {
		kept, err1 := os.ReadFile(filepath.Join(doc.RerunDir, name))
		orig, err2 := os.ReadFile(filepath.Join(updates, name))
		if err1 != nil || err2 != nil || !bytes.Equal(kept, orig) {
			t.Errorf("%s not kept byte for byte in %s (%v %v)", name, doc.RerunDir, err1, err2)
		}
	}
	before := treeHash(t, image)
	r = runBinary(t, []string{"TMPDIR=" + t.TempDir()}, "run", doc.RerunDir, "--set", "OHotfixUILevel=n")
	if r.status != 0 || !strings.Contains(r.stdout, "already applied") {
		t.Errorf("run %s: status %d %q %q", doc.RerunDir, r.status, r.stdout, r.stderr)
	}
	if treeHash(t, image) != before {
		t.Error("the rerun changed the image")
	}

	exe, _, _ = packedCase(t, "CopyFilesToRerun=0\n")
	parent0 := filepath.Join(t.TempDir(), "rerun0")
	if r := runPacked(t, exe, nil, "/q", "--set", "RerunDir="+parent0); r.status != 0 {
		t.Fatalf("CopyFilesToRerun=0: status %d %s", r.status, r.stderr)
	}
	if _, err := os.Stat(parent0); err == nil {
		t.Errorf("CopyFilesToRerun=0 kept %s", parent0)
	}
}

// /extract: into something that cannot be a folder is a destination problem
// (1632), not an invalid package (1620), and leaves the file as it was.
func TestPackedExtractDestinationError(t *testing.T) {
	exe, _, _ := packedCase(t, "CopyFilesToRerun=0\n")
	file := filepath.Join(t.TempDir(), "existing")
	os.WriteFile(file, []byte("keep me"), 0o644)
	r := runPacked(t, exe, nil, "/extract:"+file)
	if r.status != wantStatus(1632) || !strings.Contains(r.stderr, "cannot extract the payload into") {
		t.Errorf("status %d (want %d), stderr %q", r.status, wantStatus(1632), r.stderr)
	}
	if b, _ := os.ReadFile(file); string(b) != "keep me" {
		t.Errorf("the file was changed: %q", b)
	}
}

// A rerun folder is checked against its SHA256SUMS before it runs: a
// changed .msp there is 1620 and the image is unchanged.
func TestRerunFolderIsVerified(t *testing.T) {
	exe, _, image := packedCase(t, "")
	parent := filepath.Join(t.TempDir(), "rerun")
	if r := runPacked(t, exe, nil, "/q", "--set", "RerunDir="+parent, "--set", "MinProductVersion=9.0"); r.status != wantStatus(1642) {
		t.Fatalf("first run (refused by MinProductVersion): status %d %s", r.status, r.stderr)
	}
	dir := filepath.Join(parent, "contoso-fix")
	msp := filepath.Join(dir, "fix.msp")
	data, err := os.ReadFile(msp)
	if err != nil {
		t.Fatal(err)
	}
	data[len(data)/2] ^= 1
	os.WriteFile(msp, data, 0o644)
	before := treeHash(t, image)
	r := runBinary(t, []string{"TMPDIR=" + t.TempDir()}, "run", dir, "/q")
	if r.status != wantStatus(1620) || !strings.Contains(r.stderr, "fix.msp does not match SHA256SUMS") {
		t.Errorf("status %d (want %d), stderr %q", r.status, wantStatus(1620), r.stderr)
	}
	if treeHash(t, image) != before {
		t.Error("the image changed")
	}
}
