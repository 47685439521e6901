//go:build unix

package rawcab

import (
	"os"
	"os/exec"
	"syscall"
	"testing"
	"time"
)

// SelfCPU is the CPU time (user+system) this process has used so far. Speed
// comparisons use CPU time because the test machines are shared.
func SelfCPU() time.Duration {
	var ru syscall.Rusage
	if err := syscall.Getrusage(syscall.RUSAGE_SELF, &ru); err != nil {
		return 0
	}
	return time.Duration(ru.Utime.Nano() + ru.Stime.Nano())
}

// CabextractCPU runs `cabextract -q -p -F member cabPath > /dev/null` and
// returns its CPU time. It skips the test when cabextract is missing (fails
// it when CI=true).
func CabextractCPU(tb testing.TB, cabPath, member string) time.Duration {
	tb.Helper()
	bin := cabextractPath(tb)
	cmd := exec.Command(bin, "-q", "-p", "-F", member, cabPath)
	cmd.Stdout = DevNull(tb)
	if err := cmd.Run(); err != nil {
		tb.Fatalf("cabextract: %v", err)
	}
	return cmd.ProcessState.UserTime() + cmd.ProcessState.SystemTime()
}

// DevNull opens /dev/null for writing until the test ends: speed tests
// send both decoders' output there (cabextract -p does).
func DevNull(tb testing.TB) *os.File {
	tb.Helper()
	f, err := os.OpenFile(os.DevNull, os.O_WRONLY, 0)
	if err != nil {
		tb.Fatal(err)
	}
	tb.Cleanup(func() { f.Close() })
	return f
}

// BestOf runs f n times and returns the shortest duration it reports.
func BestOf(n int, f func() time.Duration) time.Duration {
	var best time.Duration
	for i := 0; i < n; i++ {
		if d := f(); i == 0 || d < best {
			best = d
		}
	}
	return best
}
