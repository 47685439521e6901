package windows

import (
	"context"
	"fmt"
	"maps"
	"slices"
	"strings"
	"time"

	"go.uber.org/zap"

	"github.com/ohotfix/ohotfix/checks"
	"github.com/ohotfix/ohotfix/exitcode"
	"github.com/ohotfix/ohotfix/installer"
	"github.com/ohotfix/ohotfix/msi"
	"github.com/ohotfix/ohotfix/msi/transform"
)

// Options configure the client Backend; cmd/ohotfix fills them from
// ohotfix.ini, the command line and the run's log pair.
type Options struct {
	// UILevel is ohotfix.ini MsiUILevel (n, b, r, f).
	UILevel string
	// LogLevel is ohotfix.ini MsiLogLevel (msiexec /L letters).
	LogLevel string
	// LogPath is the pair's _Msi.log; Windows Installer appends its own log
	// there (MsiEnableLogW). "" = no Windows Installer log.
	LogPath string
	// Wait is how long a 1618 from msi.dll (an installation that started
	// after the _MSIExecute probe) is retried (InstallerWaitSeconds); <= 0
	// gives up at once.
	Wait time.Duration
	// RetryPause is the pause between tries after a 1618 (0 = 2s).
	RetryPause time.Duration
	// Properties are added to every patch installation's command line,
	// after REBOOT=ReallySuppress (a restart is ohotfix's decision).
	Properties map[string]string
	// FeatureToCheck's features are queried even when the cached package
	// cannot be read to list the product's features.
	FeatureToCheck string
	// AllFeatures: query the state of every feature of the package (for
	// `ohotfix check`), not only FeatureToCheck's.
	AllFeatures bool
	// Progress receives Windows Installer's progress while a patch is
	// applied (nil: no external UI handler is installed).
	Progress func(Progress)
	// Log receives Inventory's warnings (nested installations, unreadable
	// cached packages) as they are found; nil = not logged here.
	Log *zap.Logger
}

// Backend patches installed products through Windows Installer. It
// implements installer.Backend. Which patch applies to which product, and in
// what order, is decided by the bootstrap's planner, exactly as for admin
// images; the backend reports facts and carries out steps.
type Backend struct {
	api  MSI
	opts Options
	// load makes api usable (loads msi.dll); nil = always usable (a fake).
	load   func() error
	engine string // msi.dll's version, known after Inventory
	sleep  func(ctx context.Context, d time.Duration) error
}

// NewWithAPI returns a Backend over api (the real msi.dll on Windows, a fake
// in tests).
func NewWithAPI(api MSI, opts Options) *Backend {
	return &Backend{api: api, opts: opts, sleep: sleepCtx}
}

func (b *Backend) Mode() string { return installer.ModeClient }

// Inventory lists the installed products the patches target (every context),
// with their version, location, cached package, applied patches, feature
// states and nested-installation custom actions, and msi.dll's version. It
// changes nothing.
func (b *Backend) Inventory(ctx context.Context, patches []installer.PatchInfo) (*installer.Inventory, error) {
	if b.load != nil {
		if err := b.load(); err != nil {
			return nil, exitcode.New(exitcode.PlatformUnsupported, "Windows Installer is not available: %v", err)
		}
	}
	v, err := b.api.Version()
	if err != nil {
		return nil, exitcode.New(exitcode.Fatal, "cannot read Windows Installer's version (msi.dll DllGetVersion): %v", err)
	}
	b.engine = v
	inv := &installer.Inventory{Mode: installer.ModeClient, EngineVersion: v}
	wanted := map[string]bool{}
	for _, p := range patches {
		for _, t := range p.Targets {
			wanted[strings.ToUpper(strings.TrimSpace(t))] = true
		}
	}
	products, err := b.products(ctx)
	if err != nil {
		return nil, err
	}
	for _, code := range slices.Sorted(maps.Keys(products)) {
		if !wanted[code] {
			continue
		}
		refs := b.patchable(code, products[code], inv)
		if len(refs) == 0 {
			continue
		}
		p := refs[0]
		for _, other := range refs[1:] {
			inv.Warnings = append(inv.Warnings, fmt.Sprintf("product %s is also installed in the %s context (user %s); this run patches the %s installation",
				p.Code, contextName(other.Context), other.UserSID, contextName(p.Context)))
		}
		t, warnings := b.target(ctx, p)
		inv.Targets = append(inv.Targets, t)
		inv.Warnings = append(inv.Warnings, warnings...)
	}
	if b.opts.Log != nil {
		for _, w := range inv.Warnings {
			b.opts.Log.Warn("warning: " + w)
		}
	}
	return inv, ctx.Err()
}

// products enumerates every installed product, indices strictly one up per
// call as MsiEnumProductsExW demands, grouped by product code (upper case)
// with the per-machine installation first.
func (b *Backend) products(ctx context.Context) (map[string][]Product, error) {
	out := map[string][]Product{}
	for i := uint32(0); ; i++ {
		if err := ctx.Err(); err != nil {
			return nil, exitcode.Wrap(exitcode.UserCancelled, err)
		}
		p, r := b.api.EnumProductsEx(i)
		if r == errNoMoreItems {
			break
		}
		if r != errSuccess {
			return nil, exitcode.New(exitcode.Fatal, "MsiEnumProductsExW (index %d) failed: %d (%s)", i, r, errorText(r))
		}
		code := strings.ToUpper(p.Code)
		out[code] = append(out[code], p)
	}
	rank := map[uint32]int{contextMachine: 0, contextUserManaged: 1, contextUserUnmanaged: 2}
	for _, refs := range out {
		slices.SortStableFunc(refs, func(a, b Product) int { return rank[a.Context] - rank[b.Context] })
	}
	return out, nil
}

// patchable keeps the installations of a product this process can patch:
// per machine, or per user for the user it runs as. Another user's per-user
// installation is said in a warning and left alone (Windows Installer
// patches it in that user's session). An unknown own SID keeps everything.
func (b *Backend) patchable(code string, refs []Product, inv *installer.Inventory) []Product {
	me := b.api.UserSID()
	var out []Product
	for _, p := range refs {
		if p.Context == contextMachine || me == "" || strings.EqualFold(p.UserSID, me) {
			out = append(out, p)
			continue
		}
		inv.Warnings = append(inv.Warnings, fmt.Sprintf("product %s is installed for another user (%s, %s context); "+
			"this run cannot patch that installation: run the update as that user", p.Code, p.UserSID, contextName(p.Context)))
	}
	return out
}

// target gathers what Detect needs of one installed product.
func (b *Backend) target(ctx context.Context, p Product) (installer.Target, []string) {
	var warnings []string
	info := func(prop string) string {
		v, r := b.api.ProductInfoEx(p, prop)
		if r != errSuccess && r != errUnknownProp {
			warnings = append(warnings, fmt.Sprintf("product %s: MsiGetProductInfoExW(%s) failed: %d (%s)", p.Code, prop, r, errorText(r)))
		}
		return v
	}
	t := installer.Target{Code: p.Code, LocalPackage: info("LocalPackage"), Context: contextName(p.Context), UserSID: p.UserSID}
	// The cached package is read (in Go) while msi.dll answers the rest.
	type packageRead struct {
		pkg cachedPackage
		err error
	}
	read := make(chan packageRead, 1)
	if t.LocalPackage != "" {
		go func() {
			pkg, err := readPackage(t.LocalPackage)
			read <- packageRead{pkg, err}
		}()
	}
	t.Name, t.Version, t.Path = info("ProductName"), info("VersionString"), info("InstallLocation")
	for i := uint32(0); ctx.Err() == nil; i++ {
		code, r := b.api.EnumAppliedPatchesEx(p, i)
		if r == errNoMoreItems {
			break
		}
		if r != errSuccess {
			warnings = append(warnings, fmt.Sprintf("product %s: MsiEnumPatchesExW (index %d) failed: %d (%s); its applied patches may be incomplete", p.Code, i, r, errorText(r)))
			break
		}
		t.Applied = append(t.Applied, code)
	}
	var features []string
	if t.LocalPackage == "" {
		warnings = append(warnings, fmt.Sprintf("product %s: Windows Installer names no cached package (LocalPackage); nested installations were not checked", p.Code))
	} else {
		r := <-read
		pkg, err := r.pkg, r.err
		if err != nil {
			missed := "nested installations were not checked and its patches' transforms are not validated before msi.dll applies them"
			if pkg.nestedChecked {
				missed = "its patches' transforms are not validated before msi.dll applies them"
			}
			warnings = append(warnings, fmt.Sprintf("product %s: cannot read its cached package %s (%v); %s", p.Code, t.LocalPackage, err, missed))
		} else {
			// Windows Installer validates a patch against the cached
			// package with the applied patches' transforms: the installed
			// product code and version (VersionString) say where those
			// left it; upgrade code, language and platform are the
			// package's. Without the package, or without the installed
			// version, the planner does not validate and msi.dll decides.
			if t.Version != "" {
				base := pkg.facts
				base.ProductCode, base.ProductVersion = p.Code, t.Version
				t.Baseline = &base
			}
		}
		features, t.NestedInstalls = pkg.features, pkg.nested
		for _, ca := range pkg.nested {
			warnings = append(warnings, NestedInstallWarning(p.Code, ca))
		}
	}
	// A run needs only the states of FeatureToCheck's features (each one a
	// msi.dll call); `ohotfix check` reports every feature of the package.
	if !b.opts.AllFeatures {
		features = nil
	}
	for _, f := range checks.FeatureNames(b.opts.FeatureToCheck) {
		if !slices.Contains(features, f) {
			features = append(features, f)
		}
	}
	for _, f := range features {
		state, installed := featureState(b.api.FeatureState(p.Code, f))
		t.Features = append(t.Features, installer.Feature{Name: f, Installed: installed, State: state})
	}
	return t, warnings
}

// cachedPackage is what Detect reads from a product's cached package.
type cachedPackage struct {
	features []string
	nested   []installer.CustomAction
	facts    transform.Facts // as the package itself says (no patch applied)
	// nestedChecked: the custom actions were read (a later step failed).
	nestedChecked bool
}

// readPackage opens a product's cached package read-only and returns its
// features, nested-installation custom actions and validation facts. On
// error the features and nested installations read so far are returned.
func readPackage(path string) (cachedPackage, error) {
	var pkg cachedPackage
	db, err := msi.Open(path)
	if err != nil {
		return pkg, err
	}
	defer db.Close()
	if db.HasTable("Feature") {
		ft, err := db.Table("Feature")
		if err != nil {
			return pkg, fmt.Errorf("the Feature table: %w", err)
		}
		for _, row := range ft.Rows() {
			pkg.features = append(pkg.features, ft.Get(row, "Feature").Str())
		}
		slices.Sort(pkg.features)
	}
	if pkg.nested, err = NestedInstalls(db); err != nil {
		return pkg, err
	}
	pkg.nestedChecked = true
	if pkg.facts, err = transform.FactsOf(db); err != nil {
		return pkg, fmt.Errorf("the Property table or summary: %w", err)
	}
	return pkg, nil
}

// Apply applies step.Patch to step.Product through MsiApplyMultiplePatchesW,
// with the UI level and log asked for, REBOOT=ReallySuppress and the extra
// properties. A 1618 (someone started an installation after the lock's
// probe) is retried until Options.Wait has passed.
func (b *Backend) Apply(ctx context.Context, s installer.Step, log *zap.Logger) installer.Outcome {
	if b.load != nil {
		if err := b.load(); err != nil {
			return installer.Outcome{Code: exitcode.PlatformUnsupported, Message: "Windows Installer is not available: " + err.Error()}
		}
	}
	level, err := UILevel(b.opts.UILevel)
	if err != nil {
		return installer.Outcome{Code: exitcode.InvalidCommandLine, Message: err.Error()}
	}
	prev := b.api.SetInternalUI(level)
	defer b.api.SetInternalUI(prev)

	var logStart int64 = -1
	if b.opts.LogPath != "" {
		mode, attrs, err := LogMode(b.opts.LogLevel)
		if err != nil {
			return installer.Outcome{Code: exitcode.InvalidCommandLine, Message: err.Error()}
		}
		// Always append: the file is the pair's _Msi.log, which ohotfix
		// writes too.
		logStart = fileSize(b.opts.LogPath)
		if r := b.api.EnableLog(mode, b.opts.LogPath, attrs|logAppend); r != errSuccess {
			log.Warn("MsiEnableLogW failed; Windows Installer's own log is missing", zap.String("path", b.opts.LogPath),
				zap.Uint32("error", r), zap.String("name", ErrorName(r)))
			logStart = -1
		} else {
			defer b.api.EnableLog(0, "", 0)
		}
	}
	if b.opts.Progress != nil {
		var t progressTracker
		report := b.opts.Progress
		b.api.SetExternalUI(func(kind uint32, text string) int32 {
			if t.feed(kind, text) {
				report(t.p)
			}
			return 0 // let Windows Installer go on as if unhandled
		}, logActionStart|logPropertyDump) // PROGRESS shares bit 10 with PROPERTYDUMP
		defer b.api.SetExternalUI(nil, 0)
	}

	props := b.commandLine()
	log.Info("MsiApplyMultiplePatchesW", zap.String("patch", s.File), zap.String("product", s.Product),
		zap.String("properties", props), zap.Uint32("ui_level", level))
	start := time.Now()
	deadline := start.Add(b.opts.Wait)
	pause := b.opts.RetryPause
	if pause <= 0 {
		pause = 2 * time.Second
	}
	tries := 0
	var r uint32
	for {
		tries++
		r = b.api.ApplyMultiplePatches(s.File, s.Product, props)
		log.Info("MsiApplyMultiplePatchesW returned", zap.Uint32("code", r), zap.String("name", ErrorName(r)), zap.Int("try", tries))
		remaining := time.Until(deadline)
		if r != errAlreadyRunning || remaining <= 0 {
			break
		}
		log.Info("another installation holds Windows Installer's _MSIExecute mutex; retrying", zap.Duration("remaining", remaining))
		if err := b.sleep(ctx, min(pause, remaining)); err != nil {
			return installer.Outcome{Code: exitcode.UserCancelled, Message: "cancelled while waiting for another installation to finish"}
		}
	}
	return b.outcome(r, s, tries, time.Since(start), logStart)
}

// outcome maps msi.dll's return code to the step's outcome: 0, 3010 and
// 1641 are success (the last two ask for a restart), 1618 after the wait
// names what it waited for, and every other code is passed through with its
// name and the Windows Installer log line that explains it.
func (b *Backend) outcome(r uint32, s installer.Step, tries int, took time.Duration, logStart int64) installer.Outcome {
	switch r {
	case errSuccess:
		return installer.Outcome{Code: exitcode.Success, Message: "applied by Windows Installer"}
	case errRebootRequired:
		return installer.Outcome{Code: exitcode.RebootRequired, RebootNeeded: true, Message: "applied by Windows Installer; a restart is required to finish"}
	case errRebootInit:
		return installer.Outcome{Code: exitcode.RebootInitiated, RebootNeeded: true, Message: "applied by Windows Installer, which started a restart"}
	case errAlreadyRunning:
		return installer.Outcome{Code: exitcode.AlreadyRunning, InnerError: int(r), Message: fmt.Sprintf(
			"another installation is in progress: Windows Installer answered 1618 (ERROR_INSTALL_ALREADY_RUNNING) %d times over %s "+
				"(InstallerWaitSeconds); it waits for the installation that holds its _MSIExecute mutex, started after ohotfix's "+
				"probe (another msiexec, or a nested installation run by a custom action, KB 822454)", tries, took.Round(time.Second))}
	case errUserExit:
		return installer.Outcome{Code: exitcode.UserCancelled, InnerError: int(r), Message: "the installation was cancelled in Windows Installer's dialog"}
	}
	msg := fmt.Sprintf("Windows Installer returned %d (%s)", r, errorText(r))
	if line := explainingLine(b.opts.LogPath, logStart); line != "" {
		msg += "; its log says: " + line
	}
	if b.opts.LogPath != "" {
		msg += "; see " + b.opts.LogPath
	}
	return installer.Outcome{Code: exitcode.Code(r), InnerError: int(r), Message: msg}
}

// commandLine is the property list of a patch installation:
// REBOOT=ReallySuppress, then the extra properties sorted by name; Windows
// Installer before 3.0 also needs REINSTALL=ALL REINSTALLMODE=omus, else the
// patch is registered but no file changes.
func (b *Backend) commandLine() string {
	parts := []string{"REBOOT=ReallySuppress"}
	props := maps.Clone(b.opts.Properties)
	if b.engine != "" && checks.CompareVersions(b.engine, "3.0") < 0 {
		if props == nil {
			props = map[string]string{}
		}
		for k, v := range map[string]string{"REINSTALL": "ALL", "REINSTALLMODE": "omus"} {
			if _, ok := props[k]; !ok {
				props[k] = v
			}
		}
	}
	for _, k := range slices.Sorted(maps.Keys(props)) {
		if strings.EqualFold(k, "REBOOT") {
			continue // ohotfix decides restarts
		}
		parts = append(parts, k+"="+quoteProperty(props[k]))
	}
	return strings.Join(parts, " ")
}

// quoteProperty quotes a property value for a Windows Installer command
// line: values with spaces or quotes go in double quotes, inner quotes
// doubled.
func quoteProperty(v string) string {
	if v != "" && !strings.ContainsAny(v, " \t\"") {
		return v
	}
	return `"` + strings.ReplaceAll(v, `"`, `""`) + `"`
}

func sleepCtx(ctx context.Context, d time.Duration) error {
	t := time.NewTimer(d)
	defer t.Stop()
	select {
	case <-ctx.Done():
		return ctx.Err()
	case <-t.C:
		return nil
	}
}
