package resultschema_test

import (
	"encoding/json"
	"errors"
	"os"
	"path/filepath"
	"reflect"
	"sort"
	"strings"
	"testing"
	"time"

	"github.com/ohotfix/ohotfix/bootstrap"
	"github.com/ohotfix/ohotfix/docs"
	"github.com/ohotfix/ohotfix/exitcode"
	"github.com/ohotfix/ohotfix/installer"
	"github.com/ohotfix/ohotfix/internal/resultschema"
)

// schemaDoc is docs/result.schema.json as plain JSON.
func schemaDoc(t *testing.T) map[string]any {
	t.Helper()
	var m map[string]any
	if err := json.Unmarshal(docs.ResultSchema, &m); err != nil {
		t.Fatal(err)
	}
	return m
}

func TestSchemaCompiles(t *testing.T) {
	if _, err := resultschema.Schema(); err != nil {
		t.Fatal(err)
	}
}

// The schema's "schema" const is the number bootstrap writes: bumping one
// without the other fails here.
func TestSchemaNumberMatchesBootstrap(t *testing.T) {
	props := schemaDoc(t)["properties"].(map[string]any)
	if got := props["schema"].(map[string]any)["const"]; got != float64(bootstrap.ResultSchema) {
		t.Fatalf("schema const %v, bootstrap.ResultSchema %d", got, bootstrap.ResultSchema)
	}
}

// jsonNames lists the JSON member names of a struct type.
func jsonNames(typ reflect.Type) []string {
	var out []string
	for i := 0; i < typ.NumField(); i++ {
		name, _, _ := strings.Cut(typ.Field(i).Tag.Get("json"), ",")
		if name != "" && name != "-" {
			out = append(out, name)
		}
	}
	sort.Strings(out)
	return out
}

func keys(m map[string]any) []string {
	var out []string
	for k := range m {
		out = append(out, k)
	}
	sort.Strings(out)
	return out
}

// Every member the Go types write is in the schema and every member of the
// schema is written by the Go types, except the ones announced for other
// work (rerun_dir, watson) until they land: a field added to bootstrap.Result
// without the schema (or the other way round) fails here.
func TestSchemaListsEveryGoMember(t *testing.T) {
	defs := schemaDoc(t)["$defs"].(map[string]any)
	announced := map[string]bool{"rerun_dir": true, "watson": true}
	cases := []struct {
		what   string
		typ    reflect.Type
		schema map[string]any
	}{
		{"result", reflect.TypeFor[bootstrap.Result](), schemaDoc(t)},
		{"check", reflect.TypeFor[bootstrap.CheckVerdict](), defs["check"].(map[string]any)},
		{"patch", reflect.TypeFor[bootstrap.PatchResult](), defs["patch"].(map[string]any)},
		{"target", reflect.TypeFor[bootstrap.TargetResult](), defs["target"].(map[string]any)},
	}
	for _, c := range cases {
		goNames := jsonNames(c.typ)
		var schemaNames []string
		for _, n := range keys(c.schema["properties"].(map[string]any)) {
			if !announced[n] || contains(goNames, n) {
				schemaNames = append(schemaNames, n)
			}
		}
		if !reflect.DeepEqual(goNames, schemaNames) {
			t.Errorf("%s: Go writes %v, the schema lists %v", c.what, goNames, schemaNames)
		}
		if c.schema["additionalProperties"] != false {
			t.Errorf("%s: the schema allows unknown members", c.what)
		}
	}
}

func contains(list []string, s string) bool {
	for _, x := range list {
		if x == s {
			return true
		}
	}
	return false
}

// A result written by bootstrap itself (the early-failure path, through
// Result.WriteFile) validates.
func TestBootstrapWrittenResultValidates(t *testing.T) {
	path := filepath.Join(t.TempDir(), "r.json")
	res := bootstrap.NewFailedResult("unknown", bootstrap.NopLogs(), exitcode.New(exitcode.InvalidCommandLine, "bad switch /x"))
	if err := res.WriteFile(path); err != nil {
		t.Fatal(err)
	}
	if err := resultschema.ValidateFile(path); err != nil {
		t.Fatal(err)
	}
}

// good is a complete, valid document with every kind of member filled in.
func good() map[string]any {
	code := 0
	r := bootstrap.Result{Schema: bootstrap.ResultSchema, Version: "1.2.3", Mode: "admin",
		Started: time.Date(2026, 1, 2, 3, 4, 5, 0, time.UTC), Finished: time.Date(2026, 1, 2, 3, 4, 6, 0, time.UTC),
		Checks: []bootstrap.CheckVerdict{
			{Name: "MinMsiVersion", Status: "passed", Passed: true, Reason: "ok"},
			{Name: "TargetType", Status: "warning", Passed: true, Reason: "hm", Link: "https://example.invalid/"},
			{Name: "FeatureToCheck", Status: "skipped", Passed: true},
		},
		Patches: []bootstrap.PatchResult{
			{File: "/u/a.msp", PatchCode: "{B5C5DB67-8371-40A3-AC51-6025D6E156AB}", Targets: []string{"{5E1F0C3A-7D2B-4C11-9A0E-0DE0DE000001}"},
				Decision: installer.Apply, Reason: "targets it", PerTarget: []bootstrap.TargetResult{
					{Product: "{5E1F0C3A-7D2B-4C11-9A0E-0DE0DE000001}", Decision: installer.Apply, ExitCode: &code, Message: "2 files replaced"}}},
			{File: "/u/b.msp", Targets: []string{}, Decision: installer.Skip, Reason: "already applied",
				PerTarget: []bootstrap.TargetResult{{Decision: installer.Skip, Reason: "already applied"}}},
		},
		ExitCode: 0, ExitName: "ERROR_SUCCESS", Status: 0}
	r.Logs.Main, r.Logs.Msi = "/tmp/OHotfix/OHotfix(00001).log", "/tmp/OHotfix/OHotfix(00001)_Msi.log"
	data, err := json.Marshal(r)
	if err != nil {
		panic(err)
	}
	var m map[string]any
	json.Unmarshal(data, &m)
	return m
}

func failing(m map[string]any, code exitcode.Code, reason string) map[string]any {
	m["exit_code"], m["exit_name"], m["posix_status"], m["reason"] = float64(code), code.Name(), float64(code.Status()), reason
	return m
}

func at(m map[string]any, path ...any) map[string]any {
	var cur any = m
	for _, p := range path {
		switch k := p.(type) {
		case string:
			cur = cur.(map[string]any)[k]
		case int:
			cur = cur.([]any)[k]
		}
	}
	return cur.(map[string]any)
}

func TestValidateAcceptsAndRejects(t *testing.T) {
	ok := []struct {
		name string
		edit func(m map[string]any)
	}{
		{"as written", func(map[string]any) {}},
		{"reboot required", func(m map[string]any) {
			failing(m, exitcode.RebootRequired, "")
			delete(m, "reason")
			m["reboot_needed"] = true
		}},
		{"reboot initiated", func(m map[string]any) {
			failing(m, exitcode.RebootInitiated, "")
			m["reboot_needed"], m["reboot_initiated"] = true, true
		}},
		{"refused patch", func(m map[string]any) {
			failing(m, exitcode.PatchInvalid, "a.msp: broken")
			p := at(m, "patches", 0)
			p["decision"] = "refuse"
			delete(p, "patch_code")
			at(m, "patches", 0, "per_target", 0)["decision"] = "refuse"
			at(m, "patches", 0, "per_target", 0)["exit_code"] = float64(1636)
		}},
		{"failed check", func(m map[string]any) {
			failing(m, exitcode.PatchTargetNotFound, "MinProductVersion: too old")
			c := at(m, "checks", 0)
			c["status"], c["passed"], c["code"] = "failed", false, float64(1642)
		}},
		{"early failure", func(m map[string]any) {
			failing(m, exitcode.InvalidCommandLine, "bad ini")
			m["mode"], m["checks"], m["patches"], m["logs"] = "unknown", []any{}, []any{}, map[string]any{}
		}},
		{"rerun_dir and watson", func(m map[string]any) {
			m["rerun_dir"], m["watson"] = "/var/lib/ohotfix/rerun/contoso-fix", map[string]any{"cab": "x.cab"}
		}},
		{"a code outside the table", func(m map[string]any) { failing(m, exitcode.Code(5), "child said 5") }},
	}
	for _, c := range ok {
		m := good()
		c.edit(m)
		data, _ := json.Marshal(m)
		if err := resultschema.Validate(data); err != nil {
			t.Errorf("%s: %v", c.name, err)
		}
	}
	bad := []struct {
		name, want string
		edit       func(m map[string]any)
	}{
		{"unknown member", "additional", func(m map[string]any) { m["exitcode"] = 0 }},
		{"unknown target member", "additional", func(m map[string]any) { at(m, "patches", 0, "per_target", 0)["code"] = 0 }},
		{"unknown logs member", "additional", func(m map[string]any) { at(m, "logs")["watson"] = "x" }},
		{"schema 2", "schema", func(m map[string]any) { m["schema"] = 2 }},
		{"mode", "mode", func(m map[string]any) { m["mode"] = "Admin" }},
		{"decision", "decision", func(m map[string]any) { at(m, "patches", 0)["decision"] = "applied" }},
		{"target decision", "decision", func(m map[string]any) { at(m, "patches", 0, "per_target", 0)["decision"] = "ok" }},
		{"check status", "status", func(m map[string]any) { at(m, "checks", 0)["status"] = "ok" }},
		{"failed check that passed", "passed", func(m map[string]any) {
			failing(m, exitcode.PatchTargetNotFound, "x")
			c := at(m, "checks", 0)
			c["status"], c["code"] = "failed", float64(1642)
		}},
		{"failed check without code", "code", func(m map[string]any) {
			failing(m, exitcode.PatchTargetNotFound, "x")
			c := at(m, "checks", 0)
			c["status"], c["passed"] = "failed", false
		}},
		{"refusal without code", "exit_code", func(m map[string]any) {
			at(m, "patches", 0, "per_target", 0)["decision"] = "refuse"
			delete(at(m, "patches", 0, "per_target", 0), "exit_code")
		}},
		{"skip with a code", "exit_code", func(m map[string]any) { at(m, "patches", 1, "per_target", 0)["exit_code"] = 0 }},
		{"missing member", "reboot_needed", func(m map[string]any) { delete(m, "reboot_needed") }},
		{"missing per_target", "per_target", func(m map[string]any) { delete(at(m, "patches", 0), "per_target") }},
		{"time", "started", func(m map[string]any) { m["started"] = "yesterday" }},
		{"posix status out of range", "posix_status", func(m map[string]any) { m["posix_status"] = 256 }},
		{"posix status not the low byte", "low byte", func(m map[string]any) { m["posix_status"] = 1 }},
		{"exit name of another code", "exit_name", func(m map[string]any) { m["exit_name"] = "ERROR_INSTALL_FAILURE" }},
		{"exit name pattern", "exit_name", func(m map[string]any) { m["exit_name"] = "success" }},
		{"finished before started", "before", func(m map[string]any) { m["finished"] = "2026-01-01T00:00:00Z" }},
		{"failure without reason", "reason", func(m map[string]any) { failing(m, exitcode.Fatal, ""); delete(m, "reason") }},
		{"1641 not initiated", "reboot_initiated", func(m map[string]any) { failing(m, exitcode.RebootInitiated, "") }},
		{"initiated without 1641", "reboot_initiated", func(m map[string]any) { m["reboot_initiated"] = true }},
		{"3010 without reboot_needed", "reboot_needed", func(m map[string]any) { failing(m, exitcode.RebootRequired, "") }},
		{"patch code not in braces", "patch_code", func(m map[string]any) { at(m, "patches", 0)["patch_code"] = "B5C5DB67" }},
		{"code as text", "exit_code", func(m map[string]any) { m["exit_code"] = "0" }},
	}
	for _, c := range bad {
		m := good()
		c.edit(m)
		data, _ := json.Marshal(m)
		err := resultschema.Validate(data)
		if err == nil {
			t.Errorf("%s: accepted", c.name)
			continue
		}
		if !strings.Contains(err.Error(), c.want) {
			t.Errorf("%s: error does not mention %q:\n%v", c.name, c.want, err)
		}
	}
	if err := resultschema.Validate([]byte("{")); err == nil {
		t.Error("broken JSON accepted")
	}
}

func TestValidateFileNamesThePath(t *testing.T) {
	path := filepath.Join(t.TempDir(), "r.json")
	os.WriteFile(path, []byte(`{"schema": 1}`), 0o644)
	err := resultschema.ValidateFile(path)
	if err == nil || !strings.Contains(err.Error(), path) {
		t.Fatalf("got %v", err)
	}
	if err := resultschema.ValidateFile(filepath.Join(t.TempDir(), "missing.json")); !errors.Is(err, os.ErrNotExist) {
		t.Fatalf("missing file: %v", err)
	}
}

type fakeT struct{ failed string }

func (*fakeT) Helper()                             {}
func (f *fakeT) Fatalf(format string, args ...any) { f.failed = format }

func TestRequire(t *testing.T) {
	path := filepath.Join(t.TempDir(), "r.json")
	data, _ := json.Marshal(good())
	os.WriteFile(path, data, 0o644)
	var ft fakeT
	resultschema.Require(&ft, path)
	if ft.failed != "" {
		t.Fatal("valid document refused")
	}
	os.WriteFile(path, []byte(`{}`), 0o644)
	resultschema.Require(&ft, path)
	if ft.failed == "" {
		t.Fatal("invalid document accepted")
	}
}
