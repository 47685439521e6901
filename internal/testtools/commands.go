package testtools

import (
	"bufio"
	"fmt"
	"os"
	"os/exec"
	"path/filepath"
	"runtime"
	"slices"
	"strings"
	"sync"
)

// Command is a row of scripts/test-commands.tsv: an external program the
// tests (or the benchmarks) run and the Debian package that provides it.
type Command struct {
	// Names are the alternatives that will do, the preferred first
	// ("7zz", "7z"). An absolute path is looked for as a file.
	Names []string
	// Package is the Debian package that installs Names[0]; "-" when the
	// program does not come from Debian (the Go toolchain).
	Package string
	// Group is "test" (Go tests), "wine" (Go tests of the Windows
	// Installer oracle) or "bench" (bench/*.sh and scripts/*.sh).
	Group string
	// Line is the row's line number in the table, for messages.
	Line int
}

// Find returns the path of the first of c.Names that is installed, or an
// error naming every alternative and the package.
func (c Command) Find() (string, error) {
	for _, name := range c.Names {
		if filepath.IsAbs(name) { // a file a package installs (an Ansible collection's), not a command
			if _, err := os.Stat(name); err == nil {
				return name, nil
			}
			continue
		}
		if p, err := exec.LookPath(name); err == nil {
			return p, nil
		}
	}
	what := c.Names[0] + " is not on PATH"
	if len(c.Names) > 1 {
		what = "neither " + strings.Join(c.Names, " nor ") + " is on PATH"
	}
	if c.Package == "-" {
		return "", fmt.Errorf("%s", what)
	}
	return "", fmt.Errorf("%s (Debian package %s; scripts/deps.sh installs it)", what, c.Package)
}

// Root returns the module root, found from this source file's recorded
// path so that it works from any package's test directory.
func Root() string {
	_, self, _, _ := runtime.Caller(0)
	return filepath.Join(filepath.Dir(self), "..", "..")
}

// TablePath is where the command table lives.
func TablePath() string { return filepath.Join(Root(), "scripts", "test-commands.tsv") }

var (
	tableOnce sync.Once
	table     []Command
	tableErr  error
)

// Commands returns the rows of scripts/test-commands.tsv.
func Commands() ([]Command, error) {
	tableOnce.Do(func() { table, tableErr = readTable(TablePath()) })
	return table, tableErr
}

// readTable parses the table: tab-separated command, package, group;
// blank lines and lines starting with # are comments.
func readTable(path string) ([]Command, error) {
	f, err := os.Open(path)
	if err != nil {
		return nil, err
	}
	defer f.Close()
	var rows []Command
	sc := bufio.NewScanner(f)
	for n := 1; sc.Scan(); n++ {
		line := sc.Text()
		if strings.TrimSpace(line) == "" || strings.HasPrefix(line, "#") {
			continue
		}
		cols := strings.Split(line, "\t")
		if len(cols) != 3 {
			return nil, fmt.Errorf("%s:%d: %d tab-separated columns, want 3 (command, package, group)", path, n, len(cols))
		}
		c := Command{Names: strings.Split(cols[0], "|"), Package: cols[1], Group: cols[2], Line: n}
		if slices.Contains(c.Names, "") || c.Package == "" {
			return nil, fmt.Errorf("%s:%d: empty command or package", path, n)
		}
		switch c.Group {
		case "test", "wine", "bench":
		default:
			return nil, fmt.Errorf("%s:%d: group %q, want test, wine or bench", path, n, c.Group)
		}
		rows = append(rows, c)
	}
	return rows, sc.Err()
}

// lookup returns the row that lists name (as any of its alternatives).
func lookup(name string) (Command, error) {
	rows, err := Commands()
	if err != nil {
		return Command{}, err
	}
	for _, c := range rows {
		if slices.Contains(c.Names, name) {
			return c, nil
		}
	}
	return Command{}, fmt.Errorf("testtools: the command %q is not listed in scripts/test-commands.tsv; add it with the Debian package that provides it", name)
}
