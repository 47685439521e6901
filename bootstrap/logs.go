package bootstrap

import (
	"errors"
	"fmt"
	"io/fs"
	"os"
	"path/filepath"
	"regexp"
	"strconv"
	"strings"
	"time"

	"go.uber.org/zap"
	"go.uber.org/zap/zapcore"

	"github.com/ohotfix/ohotfix/internal/safeopen"
)

// Logs is the pair of log files one run writes, as OHotfix did:
// <temp>\OHotfix\OHotfix(NNNNN).log and OHotfix(NNNNN)_Msi.log, sharing one
// number so that the highest-numbered pair is the latest run.
type Logs struct {
	Main, Msi string // paths
	Number    int    // NNNNN (0 when /log named the main log)

	// Log is ohotfix's own log; MsiLog is the installer engine's.
	Log    *zap.Logger
	MsiLog *zap.Logger

	files []*os.File
}

// LogDir is where log pairs go by default: <temp>/OHotfix, as OHotfix did.
func LogDir() string { return filepath.Join(os.TempDir(), "OHotfix") }

// safeLogDir makes dir and checks that it can be trusted: a real folder (not
// a symlink) that belongs to us and that nobody else can write. /tmp is
// shared on POSIX systems; when someone else owns <temp>/OHotfix, a private
// <temp>/OHotfix-<uid> is used instead.
func safeLogDir(dir string) (string, error) {
	if err := os.MkdirAll(dir, 0o755); err == nil && trustedDir(dir) {
		return dir, nil
	}
	alt := dir + "-" + strconv.Itoa(os.Geteuid())
	if err := os.MkdirAll(alt, 0o700); err != nil {
		return "", err
	}
	if !trustedDir(alt) {
		return "", fmt.Errorf("%s is not a private folder of this user (symlink, foreign owner or writable by others)", alt)
	}
	return alt, nil
}

var logName = regexp.MustCompile(`^OHotfix\((\d{5})\)\.log$`)

// OpenLogs creates the next free log pair in dir. It is safe when several
// runs start at once: each file is created with O_EXCL, and a number taken
// by another run is skipped. mainOverride (/log:FILE) moves the main log; the
// Msi log then sits beside it as NAME_Msi.EXT.
func OpenLogs(dir, mainOverride, ohotfixLevel, msiLevel string) (*Logs, error) {
	l := &Logs{}
	if mainOverride != "" {
		if err := os.MkdirAll(filepath.Dir(mainOverride), 0o755); err != nil {
			return nil, err
		}
		ext := filepath.Ext(mainOverride)
		msi := strings.TrimSuffix(mainOverride, ext) + "_Msi" + ext
		// A FIFO, device or symbolic link where the log goes would block
		// the run or write somewhere else: refused before opening, and
		// opened so that one swapped in meanwhile is refused too.
		for _, p := range []string{mainOverride, msi} {
			if err := safeopen.CheckTarget(p); err != nil {
				return nil, err
			}
		}
		f, err := os.OpenFile(mainOverride, os.O_CREATE|os.O_WRONLY|os.O_APPEND|oNoFollow|oNonBlock, 0o644)
		if err != nil {
			return nil, err
		}
		mf, err := os.OpenFile(msi, os.O_CREATE|os.O_WRONLY|os.O_APPEND|oNoFollow|oNonBlock, 0o644)
		if err != nil {
			f.Close()
			return nil, err
		}
		l.Main, l.Msi, l.files = mainOverride, msi, []*os.File{f, mf}
	} else {
		dir, err := safeLogDir(dir)
		if err != nil {
			return nil, err
		}
		// The next number after the highest; when the numbers ran out (or
		// a stray high one exists), the first free one.
		first := highestLogNumber(dir) + 1
		for tries := 0; tries < 99999 && l.Main == ""; tries++ {
			n := (first-1+tries)%99999 + 1
			main := filepath.Join(dir, fmt.Sprintf("OHotfix(%05d).log", n))
			f, err := os.OpenFile(main, os.O_CREATE|os.O_EXCL|os.O_WRONLY|oNoFollow, 0o644)
			if errors.Is(err, fs.ErrExist) {
				continue
			}
			if err != nil {
				return nil, err
			}
			msi := filepath.Join(dir, fmt.Sprintf("OHotfix(%05d)_Msi.log", n))
			mf, err := os.OpenFile(msi, os.O_CREATE|os.O_EXCL|os.O_WRONLY|oNoFollow, 0o644)
			if err != nil { // a stray _Msi.log of that number: take the next
				f.Close()
				os.Remove(main) // ours, just created and empty: no half pair stays
				if errors.Is(err, fs.ErrExist) {
					continue
				}
				return nil, err
			}
			l.Main, l.Msi, l.Number, l.files = main, msi, n, []*os.File{f, mf}
		}
		if l.Main == "" {
			return nil, fmt.Errorf("no free log number left in %s", dir)
		}
	}
	l.Log = newFileLogger(l.files[0], ohotfixLogLevel(ohotfixLevel))
	l.MsiLog = newFileLogger(l.files[1], msiLogLevel(msiLevel))
	return l, nil
}

func highestLogNumber(dir string) int {
	entries, _ := os.ReadDir(dir)
	max := 0
	for _, e := range entries {
		if m := logName.FindStringSubmatch(e.Name()); m != nil {
			if n, _ := strconv.Atoi(m[1]); n > max {
				max = n
			}
		}
	}
	return max
}

func newFileLogger(f *os.File, level zapcore.Level) *zap.Logger {
	enc := zap.NewProductionEncoderConfig()
	enc.EncodeTime = zapcore.TimeEncoderOfLayout("2006-01-02 15:04:05.000")
	enc.EncodeLevel = zapcore.CapitalLevelEncoder
	enc.ConsoleSeparator = "  "
	core := zapcore.NewCore(zapcore.NewConsoleEncoder(enc), zapcore.AddSync(f), level)
	return zap.New(core)
}

// ohotfixLogLevel maps OHotfixLogLevel: v verbose, n/i normal, w warnings, e errors.
func ohotfixLogLevel(s string) zapcore.Level {
	switch s {
	case "v":
		return zapcore.DebugLevel
	case "w":
		return zapcore.WarnLevel
	case "e":
		return zapcore.ErrorLevel
	}
	return zapcore.InfoLevel
}

// msiLogLevel maps msiexec /L letters: v (verbose) or * (all) log everything
// we have; otherwise informational messages and up.
func msiLogLevel(s string) zapcore.Level {
	if strings.ContainsAny(s, "v*x") {
		return zapcore.DebugLevel
	}
	if !strings.ContainsAny(s, "iarucmop") {
		return zapcore.WarnLevel
	}
	return zapcore.InfoLevel
}

// Final writes the run's last line whatever OHotfixLogLevel says: it always
// carries the full exit code.
func (l *Logs) Final(msg string) {
	if l.Log != nil {
		_ = l.Log.Sync()
	}
	if len(l.files) > 0 {
		fmt.Fprintf(l.files[0], "%s  INFO  %s\n", time.Now().Format("2006-01-02 15:04:05.000"), msg)
	}
}

// Close flushes and closes both logs.
func (l *Logs) Close() error {
	var errs []error
	if l.Log != nil {
		_ = l.Log.Sync()
	}
	if l.MsiLog != nil {
		_ = l.MsiLog.Sync()
	}
	for _, f := range l.files {
		errs = append(errs, f.Close())
	}
	l.files = nil
	return errors.Join(errs...)
}

// Nop returns logs that write nowhere (for check-only runs that were told
// not to log, and tests).
func NopLogs() *Logs { return &Logs{Log: zap.NewNop(), MsiLog: zap.NewNop()} }
