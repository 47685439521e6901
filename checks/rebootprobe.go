package checks

import (
	"bufio"
	"errors"
	"io/fs"
	"os"
	"strings"
)

// ProbePendingReboot tells whether the system is waiting for a restart. On
// POSIX it looks for the reboot-required marker Debian/Ubuntu's
// update-notifier and unattended-upgrades write; on Windows it reads the
// registry markers of Component Based Servicing, Windows Update, pending
// file renames and a pending computer rename. The result is a fact for the
// PendingReboot check.
func ProbePendingReboot() RebootState {
	return probePendingReboot()
}

// probeMarkerFiles reports a pending reboot when any marker exists. The
// packages that asked for it are listed beside the marker in FILE.pkgs.
func probeMarkerFiles(paths []string) RebootState {
	var st RebootState
	var errs []string
	for _, p := range paths {
		_, err := os.Stat(p)
		switch {
		case err == nil:
			st.Pending = true
			st.Reasons = append(st.Reasons, p+" exists"+markerPackages(p+".pkgs"))
			return st // /var/run/… is usually the same file: one reason is enough
		case !errors.Is(err, fs.ErrNotExist):
			errs = append(errs, err.Error())
		}
	}
	if len(errs) == len(paths) && len(errs) > 0 {
		st.Err = strings.Join(errs, "; ")
	}
	return st
}

// maxMarkerPackages bounds what is quoted from a .pkgs list.
const maxMarkerPackages = 8

func markerPackages(path string) string {
	f, err := os.Open(path)
	if err != nil {
		return ""
	}
	defer f.Close()
	var pkgs []string
	sc := bufio.NewScanner(f)
	for sc.Scan() && len(pkgs) <= maxMarkerPackages {
		if s := strings.TrimSpace(sc.Text()); s != "" {
			pkgs = append(pkgs, s)
		}
	}
	if len(pkgs) == 0 {
		return ""
	}
	if len(pkgs) > maxMarkerPackages {
		pkgs = append(pkgs[:maxMarkerPackages], "…")
	}
	return " (requested by " + strings.Join(pkgs, ", ") + ")"
}
