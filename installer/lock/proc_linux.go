//go:build linux

package lock

import (
	"bufio"
	"bytes"
	"fmt"
	"os"
	"strconv"
	"strings"

	"golang.org/x/sys/unix"
)

// processAlive: signal 0 probes without delivering; EPERM means the process
// exists but belongs to someone else.
func processAlive(pid int) bool {
	err := unix.Kill(pid, 0)
	return err == nil || err == unix.EPERM
}

// processStart returns field 22 of /proc/PID/stat (start time in clock ticks
// since boot), which differs when a pid has been reused.
func processStart(pid int) string {
	data, err := os.ReadFile(fmt.Sprintf("/proc/%d/stat", pid))
	if err != nil {
		return ""
	}
	// The command name (field 2) is in parentheses and may hold spaces or
	// parentheses itself: fields resume after the last ')'.
	i := bytes.LastIndexByte(data, ')')
	if i < 0 {
		return ""
	}
	f := strings.Fields(string(data[i+1:]))
	const startField = 22 - 3 // fields 3.. follow the name
	if len(f) <= startField {
		return ""
	}
	return f[startField]
}

// maxCmdline bounds what is read of /proc/PID/cmdline.
const maxCmdline = 16 << 10

// processCommand reads /proc/PID/cmdline (NUL-separated argv).
func processCommand(pid int) []string {
	data, err := os.ReadFile(fmt.Sprintf("/proc/%d/cmdline", pid))
	if err != nil || len(data) == 0 {
		return nil
	}
	if len(data) > maxCmdline {
		data = data[:maxCmdline]
	}
	return strings.Split(strings.TrimRight(string(data), "\x00"), "\x00")
}

// flockHolderPID finds the process holding an flock on path in /proc/locks,
// whose lines read "1: FLOCK  ADVISORY  WRITE 1234 08:01:5678 0 EOF" (device
// major:minor in hex, inode in decimal); "->" lines are blocked waiters.
func flockHolderPID(path string) int {
	var st unix.Stat_t
	if err := unix.Stat(path, &st); err != nil {
		return 0
	}
	want := fmt.Sprintf("%02x:%02x:%d", unix.Major(uint64(st.Dev)), unix.Minor(uint64(st.Dev)), st.Ino)
	f, err := os.Open("/proc/locks")
	if err != nil {
		return 0
	}
	defer f.Close()
	sc := bufio.NewScanner(f)
	for sc.Scan() {
		fields := strings.Fields(sc.Text())
		if len(fields) < 6 || fields[1] == "->" || fields[1] != "FLOCK" || fields[3] != "WRITE" {
			continue
		}
		if fields[5] != want {
			continue
		}
		if pid, err := strconv.Atoi(fields[4]); err == nil && pid > 0 {
			return pid
		}
	}
	return 0
}
