//go:build !linux && !darwin && !freebsd && !dragonfly && !windows

package checks

func volumeInfo(path string) (uint64, string, error) {
	return 0, "", ErrNotSupported
}
