//go:build unix

package checks

func probePendingReboot() RebootState { return probeMarkerFiles(rebootRequiredFiles) }
