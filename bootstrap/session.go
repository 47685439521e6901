package bootstrap

import (
	"context"
	"fmt"
	"io"
	"os"
	"path/filepath"
	"strings"

	"github.com/ohotfix/ohotfix/internal/selfexe"

	"go.uber.org/zap"

	"github.com/ohotfix/ohotfix/exitcode"
	"github.com/ohotfix/ohotfix/installer"
)

// Options is what the command line asked for; the CLI fills it and the
// session does the rest.
type Options struct {
	Dir        string // "" = the executable's folder if it holds ohotfix.ini, else the current directory
	IniPath    string
	Quiet      bool
	Passive    bool
	Restart    RestartSwitch
	LogFile    string
	AdminPath  string
	ResultJSON string
	Set        []string // KEY=VALUE overrides of ohotfix.ini

	Stdin          io.Reader
	Stdout, Stderr io.Writer
	Interactive    bool // stdin is a terminal: prompts are possible
	// Ask puts a question to the person at the console (the UI's job, not
	// the pipeline's); nil when nobody can answer.
	Ask func(question string) (string, error)
	// ReadOnly: detect and plan only (ohotfix check); nothing may change.
	ReadOnly bool
	// IniBase is the folder relative paths in ohotfix.ini are resolved
	// against ("" = DIR).
	IniBase string

	// NewBackend picks the installer backend for the configuration (the
	// caller knows the engines; bootstrap knows only their contract).
	NewBackend func(cfg *Config, logs *Logs) (installer.Backend, error)
	// AfterRun, when set, runs after the pipeline and before the result is
	// written (a packed executable keeps its payload for a rerun here).
	AfterRun func(cfg *Config, logs *Logs, res *Result)
	// Lock takes the machine-wide install lock (see Pipeline.Lock).
	Lock     func(ctx context.Context, cfg *Config, logs *Logs) (release func(), err error)
	Rebooter Rebooter
}

// Session is one prepared run: configuration read and checked, logs open.
type Session struct {
	Opts   Options
	Config *Config
	Dir    string
	Logs   *Logs
	UI     UIMode
}

// ResolveDir finds the folder that holds ohotfix.ini and the patches.
func ResolveDir(dir string) (string, error) {
	if dir == "" {
		if exe, err := selfexe.Path(); err == nil {
			if d := filepath.Dir(exe); fileExists(filepath.Join(d, "ohotfix.ini")) {
				return d, nil
			}
		}
		return os.Getwd()
	}
	st, err := os.Stat(dir)
	if err != nil || !st.IsDir() {
		return "", exitcode.New(exitcode.InvalidCommandLine, "%s is not a folder (ohotfix run [DIR]: DIR holds ohotfix.ini and the .msp files)", dir)
	}
	return filepath.Abs(dir)
}

// Prepare reads the configuration, applies the command line over it and
// validates the result. Nothing is changed yet; logs are opened only when
// openLogs is true.
func Prepare(opts Options, openLogs bool) (*Session, error) {
	dir, err := ResolveDir(opts.Dir)
	if err != nil {
		return nil, err
	}
	ini := opts.IniPath
	if ini == "" {
		ini = filepath.Join(dir, "ohotfix.ini")
	} else if !fileExists(ini) {
		return nil, exitcode.New(exitcode.InvalidCommandLine, "ini file %s does not exist", ini)
	}
	cfg, err := LoadConfig(ini)
	if err != nil {
		return nil, err
	}
	for _, kv := range opts.Set {
		k, v, ok := strings.Cut(kv, "=")
		if !ok {
			return nil, exitcode.New(exitcode.InvalidCommandLine, "--set %q: want KEY=VALUE", kv)
		}
		if err := cfg.Set(k, v); err != nil {
			return nil, err
		}
	}
	// Relative paths in ohotfix.ini are taken from the folder OHotfix ran
	// from (for a patch executable: the executable's folder, not the
	// temporary payload copy); paths typed by the user from the current
	// directory.
	base := opts.IniBase
	if base == "" {
		base = dir
	}
	for _, p := range []*string{&cfg.AdminPath, &cfg.ResultFile, &cfg.RerunDir} {
		if *p != "" && !isAbsAnyOS(*p) {
			*p = filepath.Join(base, *p)
		}
	}
	ui := UINormal
	if cfg.Quiet() {
		ui = UIQuiet
	}
	if opts.Passive {
		ui = UIPassive
		cfg.OHotfixUILevel = "q" // passive never prompts
	}
	if opts.Quiet {
		ui = UIQuiet
		cfg.OHotfixUILevel, cfg.MsiUILevel = "q", "n"
	}
	if opts.AdminPath != "" {
		// A path typed on the command line is relative to the current
		// directory; one in ohotfix.ini to the ini's folder (below).
		p, err := filepath.Abs(opts.AdminPath)
		if err != nil {
			return nil, exitcode.Wrap(exitcode.InvalidCommandLine, err)
		}
		cfg.IsNormalUpdate, cfg.AdminPath = false, p
	}
	if opts.ResultJSON != "" {
		p, err := filepath.Abs(opts.ResultJSON)
		if err != nil {
			return nil, exitcode.Wrap(exitcode.InvalidCommandLine, err)
		}
		cfg.ResultFile = p
	}
	if !cfg.IsNormalUpdate && cfg.AdminPath == "" && !cfg.Quiet() {
		if !opts.Interactive || opts.Ask == nil {
			return nil, exitcode.New(exitcode.InvalidCommandLine,
				"admin mode (IsNormalUpdate=0) needs AdminPath: give /admin:PATH.msi or set AdminPath= (no terminal to prompt on)")
		}
		p, err := opts.Ask("Path of the administrative image's .msi: ")
		if err != nil || p == "" {
			return nil, exitcode.New(exitcode.InvalidCommandLine, "admin mode needs AdminPath and none was given")
		}
		cfg.AdminPath, _ = filepath.Abs(p)
	}
	if err := cfg.Validate(); err != nil {
		return nil, err
	}
	s := &Session{Opts: opts, Config: cfg, Dir: dir, UI: ui, Logs: NopLogs()}
	if openLogs || opts.LogFile != "" {
		logs, err := OpenLogs(LogDir(), opts.LogFile, cfg.OHotfixLogLevel, cfg.MsiLogLevel)
		if err != nil {
			return nil, exitcode.New(exitcode.LogFailure, "cannot create the log files: %v", err)
		}
		s.Logs = logs
	}
	s.logStart()
	return s, nil
}

func (s *Session) logStart() {
	l := s.Logs.Log
	l.Info("ohotfix starting", zap.String("version", Version), zap.Strings("args", os.Args), zap.String("dir", s.Dir))
	if s.Config.Path == "" {
		l.Info("no ohotfix.ini found: using the built-in defaults")
	} else {
		l.Info("read ohotfix.ini", zap.String("path", s.Config.Path))
		if len(s.Config.Missing) > 0 {
			l.Info("notice: keys missing from ohotfix.ini took their defaults (OHotfix itself refused such files)",
				zap.Strings("keys", s.Config.Missing))
		}
		if len(s.Config.Unknown) > 0 {
			l.Warn("unknown keys in ohotfix.ini were ignored", zap.Strings("keys", s.Config.Unknown))
		}
	}
	l.Debug("configuration", zap.Any("config", s.Config))
}

// Pipeline builds the pipeline for this session.
func (s *Session) Pipeline() (*Pipeline, error) {
	if s.Opts.NewBackend == nil {
		return nil, exitcode.New(exitcode.PlatformUnsupported, "no installer backend for %s mode in this build", s.Config.modeName())
	}
	b, err := s.Opts.NewBackend(s.Config, s.Logs)
	if err != nil {
		return nil, err
	}
	p := &Pipeline{Config: s.Config, Dir: s.Dir, Backend: b, ReadPatch: ReadPatchInfo, Checks: RunChecks,
		Logs: s.Logs, Restart: s.Opts.Restart, UI: s.UI, Rebooter: s.Opts.Rebooter, Measure: true}
	if s.Opts.Lock != nil {
		p.Lock = func(ctx context.Context) (func(), error) { return s.Opts.Lock(ctx, s.Config, s.Logs) }
	}
	if s.UI != UIQuiet && s.Opts.Stdout != nil {
		out := s.Opts.Stdout
		p.Progress = func(format string, args ...any) { fmt.Fprintf(out, format+"\n", args...) }
	}
	return p, nil
}

// Run executes the pipeline, writes the result file and the final log
// line, and returns the result.
func (s *Session) Run(ctx context.Context) *Result {
	var res *Result
	p, err := s.Pipeline()
	if err != nil {
		res = NewFailedResult(s.Config.modeName(), s.Logs, err)
	} else {
		res = p.Run(ctx)
		if s.Opts.AfterRun != nil {
			s.Opts.AfterRun(s.Config, s.Logs, res)
		}
	}
	s.Finish(res)
	return res
}

// Fail ends a prepared session that cannot run (e.g. its folder failed an
// integrity check): the failed result and the final log line, as any run.
func (s *Session) Fail(err error) *Result {
	res := NewFailedResult(s.Config.modeName(), s.Logs, err)
	s.Finish(res)
	return res
}

// Finish writes the result file (also on failure) and the last log line,
// which always carries the full code.
func (s *Session) Finish(res *Result) {
	if s.Config != nil && s.Config.ResultFile != "" {
		if err := res.WriteFile(s.Config.ResultFile); err != nil {
			s.Logs.Log.Error("cannot write the result file", zap.String("path", s.Config.ResultFile), zap.Error(err))
			if s.Opts.Stderr != nil {
				fmt.Fprintf(s.Opts.Stderr, "ohotfix: warning: cannot write the result file %s: %v\n", s.Config.ResultFile, err)
			}
		}
	}
	// One line, whatever the reason holds: the last line of the log is
	// where scripts look for the code.
	reason := strings.Join(strings.Fields(strings.ReplaceAll(res.Reason, "\n", "; ")), " ")
	s.Logs.Final(fmt.Sprintf("ohotfix finished: exit code %d (%s), POSIX status %d: %s", res.ExitCode, res.ExitName, res.Status, reason))
	_ = s.Logs.Close()
}

func (c *Config) modeName() string {
	if c != nil && c.AdminMode() {
		return "admin"
	}
	return "client"
}

// isAbsAnyOS treats C:\x and \\server\share as absolute on every OS: an
// ohotfix.ini written for Windows must not have them joined to a folder.
func isAbsAnyOS(p string) bool {
	if filepath.IsAbs(p) || strings.HasPrefix(p, `\\`) || strings.HasPrefix(p, "/") {
		return true
	}
	return len(p) >= 3 && p[1] == ':' && (p[2] == '\\' || p[2] == '/')
}

func fileExists(p string) bool {
	_, err := os.Stat(p)
	return err == nil
}
