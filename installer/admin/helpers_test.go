package admin

import (
	"bytes"
	"context"
	"os"
	"os/exec"
	"path/filepath"
	"sort"
	"strings"
	"testing"
)

// symlink makes newname a symbolic link to oldname, skipping where the
// system cannot (fails under CI=true: its Linux runners always can, and a
// skip there would hide the link checks).
func symlink(t testing.TB, oldname, newname string) {
	t.Helper()
	if err := os.Symlink(oldname, newname); err != nil {
		if os.Getenv("CI") == "true" {
			t.Fatalf("no symbolic links here: %v", err)
		}
		t.Skipf("no symbolic links here: %v", err)
	}
}

func run(t testing.TB, dir, name string, args ...string) string {
	t.Helper()
	cmd := exec.Command(name, args...)
	cmd.Dir = dir
	var out, errb bytes.Buffer
	cmd.Stdout, cmd.Stderr = &out, &errb
	if err := cmd.Run(); err != nil {
		t.Fatalf("%s %s: %v\n%s%s", name, strings.Join(args, " "), err, out.String(), errb.String())
	}
	return out.String()
}

// treeSnapshot maps every file under dir (relative, slash-separated) to its
// bytes, leaving out the image lock file.
func treeSnapshot(t testing.TB, dir string) map[string]string {
	t.Helper()
	out := map[string]string{}
	err := filepath.WalkDir(dir, func(p string, d os.DirEntry, err error) error {
		if err != nil {
			return err
		}
		if d.IsDir() {
			return nil
		}
		rel, _ := filepath.Rel(dir, p)
		rel = filepath.ToSlash(rel)
		if strings.HasPrefix(rel, ".ohotfix-image.lock") {
			return nil
		}
		b, err := os.ReadFile(p)
		if err != nil {
			return err
		}
		out[rel] = string(b)
		return nil
	})
	if err != nil {
		t.Fatal(err)
	}
	return out
}

func sortedKeys[M ~map[string]V, V any](m M) []string {
	out := make([]string, 0, len(m))
	for k := range m {
		out = append(out, k)
	}
	sort.Strings(out)
	return out
}

// diffTrees describes how two snapshots differ ("" when equal).
func diffTrees(a, b map[string]string) string {
	var d []string
	for _, k := range sortedKeys(a) {
		if v, ok := b[k]; !ok {
			d = append(d, "only in first: "+k)
		} else if v != a[k] {
			d = append(d, "differs: "+k)
		}
	}
	for _, k := range sortedKeys(b) {
		if _, ok := a[k]; !ok {
			d = append(d, "only in second: "+k)
		}
	}
	return strings.Join(d, "\n")
}

func mustCreate(t testing.TB, pkg, dir string, short bool) CreateResult {
	t.Helper()
	res, err := Create(context.Background(), pkg, dir, CreateOptions{ShortNames: short})
	if err != nil {
		t.Fatalf("Create(%s): %v", pkg, err)
	}
	return res
}
