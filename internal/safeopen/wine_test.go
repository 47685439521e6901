package safeopen

import (
	"context"
	"os"
	"os/exec"
	"path/filepath"
	"runtime"
	"strings"
	"testing"
	"time"

	"github.com/ohotfix/ohotfix/internal/winetest"
)

// TestWindowsVariantUnderWine runs this package's tests, built for Windows,
// under Wine: a directory and the NUL device are refused there too, and the
// limits hold.
func TestWindowsVariantUnderWine(t *testing.T) {
	if testing.Short() || runtime.GOOS == "windows" {
		t.Skip("Wine test: skipped in -short mode and on Windows itself")
	}
	winetest.Require(t)
	exe := filepath.Join(t.TempDir(), "safeopen_test.exe")
	build := exec.Command("go", "test", "-c", "-o", exe, ".")
	build.Env = append(os.Environ(), "GOOS=windows", "GOARCH=amd64", "CGO_ENABLED=0")
	if out, err := build.CombinedOutput(); err != nil {
		t.Fatalf("GOOS=windows go test -c: %v\n%s", err, out)
	}
	p := winetest.NewPrefix(t)
	ctx, cancel := context.WithTimeout(context.Background(), 3*time.Minute)
	defer cancel()
	out, errOut, code, err := p.Run(ctx, exe, "-test.v", "-test.run", "TestSpecialFilesRefusedWithoutBlocking|TestRegularFileAndLinkToIt|TestLimits")
	if err != nil || code != 0 || !strings.Contains(out, "--- PASS: TestSpecialFilesRefusedWithoutBlocking/device") ||
		!strings.Contains(out, "--- PASS: TestSpecialFilesRefusedWithoutBlocking/directory") {
		t.Fatalf("Windows build of the tests under Wine: exit %d, %v\n%s\n%s", code, err, out, errOut)
	}
}
