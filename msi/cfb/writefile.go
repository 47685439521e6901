package cfb

import (
	"io"

	"github.com/ohotfix/ohotfix/internal/atomicfile"
)

// WriteFile writes the tree to path atomically: into a temporary file in the
// same directory, synced, then renamed over path. A failure leaves path as it
// was (absent or the previous file), never half written. An existing file's
// permissions are kept.
func WriteFile(path string, root *Node, opt *WriteOptions) error {
	return atomicfile.Write(path, atomicfile.Mode(path, 0o644), func(w io.Writer) error {
		return Write(w, root, opt)
	})
}
