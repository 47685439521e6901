package windows

import (
	"context"
	"errors"
	"fmt"
	"os"
	"path/filepath"
	"reflect"
	"strings"
	"testing"
	"time"

	"go.uber.org/zap"
	"go.uber.org/zap/zapcore"

	"github.com/ohotfix/ohotfix/exitcode"
	"github.com/ohotfix/ohotfix/installer"
)

const (
	prodA = "{AAAAAAAA-0000-0000-0000-000000000001}"
	prodB = "{BBBBBBBB-0000-0000-0000-000000000002}"
	prodC = "{CCCCCCCC-0000-0000-0000-000000000003}"
	prodD = "{DDDDDDDD-0000-0000-0000-000000000004}"
)

// inventoryFake: A per machine (with a type-23 custom action in its cached
// package) and also per user, B per user only, C installed but targeted by
// no patch, D installed for another user only.
func inventoryFake(t *testing.T) *fakeMSI {
	f := newFake()
	pkg := writePackage(t, []string{"Docs", "Main", "Tools"}, []customActionRow{
		{name: "InstallRuntime", typ: 23, table: "InstallExecuteSequence", sequence: 4000, cond: "0"},
	})
	f.sid = "S-1-5-21-1"
	f.products = []Product{
		{Code: prodC, Context: contextMachine},
		{Code: prodB, Context: contextUserUnmanaged, UserSID: "S-1-5-21-1"},
		{Code: prodA, Context: contextMachine},
		{Code: strings.ToLower(prodA), Context: contextUserManaged, UserSID: "S-1-5-21-1"},
		{Code: prodD, Context: contextUserUnmanaged, UserSID: "S-1-5-21-2"}, // another user's
	}
	f.info[prodA+"/machine"] = map[string]string{"ProductName": "Contoso A", "VersionString": "1.0.0",
		"InstallLocation": `C:\Program Files\A\`, "LocalPackage": pkg}
	f.info[prodB+"/user-unmanaged"] = map[string]string{"ProductName": "Contoso B", "VersionString": "2.1",
		"LocalPackage": filepath.Join(t.TempDir(), "missing.msi")}
	f.patches[prodA] = []string{"{11111111-0000-0000-0000-000000000001}", "{22222222-0000-0000-0000-000000000002}"}
	f.features[prodA+"/Main"] = stateLocal
	f.features[prodA+"/Docs"] = stateAbsent
	f.features[prodA+"/Tools"] = stateAdvertised
	f.features[prodB+"/Extras"] = stateSource
	return f
}

func TestInventoryClient(t *testing.T) {
	f := inventoryFake(t)
	logged := &strings.Builder{}
	b := NewWithAPI(f, Options{FeatureToCheck: "Extras", AllFeatures: true, Log: zap.New(zapcore.NewCore(
		zapcore.NewConsoleEncoder(zap.NewDevelopmentEncoderConfig()), zapcore.AddSync(logged), zap.WarnLevel))})
	inv, err := b.Inventory(context.Background(), []installer.PatchInfo{
		{File: "p1.msp", Targets: []string{strings.ToLower(prodA), prodB, prodD}},
		{File: "bad.msp", OpenError: "unreadable"},
	})
	if err != nil {
		t.Fatal(err)
	}
	if inv.Mode != installer.ModeClient || inv.EngineVersion != "5.0.19041" {
		t.Errorf("mode %q engine %q", inv.Mode, inv.EngineVersion)
	}
	if len(inv.Targets) != 2 {
		t.Fatalf("targets: %+v (want A and B, not the untargeted C nor another user's D)", inv.Targets)
	}
	a, bt := inv.Targets[0], inv.Targets[1]
	if a.Code != prodA || a.Name != "Contoso A" || a.Version != "1.0.0" || a.Path != `C:\Program Files\A\` ||
		a.Context != "machine" || a.UserSID != "" || !strings.HasSuffix(a.LocalPackage, "cached.msi") {
		t.Errorf("A: %+v", a)
	}
	if !reflect.DeepEqual(a.Applied, f.patches[prodA]) {
		t.Errorf("A applied: %v", a.Applied)
	}
	wantFeatures := []installer.Feature{
		{Name: "Docs", Installed: false, State: "absent"},
		{Name: "Main", Installed: true, State: "local"},
		{Name: "Tools", Installed: true, State: "advertised"},
		{Name: "Extras", Installed: false, State: "unknown"}, // FeatureToCheck, not in A's package
	}
	if !reflect.DeepEqual(a.Features, wantFeatures) {
		t.Errorf("A features:\n got %+v\nwant %+v", a.Features, wantFeatures)
	}
	if want := []installer.CustomAction{{Action: "InstallRuntime", Type: 23, Table: "InstallExecuteSequence", Sequence: 4000, Condition: "0"}}; !reflect.DeepEqual(a.NestedInstalls, want) {
		t.Errorf("A nested installs: %+v", a.NestedInstalls)
	}
	if bt.Code != prodB || bt.Context != "user-unmanaged" || bt.UserSID != "S-1-5-21-1" || bt.Version != "2.1" {
		t.Errorf("B: %+v", bt)
	}
	if want := []installer.Feature{{Name: "Extras", Installed: true, State: "source"}}; !reflect.DeepEqual(bt.Features, want) {
		t.Errorf("B features: %+v", bt.Features)
	}
	all := strings.Join(inv.Warnings, "\n")
	for _, s := range []string{
		"custom action InstallRuntime (type 23", "KB 822454", // the nested installation, explained
		"also installed in the user-managed context (user S-1-5-21-1); this run patches the machine installation",
		prodD + " is installed for another user (S-1-5-21-2, user-unmanaged context)",
		prodB + ": cannot read its cached package", // B's package is missing: said, not fatal
		"nested installations were not checked and its patches' transforms are not validated",
	} {
		if !strings.Contains(all, s) {
			t.Errorf("warnings lack %q:\n%s", s, all)
		}
		if !strings.Contains(logged.String(), s) {
			t.Errorf("the log lacks the warning %q:\n%s", s, logged)
		}
	}
}

func TestInventoryEnumerationErrors(t *testing.T) {
	f := newFake()
	f.version = ""
	if _, err := NewWithAPI(f, Options{}).Inventory(context.Background(), nil); exitcode.Of(err) != exitcode.Fatal {
		t.Errorf("no version: %v", err)
	}
	// An enumeration that fails half-way is an error, not a short list.
	g := &brokenEnum{fakeMSI: newFake(), failAt: 1}
	g.products = []Product{{Code: prodA, Context: contextMachine}, {Code: prodB, Context: contextMachine}}
	_, err := NewWithAPI(g, Options{}).Inventory(context.Background(), []installer.PatchInfo{{Targets: []string{prodA}}})
	if exitcode.Of(err) != exitcode.Fatal || !strings.Contains(err.Error(), "ERROR_BAD_CONFIGURATION") {
		t.Errorf("broken enumeration: %v", err)
	}
}

type brokenEnum struct {
	*fakeMSI
	failAt uint32
}

func (b *brokenEnum) EnumProductsEx(i uint32) (Product, uint32) {
	if i == b.failAt {
		return Product{}, 1610
	}
	return b.fakeMSI.EnumProductsEx(i)
}

func step() installer.Step {
	return installer.Step{File: `C:\updates\P.msp`, Product: prodA, Decision: installer.Apply}
}

func TestApplyPassesCodesThrough(t *testing.T) {
	for _, tc := range []struct {
		r      uint32
		code   exitcode.Code
		reboot bool
		msg    string
	}{
		{0, exitcode.Success, false, "applied"},
		{3010, exitcode.RebootRequired, true, "restart is required"},
		{1641, exitcode.RebootInitiated, true, "started a restart"},
		{1602, exitcode.UserCancelled, false, "cancelled"},
		{1603, exitcode.Fatal, false, "1603 (ERROR_INSTALL_FAILURE"},
		{1627, exitcode.Code(1627), false, "1627 (ERROR_FUNCTION_FAILED"},
		{1646, exitcode.Code(1646), false, "ERROR_PATCH_REMOVAL_UNSUPPORTED"},
		{4242, exitcode.Code(4242), false, "Windows Installer error 4242"},
	} {
		f := newFake()
		f.results = []uint32{tc.r}
		out := NewWithAPI(f, Options{}).Apply(context.Background(), step(), zap.NewNop())
		if out.Code != tc.code || out.RebootNeeded != tc.reboot || !strings.Contains(out.Message, tc.msg) {
			t.Errorf("msi.dll %d: outcome %+v", tc.r, out)
		}
		if len(f.applyCalls) != 1 {
			t.Errorf("msi.dll %d: %d calls", tc.r, len(f.applyCalls))
		}
	}
}

// A run asks msi.dll only for FeatureToCheck's features (a list), one
// call each; check (AllFeatures) asks for every feature of the package.
func TestInventoryRunQueriesOnlyFeatureToCheck(t *testing.T) {
	f := inventoryFake(t)
	b := NewWithAPI(f, Options{FeatureToCheck: "Main; Extras"})
	inv, err := b.Inventory(context.Background(), []installer.PatchInfo{{File: "p1.msp", Targets: []string{prodA}}})
	if err != nil || len(inv.Targets) != 1 {
		t.Fatalf("inventory: %v %+v", err, inv)
	}
	want := []installer.Feature{{Name: "Main", Installed: true, State: "local"}, {Name: "Extras", State: "unknown"}}
	if got := inv.Targets[0].Features; !reflect.DeepEqual(got, want) {
		t.Errorf("features:\n got %+v\nwant %+v", got, want)
	}
	if want := []string{prodA + "/Main", prodA + "/Extras"}; !reflect.DeepEqual(f.featureCalls, want) {
		t.Errorf("MsiQueryFeatureStateW calls %v, want %v", f.featureCalls, want)
	}
	f.featureCalls = nil
	b = NewWithAPI(f, Options{})
	if inv, err = b.Inventory(context.Background(), []installer.PatchInfo{{File: "p1.msp", Targets: []string{prodA}}}); err != nil {
		t.Fatal(err)
	}
	if len(f.featureCalls) != 0 || len(inv.Targets[0].Features) != 0 {
		t.Errorf("no FeatureToCheck: %d calls, features %+v", len(f.featureCalls), inv.Targets[0].Features)
	}
}

func TestApplyCommandLineUIAndLog(t *testing.T) {
	f := newFake()
	f.results = []uint32{1603}
	logPath := filepath.Join(t.TempDir(), "OHotfix(00001)_Msi.log")
	os.WriteFile(logPath, []byte("ohotfix's own line: Error 1999 must not be quoted\n"), 0o644)
	f.logLines = "MSI (s) (00:00) [12:00:00:000]: Product: Contoso -- Error 1311. Source file not found: C:\\x\\data1.cab.\r\n" +
		"Action ended 12:00:01: InstallFinalize. Return value 3.\r\n"
	b := NewWithAPI(f, Options{UILevel: "b", LogLevel: "v", LogPath: logPath,
		Properties: map[string]string{"MYPROP": `say "hi" now`, "ZZZ": "1", "REBOOT": "Force"}})
	f.uiLevel = 5 // the level before ohotfix ran
	out := b.Apply(context.Background(), step(), zap.NewNop())

	if want := `C:\updates\P.msp|` + prodA + `|REBOOT=ReallySuppress MYPROP="say ""hi"" now" ZZZ=1`; f.applyCalls[0] != want {
		t.Errorf("call:\n got %s\nwant %s", f.applyCalls[0], want)
	}
	if !reflect.DeepEqual(f.uiCalls, []uint32{uiLevelBasic, 5}) {
		t.Errorf("SetInternalUI calls %v: want basic, then the previous level back", f.uiCalls)
	}
	mode, _, _ := LogMode("v")
	if len(f.logCalls) != 2 || f.logCalls[0] != fmt.Sprintf("%#x %s 1", mode, logPath) || f.logCalls[1] != "0x0  0" {
		t.Errorf("MsiEnableLogW calls %q", f.logCalls)
	}
	if out.Code != exitcode.Fatal || !strings.Contains(out.Message, "Error 1311. Source file not found") ||
		strings.Contains(out.Message, "Error 1999") || !strings.Contains(out.Message, "see "+logPath) {
		t.Errorf("outcome: %+v", out)
	}
}

func TestApplyOldEngineReinstallsAll(t *testing.T) {
	f := newFake()
	f.version, f.results = "2.0.2600", []uint32{0}
	f.products = []Product{{Code: prodA, Context: contextMachine}}
	b := NewWithAPI(f, Options{})
	if _, err := b.Inventory(context.Background(), nil); err != nil {
		t.Fatal(err)
	}
	b.Apply(context.Background(), step(), zap.NewNop())
	if !strings.HasSuffix(f.applyCalls[0], "|REBOOT=ReallySuppress REINSTALL=ALL REINSTALLMODE=omus") {
		t.Errorf("Windows Installer 2.0 call: %s", f.applyCalls[0])
	}
}

func TestApplyRetries1618WithinTheWait(t *testing.T) {
	f := newFake()
	f.results = []uint32{1618, 1618, 3010}
	b := NewWithAPI(f, Options{Wait: time.Minute, RetryPause: time.Millisecond})
	out := b.Apply(context.Background(), step(), zap.NewNop())
	if out.Code != exitcode.RebootRequired || len(f.applyCalls) != 3 {
		t.Errorf("released during the wait: %+v after %d calls", out, len(f.applyCalls))
	}

	f = newFake()
	f.results = []uint32{1618}
	start := time.Now()
	b = NewWithAPI(f, Options{Wait: 300 * time.Millisecond, RetryPause: 50 * time.Millisecond})
	out = b.Apply(context.Background(), step(), zap.NewNop())
	took := time.Since(start)
	if out.Code != exitcode.AlreadyRunning || !strings.Contains(out.Message, "_MSIExecute") || !strings.Contains(out.Message, "KB 822454") ||
		len(f.applyCalls) < 3 || took < 300*time.Millisecond || took > 5*time.Second {
		t.Errorf("held past the wait: %+v after %d calls in %s", out, len(f.applyCalls), took)
	}

	f = newFake()
	f.results = []uint32{1618}
	out = NewWithAPI(f, Options{}).Apply(context.Background(), step(), zap.NewNop())
	if out.Code != exitcode.AlreadyRunning || len(f.applyCalls) != 1 {
		t.Errorf("InstallerWaitSeconds=0: %+v after %d calls", out, len(f.applyCalls))
	}

	f = newFake()
	f.results = []uint32{1618}
	ctx, cancel := context.WithCancel(context.Background())
	b = NewWithAPI(f, Options{Wait: time.Hour, RetryPause: time.Hour})
	time.AfterFunc(20*time.Millisecond, cancel)
	if out := b.Apply(ctx, step(), zap.NewNop()); out.Code != exitcode.UserCancelled {
		t.Errorf("cancelled wait: %+v", out)
	}
}

func TestApplyReportsProgress(t *testing.T) {
	f := newFake()
	f.results = []uint32{0}
	f.messages = []fakeMessage{
		{msgActionStart, "Action 12:00:01: InstallFiles. Copying new files"},
		{msgProgress, "1: 0 2: 1000 3: 0 4: 1 "},
		{msgProgress, "1: 2 2: 250 3: 0 "},
		{msgProgress, "1: 1 2: 10 3: 1 "}, // action info: no visible change
		{msgProgress, "1: 3 2: 1000 "},    // total grows: 250/2000
		{msgProgress, "1: 2 2: 1750 "},
		{0x04000000, "Info message"}, // ignored
	}
	var got []Progress
	b := NewWithAPI(f, Options{Progress: func(p Progress) { got = append(got, p) }})
	b.Apply(context.Background(), step(), zap.NewNop())
	want := []Progress{
		{Action: "InstallFiles"},
		{Total: 1000, Action: "InstallFiles"},
		{Done: 250, Total: 1000, Action: "InstallFiles"},
		{Done: 250, Total: 2000, Action: "InstallFiles"},
		{Done: 2000, Total: 2000, Action: "InstallFiles"},
	}
	if !reflect.DeepEqual(got, want) {
		t.Errorf("progress:\n got %+v\nwant %+v", got, want)
	}
	if got[2].Percent() != 25 || got[4].Percent() != 100 {
		t.Errorf("percent %d %d", got[2].Percent(), got[4].Percent())
	}
	if f.handler != nil {
		t.Error("the external UI handler stays installed after Apply")
	}
}

func TestLevels(t *testing.T) {
	for letter, want := range map[string]uint32{"n": 2, "": 2, "b": 3, "R": 4, "f": 5} {
		if got, err := UILevel(letter); err != nil || got != want {
			t.Errorf("UILevel(%q) = %d, %v", letter, got, err)
		}
	}
	if _, err := UILevel("x"); err == nil {
		t.Error("UILevel(x) accepted")
	}
	m, a, err := LogMode("iwe")
	if err != nil || m != logInfo|logWarning|logError || a != 0 {
		t.Errorf("iwe: %#x %d %v", m, a, err)
	}
	m, a, _ = LogMode("*v+!")
	if m&logVerbose == 0 || m&logActionStart == 0 || m&logExtraDebug != 0 || a != logAppend|logFlushEachLine {
		t.Errorf("*v+!: %#x %d", m, a)
	}
	if m, _, _ := LogMode("v"); m&logError == 0 || m&logVerbose == 0 {
		t.Errorf("v alone must log errors too: %#x", m)
	}
	if _, _, err := LogMode("iz"); err == nil {
		t.Error("LogMode(iz) accepted")
	}
}

func TestFeatureStatesAreTyped(t *testing.T) {
	for s, want := range map[int32]struct {
		name string
		ok   bool
	}{stateLocal: {"local", true}, stateSource: {"source", true}, stateAdvertised: {"advertised", true},
		stateAbsent: {"absent", false}, stateUnknown: {"unknown", false}, stateBroken: {"broken", false}, stateInvalidArg: {"invalid", false}} {
		if n, ok := featureState(s); n != want.name || ok != want.ok {
			t.Errorf("state %d: %s %v", s, n, ok)
		}
	}
}

func BenchmarkInventory(b *testing.B) {
	f := newFake()
	for i := range 300 {
		code := strings.Replace(prodC, "CCCCCCCC", strings.ToUpper(strings.Repeat(string(rune('A'+i%6)), 8)), 1)
		code = code[:len(code)-4] + string(rune('0'+i/100)) + string(rune('0'+i/10%10)) + string(rune('0'+i%10)) + "}"
		f.products = append(f.products, Product{Code: code, Context: contextMachine})
	}
	f.products = append(f.products, Product{Code: prodA, Context: contextMachine})
	f.info[prodA+"/machine"] = map[string]string{"VersionString": "1.0"}
	b.ResetTimer()
	for b.Loop() {
		f.lastProduct = -1
		if _, err := NewWithAPI(f, Options{}).Inventory(context.Background(), []installer.PatchInfo{{Targets: []string{prodA}}}); err != nil {
			b.Fatal(err)
		}
	}
}

// Without msi.dll the first Inventory says so with 1633 and asks msi.dll
// nothing.
func TestInventoryWithoutWindowsInstaller(t *testing.T) {
	f := newFake()
	b := NewWithAPI(f, Options{})
	b.load = func() error { return errors.New("load msi.dll: The specified module could not be found.") }
	_, err := b.Inventory(context.Background(), []installer.PatchInfo{{File: "p.msp", Targets: []string{prodA}}})
	if exitcode.Of(err) != exitcode.PlatformUnsupported || !strings.Contains(err.Error(), "Windows Installer is not available") {
		t.Fatalf("err %v (code %v)", err, exitcode.Of(err))
	}
	if f.lastProduct != -1 || len(f.featureCalls) != 0 {
		t.Error("msi.dll was asked although it could not be loaded")
	}
}
