//go:build windows

package safeopen

import (
	"os"
	"path/filepath"
	"testing"
)

// special makes the special files Windows has: a directory and the NUL device.
func special(t *testing.T, dir string) map[string]string {
	t.Helper()
	d := filepath.Join(dir, "dir")
	if err := os.Mkdir(d, 0o755); err != nil {
		t.Fatal(err)
	}
	return map[string]string{"directory": d, "device": "NUL"}
}
