//go:build unix && !linux

package lock

import "golang.org/x/sys/unix"

func processAlive(pid int) bool {
	err := unix.Kill(pid, 0)
	return err == nil || err == unix.EPERM
}

// These systems do not expose another process's start time, argv or the
// lock table without privileged sysctls; the holder record has to do.
func processStart(int) string     { return "" }
func processCommand(int) []string { return nil }
func flockHolderPID(string) int   { return 0 }
