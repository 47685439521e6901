package payload

import (
	"crypto/sha256"
	"errors"
	"io"
	"io/fs"
	"path/filepath"

	"github.com/ohotfix/ohotfix/exitcode"
	"github.com/ohotfix/ohotfix/internal/safeopen"
)

// VerifyFolder checks an extracted payload (a rerun folder, an /extract
// folder) against the SHA256SUMS it holds, before anything in it runs:
// every listed file present with its hash. A folder without SHA256SUMS is
// not a payload and passes (ok is false). A mismatch is 1620.
func VerifyFolder(dir string) (ok bool, err error) {
	data, err := safeopen.ReadFileLimited(filepath.Join(dir, ManifestName), maxManifestSize)
	if errors.Is(err, fs.ErrNotExist) {
		return false, nil
	}
	if err != nil {
		return false, exitcode.New(exitcode.PackageInvalid, "cannot read %s in %s: %v", ManifestName, dir, err)
	}
	m, err := ParseManifest(data)
	if err != nil {
		return false, exitcode.New(exitcode.PackageInvalid, "%s: %v", dir, err)
	}
	for name, want := range m {
		if filepath.Base(name) != name || name == "." || name == ".." {
			return false, exitcode.New(exitcode.PackageInvalid, "%s lists %q, not a plain file name", ManifestName, name)
		}
		got, err := hashFile(filepath.Join(dir, name))
		if err != nil {
			return false, exitcode.New(exitcode.PackageInvalid, "%s: %s listed in %s: %v", dir, name, ManifestName, err)
		}
		if got != want {
			return false, exitcode.New(exitcode.PackageInvalid, "%s: %s does not match %s (SHA-256 %x, listed %x)", dir, name, ManifestName, got, want)
		}
	}
	return true, nil
}

func hashFile(p string) (sum [sha256.Size]byte, err error) {
	f, err := safeopen.Open(p) // a FIFO put in its place must not block the run
	if err != nil {
		return sum, err
	}
	defer f.Close()
	h := sha256.New()
	if _, err := io.Copy(h, f); err != nil {
		return sum, err
	}
	copy(sum[:], h.Sum(nil))
	return sum, nil
}
