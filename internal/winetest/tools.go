package winetest

import (
	"crypto/sha256"
	"embed"
	"encoding/hex"
	"fmt"
	"io/fs"
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"sync"
	"testing"
)

// csrc holds the C sources of the helper tools; they are compiled from the embedded copy so
// the package works from any working directory and the cache key covers exactly what is built.
//
//go:embed csrc/*.c csrc/*.h csrc/*.def
var csrc embed.FS

// cTool describes how one helper is compiled with mingw-w64.
type cTool struct {
	sources []string // relative to csrc/
	libs    []string
	dll     bool
}

var cTools = map[string]cTool{
	"msiapply":         {sources: []string{"msiapply.c"}, libs: []string{"-lmsi"}},
	"msiquery":         {sources: []string{"msiquery.c"}, libs: []string{"-lmsi"}},
	"msiproducts":      {sources: []string{"msiproducts.c"}, libs: []string{"-lmsi"}},
	"msisuminfo":       {sources: []string{"msisuminfo.c"}, libs: []string{"-lmsi"}},
	"mspatchapply":     {sources: []string{"mspatchapply.c"}, libs: []string{"-lmspatcha"}},
	"wexit":            {sources: []string{"wexit.c"}},
	"desktophold":      {sources: []string{"desktophold.c"}},
	"bcryptprimitives": {sources: []string{"bcryptprimitives.c", "bcryptprimitives.def"}, libs: []string{"-ladvapi32"}, dll: true},
}

const mingwCC = "x86_64-w64-mingw32-gcc"

var (
	toolDirOnce sync.Once
	toolDir     string
	toolDirErr  error
)

// toolCacheDir is the cache directory for one combination of C sources and compiler version,
// so editing a source or upgrading mingw rebuilds the tools.
func toolCacheDir() (string, error) {
	toolDirOnce.Do(func() {
		root, err := cacheRoot()
		if err != nil {
			toolDirErr = err
			return
		}
		ver, err := exec.Command(mingwCC, "-dumpfullversion").Output()
		if err != nil {
			toolDirErr = fmt.Errorf("winetest: %s: %w", mingwCC, err)
			return
		}
		h := sha256.New()
		h.Write(ver)
		fs.WalkDir(csrc, "csrc", func(path string, d fs.DirEntry, err error) error {
			if err == nil && !d.IsDir() {
				b, _ := csrc.ReadFile(path)
				fmt.Fprintf(h, "%s %d\n", path, len(b))
				h.Write(b)
			}
			return nil
		})
		name := "tools-" + hex.EncodeToString(h.Sum(nil))[:16]
		toolDir = filepath.Join(root, name)
		if _, err := os.Stat(toolDir); err != nil {
			pruneStale(root, "tools-", name)
		}
	})
	return toolDir, toolDirErr
}

// toolFileName is the file a tool compiles to.
func toolFileName(name string) string {
	if cTools[name].dll {
		return name + ".dll"
	}
	return name + ".exe"
}

// toolPath compiles the named helper on first use and returns its host path.
func toolPath(name string) (string, error) {
	spec, ok := cTools[name]
	if !ok {
		return "", fmt.Errorf("winetest: unknown tool %q", name)
	}
	dir, err := toolCacheDir()
	if err != nil {
		return "", err
	}
	return buildCached(dir, toolFileName(name), func(tmp string) error { return compileTool(spec, tmp) })
}

// compileTool writes the embedded sources to a scratch directory and runs mingw-w64 on them.
func compileTool(spec cTool, out string) error {
	src, err := os.MkdirTemp("", "winetest-csrc-")
	if err != nil {
		return err
	}
	defer os.RemoveAll(src)
	entries, err := csrc.ReadDir("csrc")
	if err != nil {
		return err
	}
	for _, e := range entries {
		b, err := csrc.ReadFile("csrc/" + e.Name())
		if err != nil {
			return err
		}
		if err := os.WriteFile(filepath.Join(src, e.Name()), b, 0o644); err != nil {
			return err
		}
	}
	args := []string{"-O2", "-Wall", "-o", out}
	if spec.dll {
		args = append(args, "-shared")
	} else {
		args = append(args, "-municode") // the tools use wmain for Unicode arguments
	}
	for _, s := range spec.sources {
		args = append(args, filepath.Join(src, s))
	}
	args = append(args, spec.libs...)
	cmd := exec.Command(mingwCC, args...)
	if msg, err := cmd.CombinedOutput(); err != nil {
		return fmt.Errorf("winetest: %s %s: %w\n%s", mingwCC, strings.Join(args, " "), err, msg)
	}
	return nil
}

// ToolPath returns the host path of a helper compiled from csrc/ ("msiapply", "msiquery",
// "msiproducts", "msisuminfo", "wexit"), building it with mingw-w64 on first use. Run it with [Prefix.Run].
func ToolPath(t testing.TB, name string) string {
	t.Helper()
	Require(t)
	path, err := toolPath(name)
	if err != nil {
		t.Fatal(err)
	}
	return path
}
