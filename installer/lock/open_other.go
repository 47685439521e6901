//go:build !unix

package lock

import "os"

// Windows (and plan9) have no O_NOFOLLOW; refuseSymlink's Lstat check (which sees
// symlinks and junctions as reparse points) guards the path instead.
const noFollow = 0

func isSymlinkOpenError(error) bool { return false }

func openNoFollow(path string, flag int) (*os.File, error) {
	if err := refuseSymlink(path); err != nil {
		return nil, err
	}
	return os.OpenFile(path, flag, 0)
}
