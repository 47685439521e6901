package winetest

import (
	"fmt"
	"os"
	"os/exec"
	"strings"
	"sync"
	"testing"

	"github.com/ohotfix/ohotfix/internal/testtools"
)

// debianPackages names what .ci/wine-setup.sh installs; it is quoted in skip messages so a
// developer knows the one command that enables these tests.
const debianPackages = "wine wine64 gcc-mingw-w64-x86-64"

// wine64Loader is where Debian's wine64 package puts the 64-bit loader; /usr/bin/wine is a
// script that picks it when wine32 is absent.
const wine64Loader = "/usr/lib/wine/wine64"

var (
	missingOnce sync.Once
	missingErr  error
)

// missingTools reports which commands winetest needs are absent, or nil when all are present.
func missingTools() error {
	missingOnce.Do(func() {
		var missing []string
		for _, cmd := range []string{"wine", "wineboot", "wineserver", "x86_64-w64-mingw32-gcc"} {
			if _, err := exec.LookPath(cmd); err != nil {
				missing = append(missing, cmd)
			}
		}
		if _, err := exec.LookPath("wine64"); err != nil {
			if _, err := os.Stat(wine64Loader); err != nil {
				missing = append(missing, "wine64")
			}
		}
		if len(missing) > 0 {
			missingErr = fmt.Errorf("missing %s", strings.Join(missing, ", "))
		}
	})
	return missingErr
}

// Require skips the test when Wine (64-bit) or the mingw-w64 C compiler is not installed, naming
// the Debian packages to install; with CI=true it fails instead, since CI must run the oracle.
func Require(t testing.TB) {
	t.Helper()
	if err := missingTools(); err != nil {
		testtools.SkipOrFail(t, "winetest: %v; install the Debian packages %s (or run .ci/wine-setup.sh)", err, debianPackages)
	}
}
