package layout

import (
	"encoding/json"
	"errors"
	"io"
	"os"
	"os/exec"
	"strings"
	"testing"
)

const module = "github.com/ohotfix/ohotfix"

type pkg struct {
	ImportPath string
	Imports    []string
	Deps       []string
}

// listPackages runs `go list -deps -json ./...` for one GOOS and returns the
// module's own packages.
func listPackages(t *testing.T, goos string) []pkg {
	t.Helper()
	cmd := exec.Command("go", "list", "-json", "./...")
	cmd.Dir = "../.."
	cmd.Env = append(os.Environ(), "GOOS="+goos, "GOARCH=amd64")
	out, err := cmd.Output()
	if err != nil {
		var ee *exec.ExitError
		if errors.As(err, &ee) {
			t.Fatalf("go list (GOOS=%s): %v\n%s", goos, err, ee.Stderr)
		}
		t.Fatalf("go list (GOOS=%s): %v", goos, err)
	}
	var pkgs []pkg
	dec := json.NewDecoder(strings.NewReader(string(out)))
	for {
		var p pkg
		if err := dec.Decode(&p); err == io.EOF {
			break
		} else if err != nil {
			t.Fatal(err)
		}
		pkgs = append(pkgs, p)
	}
	if len(pkgs) < 10 {
		t.Fatalf("go list found only %d packages", len(pkgs))
	}
	return pkgs
}

func rel(path string) string { return strings.TrimPrefix(strings.TrimPrefix(path, module), "/") }

// under reports whether package path p is dir or below it.
func under(p, dir string) bool { return p == dir || strings.HasPrefix(p, dir+"/") }

// formatPackage: the format packages, which must stand alone like
// archive/zip (they may use internal/ helpers and each other).
func formatPackage(p string) bool {
	return under(p, "cab") || under(p, "msi") || under(p, "delta")
}

// checkLayout returns every broken rule for one package list.
func checkLayout(pkgs []pkg) []string {
	var bad []string
	for _, p := range pkgs {
		me := rel(p.ImportPath)
		for _, imp := range p.Imports {
			if rel(imp) == "bootstrap" && me != "cmd/ohotfix" {
				bad = append(bad, me+" imports bootstrap (only cmd/ohotfix may)")
			}
		}
		for _, dep := range p.Deps {
			if !strings.HasPrefix(dep, module) {
				continue
			}
			d := rel(dep)
			if under(me, "bootstrap") && (under(d, "installer/admin") || under(d, "installer/windows")) {
				bad = append(bad, me+" depends on the engine "+d+" (bootstrap knows only the installer contract)")
			}
			if formatPackage(me) {
				for _, above := range []string{"bootstrap", "installer", "checks", "watson", "cmd", "payload"} {
					if under(d, above) {
						bad = append(bad, me+" (a format package) depends on "+d)
					}
				}
			}
			if me == "exitcode" {
				bad = append(bad, "exitcode depends on "+d+" (it is the leaf everybody imports)")
			}
		}
	}
	return bad
}

func TestLayout(t *testing.T) {
	if _, err := exec.LookPath("go"); err != nil {
		t.Skip("the go command is not on PATH")
	}
	for _, goos := range []string{"linux", "windows"} {
		pkgs := listPackages(t, goos)
		for _, b := range checkLayout(pkgs) {
			t.Errorf("GOOS=%s: %s", goos, b)
		}
	}
}

// The rules themselves are tested on made-up graphs, so a rule that can
// never fire is noticed.
func TestLayoutRulesFire(t *testing.T) {
	m := func(s string) string { return module + "/" + s }
	cases := []struct {
		p    pkg
		want string
	}{
		{pkg{ImportPath: m("checks"), Imports: []string{m("bootstrap")}}, "checks imports bootstrap"},
		{pkg{ImportPath: m("bootstrap"), Deps: []string{m("installer/admin")}}, "depends on the engine installer/admin"},
		{pkg{ImportPath: m("bootstrap"), Deps: []string{m("installer/windows")}}, "depends on the engine installer/windows"},
		{pkg{ImportPath: m("cab/lzx"), Deps: []string{m("checks")}}, "cab/lzx (a format package) depends on checks"},
		{pkg{ImportPath: m("msi/patch"), Deps: []string{m("installer")}}, "depends on installer"},
		{pkg{ImportPath: m("delta"), Deps: []string{m("watson")}}, "depends on watson"},
		{pkg{ImportPath: m("exitcode"), Deps: []string{m("checks")}}, "exitcode depends on"},
	}
	for _, c := range cases {
		bad := checkLayout([]pkg{c.p})
		if len(bad) != 1 || !strings.Contains(bad[0], c.want) {
			t.Errorf("%s: got %q, want one violation containing %q", c.p.ImportPath, bad, c.want)
		}
	}
	ok := []pkg{
		{ImportPath: m("cmd/ohotfix"), Imports: []string{m("bootstrap")}, Deps: []string{m("installer/admin"), m("bootstrap")}},
		{ImportPath: m("bootstrap"), Deps: []string{m("installer"), m("checks"), m("exitcode")}},
		{ImportPath: m("installer/admin"), Deps: []string{m("msi/patch"), m("installer")}},
		{ImportPath: m("cab"), Deps: []string{m("internal/atomicfile"), m("cab/lzx")}},
	}
	if bad := checkLayout(ok); len(bad) != 0 {
		t.Errorf("allowed graph flagged: %q", bad)
	}
}
