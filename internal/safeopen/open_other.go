//go:build !unix

package safeopen

import "os"

// openNonBlocking opens path for reading. On Windows opening does not wait
// for a writer the way a POSIX FIFO does (a pipe without a free instance
// fails with ERROR_PIPE_BUSY), and Open checks the handle's type right
// after (GetFileType through Stat: only disk files count as regular).
func openNonBlocking(path string) (*os.File, error) {
	return os.Open(path)
}
