package testtools

import (
	"go/parser"
	"go/token"
	"io/fs"
	"os"
	"os/exec"
	"path/filepath"
	"regexp"
	"runtime"
	"slices"
	"sort"
	"strconv"
	"strings"
	"testing"
)

// TestCommandsInstalled: every command the test suite runs is installed.
// Under CI=true a missing one fails, naming the command and its package
// (CI ran scripts/deps.sh, which installs them all); elsewhere the test
// lists what is missing and skips.
func TestCommandsInstalled(t *testing.T) {
	rows, err := Commands()
	if err != nil {
		t.Fatal(err)
	}
	var missing []string
	for _, c := range rows {
		if c.Group == "bench" {
			continue // the benchmarks' scripts, not the test suite
		}
		p, err := c.Find()
		if err != nil {
			missing = append(missing, err.Error())
			continue
		}
		t.Logf("%-24s %s", strings.Join(c.Names, "|"), p)
	}
	if len(missing) > 0 {
		SkipOrFail(t, "commands the tests run are missing:\n  %s", strings.Join(missing, "\n  "))
	}
}

// TestTableParses: the table has the three columns everywhere, and no
// command is listed twice (deps.sh and LookPath would disagree on which
// row counts).
func TestTableParses(t *testing.T) {
	rows, err := Commands()
	if err != nil {
		t.Fatal(err)
	}
	if len(rows) < 10 {
		t.Fatalf("%d rows in %s", len(rows), TablePath())
	}
	seen := map[string]int{}
	for _, c := range rows {
		for _, n := range c.Names {
			if prev, ok := seen[n]; ok {
				t.Errorf("%s: %q listed on lines %d and %d", TablePath(), n, prev, c.Line)
			}
			seen[n] = c.Line
		}
	}
	// The 7-Zip row is the one this table exists for: Debian 12's 7zip
	// package installs only 7zz.
	c, err := lookup("7z")
	if err != nil || !slices.Equal(c.Names, []string{"7zz", "7z"}) || c.Package != "7zip" {
		t.Errorf("7-Zip row: %+v, %v; want 7zz|7z from 7zip", c, err)
	}
}

// commandPatterns find, in Go test sources, the string literal naming an
// external command: the first argument of exec.Command and exec.LookPath,
// the second of exec.CommandContext, and the command argument of the test
// helpers LookPath, runTool, runToolIn, peer (tb, command, ...) and msi's run (tb, dir, command, ...).
var commandPatterns = []*regexp.Regexp{
	regexp.MustCompile(`exec\.Command\(("[^"]+")`),
	regexp.MustCompile(`exec\.CommandContext\([\w.]+,\s*("[^"]+")`),
	regexp.MustCompile(`LookPath\(("[^"]+")`),
	regexp.MustCompile(`(?:^|[^.\w]|\w\.)(?:LookPath|Need)\(\w+,\s*("[^"]+")`),
	regexp.MustCompile(`(?:^|[^.\w])(?:runTool|peer)\(\w+,\s*("[^"]+")`),
	regexp.MustCompile(`(?:^|[^.\w])runToolIn\(\w+,\s*\w+,\s*("[^"]+")`),
	regexp.MustCompile(`(?:^|[^.\w])run\((?:t|b|tb),\s*(?:"[^"]*"|\w+),\s*("[^"]+")`),
}

// testSources returns the Go files that make up the test suite: every
// _test.go file, and every file of a package whose non-test files import
// "testing" (test-support packages: internal/winetest, cab/internal/rawcab,
// transformtest ...). testdata folders are not part of any package.
func testSources(t *testing.T) []string {
	t.Helper()
	root := Root()
	var files []string
	supportDirs := map[string]bool{}
	err := filepath.WalkDir(root, func(p string, d fs.DirEntry, err error) error {
		if err != nil {
			return err
		}
		if d.IsDir() {
			if name := d.Name(); p != root && (name == "testdata" || name == "vendor" || strings.HasPrefix(name, ".")) {
				return filepath.SkipDir
			}
			return nil
		}
		if !strings.HasSuffix(p, ".go") {
			return nil
		}
		if strings.HasSuffix(p, "_test.go") {
			files = append(files, p)
			return nil
		}
		f, err := parser.ParseFile(token.NewFileSet(), p, nil, parser.ImportsOnly)
		if err != nil {
			return err
		}
		for _, imp := range f.Imports {
			if imp.Path.Value == `"testing"` {
				supportDirs[filepath.Dir(p)] = true
			}
		}
		return nil
	})
	if err != nil {
		t.Fatal(err)
	}
	for dir := range supportDirs {
		all, _ := filepath.Glob(filepath.Join(dir, "*.go"))
		for _, p := range all {
			if !strings.HasSuffix(p, "_test.go") {
				files = append(files, p)
			}
		}
	}
	sort.Strings(files)
	return files
}

// commandsRun returns the commands the test sources name in the patterns
// above, each with the first file:line that runs it.
func commandsRun(t *testing.T) map[string]string {
	t.Helper()
	found := map[string]string{}
	eachSourceLine(t, func(at, line string) {
		for _, re := range commandPatterns {
			for _, m := range re.FindAllStringSubmatch(line, -1) {
				name, err := strconv.Unquote(m[1])
				if err != nil {
					continue
				}
				if _, ok := found[name]; !ok {
					found[name] = at
				}
			}
		}
	})
	return found
}

// eachSourceLine calls fn with every line of the test sources and where it
// is (file:line, the file relative to the module root).
func eachSourceLine(t *testing.T, fn func(at, line string)) {
	t.Helper()
	for _, p := range testSources(t) {
		b, err := os.ReadFile(p)
		if err != nil {
			t.Fatal(err)
		}
		rel, _ := filepath.Rel(Root(), p)
		for i, line := range strings.Split(string(b), "\n") {
			fn(rel+":"+strconv.Itoa(i+1), line)
		}
	}
}

// TestTableListsEveryCommandRun: a command a test source runs by name is
// in the table, so scripts/deps.sh installs it and CI checks it is there.
func TestTableListsEveryCommandRun(t *testing.T) {
	found := commandsRun(t)
	// The scan must see the commands we know the suite runs, or a change
	// in the sources' style would make this test pass by finding nothing.
	for _, name := range []string{"cabextract", "gcab", "msiinfo", "msidump", "msibuild", "wixl", "wine", "wineserver", "flock", "go"} {
		if _, ok := found[name]; !ok {
			t.Errorf("the scan of the test sources did not find %q (patterns out of date?)", name)
		}
	}
	names := make([]string, 0, len(found))
	for name := range found {
		names = append(names, name)
	}
	sort.Strings(names)
	for _, name := range names {
		if _, err := lookup(name); err != nil {
			t.Errorf("%s runs %q, which scripts/test-commands.tsv does not list: add a row (command, Debian package, group)", found[name], name)
		}
	}
	t.Logf("commands run by the test sources: %v", names)
}

// TestTableHasNoStaleRows: every command the table lists is named somewhere
// in the test sources (test and wine groups) or in bench/ and scripts/
// (bench group), so deps.sh installs nothing nobody runs.
func TestTableHasNoStaleRows(t *testing.T) {
	rows, err := Commands()
	if err != nil {
		t.Fatal(err)
	}
	var goText, shText strings.Builder
	for _, p := range testSources(t) {
		b, _ := os.ReadFile(p)
		goText.Write(b)
	}
	for _, glob := range []string{"bench/*.sh", "scripts/*.sh", "Makefile"} {
		ps, _ := filepath.Glob(filepath.Join(Root(), glob))
		for _, p := range ps {
			b, _ := os.ReadFile(p)
			shText.Write(b)
		}
	}
	for _, c := range rows {
		named := false
		for _, n := range c.Names {
			if c.Group == "bench" {
				named = named || regexp.MustCompile(`(^|[\s"'(])`+regexp.QuoteMeta(n)+`($|[\s"';)])`).MatchString(shText.String())
			} else {
				named = named || strings.Contains(goText.String(), strconv.Quote(n))
			}
		}
		if !named {
			t.Errorf("%s:%d: %s (group %s) is not run by anything the group covers", TablePath(), c.Line, strings.Join(c.Names, "|"), c.Group)
		}
	}
}

// TestDepsScriptChecksCommands: scripts/deps.sh decides what to install by
// command, not by package: with a PATH that has every command but 7-Zip
// and msidump it wants 7zip and msitools (msitools may be "installed" with
// msidump gone); with a 7z (not 7zz) 7-Zip counts as present.
func TestDepsScriptChecksCommands(t *testing.T) {
	if runtime.GOOS == "windows" {
		t.Skip("deps.sh is for Debian")
	}
	bash := LookPath(t, "bash")
	rows, err := Commands()
	if err != nil {
		t.Fatal(err)
	}
	bin := t.TempDir()
	for _, c := range rows {
		for _, n := range c.Names {
			if filepath.IsAbs(n) || n == "7zz" || n == "7z" || n == "msidump" {
				continue
			}
			// Fakes: deps.sh only asks whether they are on PATH.
			if err := os.WriteFile(filepath.Join(bin, n), []byte("#!/bin/sh\n"), 0o755); err != nil {
				t.Fatal(err)
			}
		}
	}
	deps := filepath.Join(Root(), "scripts", "deps.sh")
	runDeps := func(env ...string) string {
		t.Helper()
		cmd := exec.Command(bash, deps)
		cmd.Env = append([]string{"PATH=" + bin, "OHOTFIX_DEPS_DRY_RUN=1", "OHOTFIX_NO_WINE=1"}, env...)
		out, err := cmd.CombinedOutput()
		if err != nil {
			t.Fatalf("deps.sh: %v\n%s", err, out)
		}
		return string(out)
	}
	out := runDeps()
	for _, want := range []string{"7zz|7z (7zip)", "msidump (msitools)", "would install: 7zip msitools\n"} {
		if !strings.Contains(out, want) {
			t.Errorf("deps.sh output lacks %q:\n%s", want, out)
		}
	}
	if err := os.WriteFile(filepath.Join(bin, "7z"), []byte("#!/bin/sh\n"), 0o755); err != nil {
		t.Fatal(err)
	}
	if out := runDeps(); !strings.Contains(out, "would install: msitools\n") || strings.Contains(out, "7zip") {
		t.Errorf("with 7z on PATH deps.sh still wants 7zip:\n%s", out)
	}
	if err := os.WriteFile(filepath.Join(bin, "msidump"), []byte("#!/bin/sh\n"), 0o755); err != nil {
		t.Fatal(err)
	}
	if out := runDeps(); out != "" {
		t.Errorf("with every command present deps.sh says:\n%s", out)
	}
}
