// Package e2efixture gives end-to-end tests in any package what the tests of
// cmd/ohotfix build for themselves: the real ohotfix binary, and a small
// wixl-built product v1/v2 with a patch made by `ohotfix patch create` and an
// administrative image of v1 made by `ohotfix admin create`. It is for tests
// only.
package e2efixture

import (
	"crypto/sha256"
	"fmt"
	"io/fs"
	"os"
	"os/exec"
	"path/filepath"
	"sort"
	"strings"
	"sync"
	"testing"

	"github.com/ohotfix/ohotfix/internal/testtools"
)

// Binary builds ./cmd/ohotfix once per test process (with the
// ohotfix_testhooks tag, as cmd/ohotfix's own end-to-end tests do) and
// returns its path.
func Binary(tb testing.TB) string {
	tb.Helper()
	p, err := binary()
	if err != nil {
		tb.Fatal(err)
	}
	return p
}

var binary = sync.OnceValues(func() (string, error) {
	dir, err := os.MkdirTemp("", "ohotfix-e2efixture-bin")
	if err != nil {
		return "", err
	}
	bin := filepath.Join(dir, "ohotfix")
	cmd := exec.Command("go", "build", "-tags", "ohotfix_testhooks", "-o", bin, "./cmd/ohotfix")
	cmd.Dir = testtools.Root()
	if out, err := cmd.CombinedOutput(); err != nil {
		return "", fmt.Errorf("go build ./cmd/ohotfix: %v\n%s", err, out)
	}
	return bin, nil
})

// Demo is the product fixture; every path is read-only for tests (copy the
// image before patching it).
type Demo struct {
	Dir   string // everything below lives here
	V1    string // v1.msi (1.0.0)
	V2    string // v2.msi (1.0.1), same ProductCode
	Patch string // fix.msp, v1 → v2, made by `ohotfix patch create`
	Image string // admin image of v1 (folder; the database is Image/v1.msi)
	// V2Files maps file names in the image to v2's contents: a patched image
	// holds exactly these.
	V2Files map[string]string
}

// Product builds the fixture once per test process (wixl needed).
func Product(tb testing.TB) Demo {
	tb.Helper()
	testtools.LookPath(tb, "wixl")
	Binary(tb)
	d, err := demo()
	if err != nil {
		tb.Fatal(err)
	}
	return d
}

var demo = sync.OnceValues(func() (Demo, error) {
	bin, err := binary()
	if err != nil {
		return Demo{}, err
	}
	return buildDemo(bin)
})

func buildDemo(bin string) (Demo, error) {
	dir, err := os.MkdirTemp("", "ohotfix-e2efixture")
	if err != nil {
		return Demo{}, err
	}
	wxs := filepath.Join(testtools.Root(), "examples", "demo", "product.wxs")
	files := map[string][2]string{
		"application.txt": {"app 1.0.0\n", "app 1.0.1 fixed\n"},
		"engine.dat":      {strings.Repeat("a", 70000), strings.Repeat("b", 70001)},
		"readme.txt":      {"readme\n", "readme\n"},
		"license.txt":     {"license\n", "license\n"},
	}
	d := Demo{Dir: dir, V1: filepath.Join(dir, "v1.msi"), V2: filepath.Join(dir, "v2.msi"),
		Patch: filepath.Join(dir, "fix.msp"), Image: filepath.Join(dir, "image"),
		V2Files: map[string]string{
			"Contoso Demo/application.txt":           files["application.txt"][1],
			"Contoso Demo/engine.dat":                files["engine.dat"][1],
			"Contoso Demo/Documentation/readme.txt":  files["readme.txt"][1],
			"Contoso Demo/Documentation/license.txt": files["license.txt"][1],
		}}
	for i, v := range []string{"v1", "v2"} {
		if err := os.MkdirAll(filepath.Join(dir, v), 0o755); err != nil {
			return d, err
		}
		for name, c := range files {
			if err := os.WriteFile(filepath.Join(dir, v, name), []byte(c[i]), 0o644); err != nil {
				return d, err
			}
		}
		cmd := exec.Command("wixl", "-D", fmt.Sprintf("Version=1.0.%d", i), "-D", "Src="+v, "-o", v+".msi", wxs)
		cmd.Dir = dir
		if out, err := cmd.CombinedOutput(); err != nil {
			return d, fmt.Errorf("wixl: %v %s", err, out)
		}
	}
	for _, s := range [][]string{
		{"patch", "create", "--target", d.V1, "--upgraded", d.V2, "-o", d.Patch, "--sequence", "Demo:1.0.1"},
		{"admin", "create", d.V1, "-d", d.Image},
	} {
		if out, err := exec.Command(bin, s...).CombinedOutput(); err != nil {
			return d, fmt.Errorf("ohotfix %v: %v %s", s, err, out)
		}
	}
	return d, nil
}

// CopyImage copies the fixture's admin image (lock files left out) to dst
// and returns the path of its database, dst/v1.msi.
func (d Demo) CopyImage(tb testing.TB, dst string) string {
	tb.Helper()
	CopyTree(tb, d.Image, dst)
	return filepath.Join(dst, "v1.msi")
}

// CopyTree copies every regular file below from to to, leaving out
// ohotfix's lock and journal files (names starting with ".ohotfix").
func CopyTree(tb testing.TB, from, to string) {
	tb.Helper()
	err := filepath.WalkDir(from, func(p string, de fs.DirEntry, err error) error {
		if err != nil || de.IsDir() || strings.HasPrefix(de.Name(), ".ohotfix") {
			return err
		}
		rel, _ := filepath.Rel(from, p)
		return CopyFile(p, filepath.Join(to, rel))
	})
	if err != nil {
		tb.Fatal(err)
	}
}

// CopyFile copies one file, creating the folders it needs.
func CopyFile(from, to string) error {
	data, err := os.ReadFile(from)
	if err != nil {
		return err
	}
	if err := os.MkdirAll(filepath.Dir(to), 0o755); err != nil {
		return err
	}
	return os.WriteFile(to, data, 0o644)
}

// NotV2 lists the files of v2 that an image does not hold yet (nil: the
// image is patched).
func (d Demo) NotV2(imageDir string) []string {
	var differ []string
	for name, want := range d.V2Files {
		got, err := os.ReadFile(filepath.Join(imageDir, filepath.FromSlash(name)))
		if err != nil || string(got) != want {
			differ = append(differ, name)
		}
	}
	sort.Strings(differ)
	return differ
}

// TreeHash summarises every file of a folder (ohotfix's lock files left
// out), to tell whether a run changed anything.
func TreeHash(tb testing.TB, dir string) string {
	tb.Helper()
	var lines []string
	err := filepath.WalkDir(dir, func(p string, de fs.DirEntry, err error) error {
		if err != nil || de.IsDir() || strings.HasPrefix(de.Name(), ".ohotfix") {
			return err
		}
		data, err := os.ReadFile(p)
		if err != nil {
			return err
		}
		rel, _ := filepath.Rel(dir, p)
		lines = append(lines, fmt.Sprintf("%x %s", sha256.Sum256(data), filepath.ToSlash(rel)))
		return nil
	})
	if err != nil {
		tb.Fatal(err)
	}
	sort.Strings(lines)
	return strings.Join(lines, "\n")
}
