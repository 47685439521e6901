package winetest

import (
	"context"
	"errors"
	"fmt"
	"os"
	"os/exec"
	"path/filepath"
	"strconv"
	"strings"
	"sync/atomic"
	"testing"
	"time"
)

// Prefix is a private WINEPREFIX for one test, cloned from the cached template and removed when
// the test ends. Its wineserver stays up between commands (starting Wine's services for every
// command costs ~0.6 s) and is stopped at cleanup.
type Prefix struct {
	t   testing.TB
	dir string
	env []string
	seq atomic.Int64
}

// serverLinger bounds how long the prefix's wineserver outlives its last Windows process if the
// test binary dies before its cleanup ran (a timeout panic skips cleanups).
const serverLinger = "60"

// NewPrefix returns a booted prefix (with the ProcessPrng shim) for t, skipping t when Wine is
// not installed (see [Require]).
func NewPrefix(t testing.TB) *Prefix {
	t.Helper()
	Require(t)
	tmpl, err := templatePrefix()
	if err != nil {
		t.Fatal(err)
	}
	p := &Prefix{t: t, dir: filepath.Join(t.TempDir(), "prefix")}
	if err := clonePrefix(tmpl, p.dir); err != nil {
		t.Fatalf("winetest: clone template prefix: %v", err)
	}
	if err := os.MkdirAll(p.scratch(), 0o755); err != nil {
		t.Fatal(err)
	}
	p.env = wineEnv(p.dir)
	// The server daemonises and keeps whatever stdout/stderr it was given, so it must not get
	// pipes: os/exec would wait for their EOF until the server exits.
	server := exec.Command("wineserver", "-p"+serverLinger)
	server.Env = p.env
	if err := server.Run(); err != nil {
		t.Fatalf("winetest: start wineserver: %v", err)
	}
	// Start the session (services.exe, winedevice, ...) now, with no pipes attached, so that
	// its one-off cost is paid here and no long-lived process inherits a command's output.
	if err := p.startSession(); err != nil {
		t.Fatal(err)
	}
	// Registered after t.TempDir, so it runs first: the server must be gone before its
	// prefix directory is deleted.
	t.Cleanup(p.Stop)
	return p
}

// Stop ends every Windows process of the prefix and its wineserver; the prefix can't run
// programs afterwards. Cleanup calls it; a test that makes many prefixes (a benchmark) calls it
// once done with one, so that idle sessions do not add up on the machine. Calling it again does
// nothing.
func (p *Prefix) Stop() {
	kill := exec.Command("wineserver", "-k")
	kill.Env = p.env
	kill.Run() // fails harmlessly when the server has already exited
}

// Dir is the prefix root (the WINEPREFIX value).
func (p *Prefix) Dir() string { return p.dir }

// Env is the environment used for Wine commands in this prefix, for tests that run wine
// themselves.
func (p *Prefix) Env() []string { return append([]string(nil), p.env...) }

// scratch is where per-command exit files and msiexec logs go, inside the prefix so it is
// cleaned with it.
func (p *Prefix) scratch() string { return filepath.Join(p.dir, "drive_c", "winetest") }

// ProgramFiles is the host path of C:\Program Files, where 64-bit (x64) packages install.
func (p *Prefix) ProgramFiles() string { return p.Path(`C:\Program Files`) }

// ProgramFilesX86 is the host path of C:\Program Files (x86): the prefix is 64-bit, so an
// Intel (32-bit) package's ProgramFilesFolder resolves here, as on 64-bit Windows.
func (p *Prefix) ProgramFilesX86() string { return p.Path(`C:\Program Files (x86)`) }

// Path maps a Windows path (C:\..., Z:\..., any drive in dosdevices) to the host path. Windows
// names are case-insensitive, so each component is matched case-insensitively against what
// exists on disk; components that do not exist yet are kept as written.
func (p *Prefix) Path(winPath string) string {
	if len(winPath) < 2 || winPath[1] != ':' {
		return winPath
	}
	drive := strings.ToLower(winPath[:1])
	var root string
	switch drive {
	case "c":
		root = filepath.Join(p.dir, "drive_c")
	case "z":
		root = "/"
	default:
		link, err := os.Readlink(filepath.Join(p.dir, "dosdevices", drive+":"))
		if err != nil {
			return winPath
		}
		if !filepath.IsAbs(link) {
			link = filepath.Join(p.dir, "dosdevices", link)
		}
		root = link
	}
	path := root
	for _, part := range strings.FieldsFunc(winPath[2:], func(r rune) bool { return r == '\\' || r == '/' }) {
		path = filepath.Join(path, matchName(path, part))
	}
	return path
}

// matchName returns the entry of dir equal to name ignoring case, or name itself.
func matchName(dir, name string) string {
	if _, err := os.Lstat(filepath.Join(dir, name)); err == nil {
		return name
	}
	entries, err := os.ReadDir(dir)
	if err != nil {
		return name
	}
	for _, e := range entries {
		if strings.EqualFold(e.Name(), name) {
			return e.Name()
		}
	}
	return name
}

// WinPath maps a host path to the path Windows programs in the prefix see: C:\... inside the
// prefix's drive_c, Z:\... (Wine's view of /) elsewhere.
func (p *Prefix) WinPath(hostPath string) string {
	abs, err := filepath.Abs(hostPath)
	if err != nil {
		abs = hostPath
	}
	driveC := filepath.Join(p.dir, "drive_c")
	if rel, err := filepath.Rel(driveC, abs); err == nil && rel != ".." && !strings.HasPrefix(rel, "../") {
		if rel == "." {
			return `C:\`
		}
		return `C:\` + strings.ReplaceAll(rel, "/", `\`)
	}
	return "Z:" + strings.ReplaceAll(abs, "/", `\`)
}

// Run runs a Windows program in the prefix and returns its output and full 32-bit exit code.
// exe is a host path to an .exe (translated with WinPath) or a name Windows resolves itself
// ("msiexec", `C:\windows\system32\cmd.exe`); args are passed unchanged, so translate host paths
// in them with WinPath. err reports a failure to run, never a non-zero exit code.
func (p *Prefix) Run(ctx context.Context, exe string, args ...string) (stdout, stderr string, exit int, err error) {
	for attempt := 1; ; attempt++ {
		stdout, stderr, exit, err = p.run(ctx, exe, args...)
		// Under heavy load Wine's CreateProcess occasionally fails with ERROR_INTERNAL_ERROR
		// (seen in CI for a Go test program): the command never started, so it is safe to
		// start it again.
		if err == nil || attempt == 3 || ctx.Err() != nil || !strings.Contains(stderr, "wexit: cannot start command: error 1359") {
			return stdout, stderr, exit, err
		}
		time.Sleep(time.Duration(attempt) * 200 * time.Millisecond)
	}
}

func (p *Prefix) run(ctx context.Context, exe string, args ...string) (stdout, stderr string, exit int, err error) {
	wexit, err := toolPath("wexit")
	if err != nil {
		return "", "", -1, err
	}
	if filepath.IsAbs(exe) {
		if _, statErr := os.Stat(exe); statErr == nil {
			exe = p.WinPath(exe)
		}
	}
	exitFile := filepath.Join(p.scratch(), fmt.Sprintf("exit-%d.txt", p.seq.Add(1)))
	cmd := exec.CommandContext(ctx, "wine", append([]string{wexit, p.WinPath(exitFile), exe}, args...)...)
	cmd.Env = p.env
	cmd.WaitDelay = 10 * time.Second
	// Output goes to files, not pipes: a Windows process started on the way (Wine's services,
	// a custom-action server) can inherit the handles and outlive the command, and os/exec
	// would then wait for pipe EOF until WaitDelay.
	outFile, errFile := exitFile+".stdout", exitFile+".stderr"
	runErr := runToFiles(cmd, outFile, errFile)
	stdout, stderr = readText(outFile), readText(errFile)
	code, readErr := os.ReadFile(exitFile)
	if readErr != nil {
		// wexit writes the file after the child exits, so its absence means the program never
		// ran to completion: report why (wine's own error or wexit's message is on stderr).
		return stdout, stderr, -1, fmt.Errorf("winetest: run %s: %v (no exit code recorded): %s",
			exe, errors.Join(runErr, ctx.Err()), strings.TrimSpace(stderr))
	}
	n, convErr := strconv.ParseUint(strings.TrimSpace(string(code)), 10, 32)
	if convErr != nil {
		return stdout, stderr, -1, fmt.Errorf("winetest: run %s: bad exit file %q", exe, code)
	}
	// Windows exit codes are DWORDs; keep NTSTATUS-style values such as 0xC0000135 readable
	// as the familiar negative int32.
	return stdout, stderr, int(int32(uint32(n))), nil
}

// MsiexecTimeout bounds one msiexec run; Wine's msiexec never prompts with /qn, so only a bug
// can make it wait longer.
var MsiexecTimeout = 5 * time.Minute

// Msiexec runs `msiexec /qn /l*v LOG args...` in the prefix and returns msiexec's exit code
// (0, 1603, 3010...) and the verbose log text. Pass host paths through WinPath, e.g.
// p.Msiexec("/i", p.WinPath(msi), "ALLUSERS=1"). err reports a failure to run msiexec at all.
func (p *Prefix) Msiexec(args ...string) (exit int, logText string, err error) {
	ctx, cancel := context.WithTimeout(context.Background(), MsiexecTimeout)
	defer cancel()
	logFile := filepath.Join(p.scratch(), fmt.Sprintf("msiexec-%d.log", p.seq.Add(1)))
	all := append([]string{"/qn", "/l*v", p.WinPath(logFile)}, args...)
	stdout, stderr, exit, err := p.Run(ctx, "msiexec", all...)
	if err != nil {
		return exit, "", err
	}
	raw, readErr := os.ReadFile(logFile)
	if readErr != nil && exit == 0 {
		return exit, "", fmt.Errorf("winetest: msiexec wrote no log: %v (stdout %q, stderr %q)", readErr, stdout, stderr)
	}
	return exit, decodeLog(raw), nil
}

// runToFiles runs cmd with stdout and stderr written to the named files.
func runToFiles(cmd *exec.Cmd, stdoutPath, stderrPath string) error {
	outF, err := os.Create(stdoutPath)
	if err != nil {
		return err
	}
	defer outF.Close()
	errF, err := os.Create(stderrPath)
	if err != nil {
		return err
	}
	defer errF.Close()
	cmd.Stdout, cmd.Stderr = outF, errF
	return cmd.Run()
}

// readText returns a file's content, or "" when it cannot be read.
func readText(path string) string {
	b, _ := os.ReadFile(path)
	return string(b)
}

// startSession runs wineboot (session start-up only, the prefix is already initialised). Under
// heavy load its first attempt occasionally fails while the just-started wineserver settles, so
// it is retried; output goes to a file, never a pipe (see Run).
func (p *Prefix) startSession() error {
	var err error
	for attempt := 1; attempt <= 3; attempt++ {
		logPath := filepath.Join(p.scratch(), fmt.Sprintf("wineboot-%d.log", attempt))
		ctx, cancel := context.WithTimeout(context.Background(), 2*time.Minute)
		boot := exec.CommandContext(ctx, "wineboot")
		boot.Env = p.env
		err = runToFiles(boot, logPath, logPath+".err")
		cancel()
		if err == nil {
			return nil
		}
		err = fmt.Errorf("winetest: start Wine session (wineboot, attempt %d): %v\n%s%s",
			attempt, err, readText(logPath), readText(logPath+".err"))
		time.Sleep(time.Duration(attempt) * 500 * time.Millisecond)
	}
	return err
}
