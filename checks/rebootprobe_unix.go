//go:build unix

package checks

func probePendingReboot() RebootState { return probeMarkerFiles(rebootRequiredFiles) }

// rebootRequiredFiles are the POSIX markers; /var/run is a symlink to /run on
// current systems but is a directory of its own on older ones.
var rebootRequiredFiles = []string{"/run/reboot-required", "/var/run/reboot-required"}
