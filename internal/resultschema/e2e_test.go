package resultschema_test

import (
	"bytes"
	"context"
	"encoding/json"
	"errors"
	"os"
	"os/exec"
	"path/filepath"
	"runtime"
	"strings"
	"testing"

	"github.com/ohotfix/ohotfix/installer/lock"
	"github.com/ohotfix/ohotfix/internal/e2efixture"
	"github.com/ohotfix/ohotfix/internal/resultschema"
)

// scenario is one real run of the built CLI that writes a result.
type scenario struct {
	name string
	// setup prepares the case folder (ohotfix.ini, patches, image) and
	// returns the command line (the program first) and the code expected
	// in the result; it may return a cleanup to run after the command.
	setup func(t *testing.T, c *caseDir) (argv []string, want int, after func())
	// check looks at the parsed result beyond its code.
	check func(t *testing.T, r map[string]any)
}

type caseDir struct {
	demo          e2efixture.Demo
	bin           string
	dir, tmp      string
	updates, msi  string // the folder run, the image database
	image, result string
}

func newCase(t *testing.T, demo e2efixture.Demo, bin, ini string) *caseDir {
	dir := t.TempDir()
	c := &caseDir{demo: demo, bin: bin, dir: dir, tmp: filepath.Join(dir, "tmp"), updates: filepath.Join(dir, "updates"),
		image: filepath.Join(dir, "image"), result: filepath.Join(dir, "out", "result.json")}
	os.MkdirAll(c.tmp, 0o755)
	c.msi = demo.CopyImage(t, c.image)
	if err := e2efixture.CopyFile(demo.Patch, filepath.Join(c.updates, "fix.msp")); err != nil {
		t.Fatal(err)
	}
	text := "[OHotfix]\nIsNormalUpdate=0\nAdminPath=" + c.msi + "\nOHotfixUILevel=q\n" + ini
	os.WriteFile(filepath.Join(c.updates, "ohotfix.ini"), []byte(text), 0o644)
	return c
}

func (c *caseDir) run(args ...string) []string {
	return append([]string{c.bin, "run", c.updates, "/result-json:" + c.result}, args...)
}

func (c *caseDir) check(args ...string) []string {
	return append([]string{c.bin, "check", c.updates, "--result-json", c.result}, args...)
}

// Every result the CLI writes in these real runs — success, nothing to do,
// refusals by checks, a broken patch, a busy lock, an early failure, client
// mode off Windows, check, a packed executable — validates against
// docs/result.schema.json and says what happened.
func TestEveryRealResultValidates(t *testing.T) {
	demo := e2efixture.Product(t)
	bin := e2efixture.Binary(t)
	scenarios := []scenario{
		{name: "applied", setup: func(t *testing.T, c *caseDir) ([]string, int, func()) {
			return c.run("/norestart"), 0, func() {
				if differ := demo.NotV2(c.image); differ != nil {
					t.Errorf("image not patched: %v", differ)
				}
			}
		}, check: func(t *testing.T, r map[string]any) {
			target := r["patches"].([]any)[0].(map[string]any)["per_target"].([]any)[0].(map[string]any)
			if target["decision"] != "apply" || target["exit_code"] != float64(0) {
				t.Errorf("per_target %v", target)
			}
		}},
		{name: "already applied", setup: func(t *testing.T, c *caseDir) ([]string, int, func()) {
			first := exec.Command(c.bin, "run", c.updates)
			first.Env = append(os.Environ(), "TMPDIR="+c.tmp)
			if out, err := first.CombinedOutput(); err != nil {
				t.Fatalf("first run: %v %s", err, out)
			}
			return c.run(), 0, nil
		}, check: func(t *testing.T, r map[string]any) {
			if p := r["patches"].([]any)[0].(map[string]any); p["decision"] != "skip" || !strings.Contains(p["reason"].(string), "already applied") {
				t.Errorf("patch %v", p)
			}
		}},
		{name: "check", setup: func(t *testing.T, c *caseDir) ([]string, int, func()) {
			return c.check(), 0, nil
		}, check: func(t *testing.T, r map[string]any) {
			if len(r["checks"].([]any)) == 0 || len(r["logs"].(map[string]any)) != 0 {
				t.Errorf("checks %v logs %v", r["checks"], r["logs"])
			}
		}},
		{name: "broken patch (run)", setup: func(t *testing.T, c *caseDir) ([]string, int, func()) {
			truncate(t, filepath.Join(c.updates, "fix.msp"))
			return c.run(), 1636, nil
		}},
		{name: "broken patch (check)", setup: func(t *testing.T, c *caseDir) ([]string, int, func()) {
			truncate(t, filepath.Join(c.updates, "fix.msp"))
			return c.check(), 1636, nil
		}},
		{name: "bad ini", setup: func(t *testing.T, c *caseDir) ([]string, int, func()) {
			os.WriteFile(filepath.Join(c.updates, "ohotfix.ini"), []byte("[OHotfix]\nOHotfixUILevel=x\n"), 0o644)
			return c.run(), 1639, nil
		}, check: func(t *testing.T, r map[string]any) {
			if r["mode"] != "unknown" || !strings.Contains(r["reason"].(string), "OHotfixUILevel") {
				t.Errorf("mode %v reason %v", r["mode"], r["reason"])
			}
		}},
		{name: "MinProductVersion", setup: func(t *testing.T, c *caseDir) ([]string, int, func()) {
			return c.run("--set", "MinProductVersion=2.0"), 1642, nil
		}},
		{name: "MinMsiVersion above the engine", setup: func(t *testing.T, c *caseDir) ([]string, int, func()) {
			return c.run("--set", "MinMsiVersion=9.0"), 1613, nil
		}},
		{name: "image lock held", setup: func(t *testing.T, c *caseDir) ([]string, int, func()) {
			h, err := lock.AcquireFile(context.Background(), filepath.Join(c.image, lock.ImageLockName), lock.Options{Timeout: lock.NoWait})
			if err != nil {
				t.Fatal(err)
			}
			return c.run("--set", "InstallerWaitSeconds=1"), 1618, func() { h.Release() }
		}},
		{name: "client mode", setup: func(t *testing.T, c *caseDir) ([]string, int, func()) {
			if runtime.GOOS == "windows" {
				t.Skip("client mode is served by msi.dll on Windows")
			}
			os.WriteFile(filepath.Join(c.updates, "ohotfix.ini"), []byte("[OHotfix]\nOHotfixUILevel=q\n"), 0o644)
			return c.run(), 1633, nil
		}},
		{name: "packed executable", setup: func(t *testing.T, c *caseDir) ([]string, int, func()) {
			packed := filepath.Join(c.dir, "contoso-fix")
			if out, err := exec.Command(c.bin, "pack", c.updates, "-o", packed).CombinedOutput(); err != nil {
				t.Fatalf("pack: %v %s", err, out)
			}
			return []string{packed, "/quiet", "/norestart", "/result-json:" + c.result}, 0, func() {
				if differ := demo.NotV2(c.image); differ != nil {
					t.Errorf("image not patched: %v", differ)
				}
			}
		}},
	}
	for _, sc := range scenarios {
		t.Run(sc.name, func(t *testing.T) {
			c := newCase(t, demo, bin, "")
			argv, want, after := sc.setup(t, c)
			cmd := exec.Command(argv[0], argv[1:]...)
			cmd.Env = append(os.Environ(), "TMPDIR="+c.tmp)
			var stderr bytes.Buffer
			cmd.Stderr = &stderr
			err := cmd.Run()
			if after != nil {
				after()
			}
			status := 0
			var ee *exec.ExitError
			if errors.As(err, &ee) {
				status = ee.ExitCode()
			} else if err != nil {
				t.Fatal(err)
			}
			resultschema.Require(t, c.result)
			var r map[string]any
			data, _ := os.ReadFile(c.result)
			json.Unmarshal(data, &r)
			if r["exit_code"] != float64(want) || status != want&0xff {
				t.Fatalf("exit_code %v status %d, want %d (%d)\n%s", r["exit_code"], status, want, want&0xff, stderr.String())
			}
			if sc.check != nil {
				sc.check(t, r)
			}
		})
	}
}

func truncate(t *testing.T, path string) {
	data, err := os.ReadFile(path)
	if err != nil {
		t.Fatal(err)
	}
	os.WriteFile(path, data[:len(data)/3], 0o644)
}
