//go:build !unix

package bootstrap

import "os"

// On Windows %TEMP% is per user, so its OHotfix folder is private.
const oNoFollow = 0

const oNonBlock = 0

func trustedDir(dir string) bool {
	fi, err := os.Lstat(dir)
	return err == nil && fi.IsDir() && fi.Mode()&os.ModeSymlink == 0
}
