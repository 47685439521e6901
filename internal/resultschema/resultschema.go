// Package resultschema checks a JSON result document (what --result-json /
// ResultFile= writes) against docs/result.schema.json, plus the few rules
// between members that a JSON Schema cannot say. Tests use it so that every
// result the suite writes is held to the published schema.
package resultschema

import (
	"bytes"
	"encoding/json"
	"fmt"
	"os"
	"sync"
	"time"

	"github.com/santhosh-tekuri/jsonschema/v6"

	"github.com/ohotfix/ohotfix/docs"
	"github.com/ohotfix/ohotfix/exitcode"
)

// schemaURL is the schema's own $id; the compiler is given the embedded file
// under it, so nothing is ever fetched.
const schemaURL = "https://github.com/ohotfix/ohotfix/docs/result.schema.json"

var compiled = sync.OnceValues(func() (*jsonschema.Schema, error) {
	doc, err := jsonschema.UnmarshalJSON(bytes.NewReader(docs.ResultSchema))
	if err != nil {
		return nil, fmt.Errorf("docs/result.schema.json: %w", err)
	}
	c := jsonschema.NewCompiler()
	c.AssertFormat() // "started"/"finished" must be real RFC 3339 times
	if err := c.AddResource(schemaURL, doc); err != nil {
		return nil, err
	}
	return c.Compile(schemaURL)
})

// Schema returns the compiled schema (an error only if the embedded file is
// broken, which the package's own tests rule out).
func Schema() (*jsonschema.Schema, error) { return compiled() }

// Validate checks one result document: the JSON Schema first, then the
// rules between members that the schema cannot express (posix_status is the
// low byte of exit_code, exit_name is exit_code's name, finished is not
// before started).
func Validate(data []byte) error {
	sch, err := compiled()
	if err != nil {
		return err
	}
	inst, err := jsonschema.UnmarshalJSON(bytes.NewReader(data))
	if err != nil {
		return fmt.Errorf("result is not JSON: %w", err)
	}
	if err := sch.Validate(inst); err != nil {
		return fmt.Errorf("result does not match docs/result.schema.json: %w", err)
	}
	return consistent(data)
}

// ValidateFile reads path and validates it.
func ValidateFile(path string) error {
	data, err := os.ReadFile(path)
	if err != nil {
		return err
	}
	if err := Validate(data); err != nil {
		return fmt.Errorf("%s: %w", path, err)
	}
	return nil
}

// TB is the part of testing.TB that Require uses (so that this package does
// not import testing).
type TB interface {
	Helper()
	Fatalf(format string, args ...any)
}

// Require fails the test unless path holds a valid result document.
func Require(t TB, path string) {
	t.Helper()
	if err := ValidateFile(path); err != nil {
		t.Fatalf("result JSON: %v", err)
	}
}

// consistent checks the rules between members; the schema has already
// vouched for the types.
func consistent(data []byte) error {
	var r struct {
		ExitCode int64     `json:"exit_code"`
		ExitName string    `json:"exit_name"`
		Status   int       `json:"posix_status"`
		Started  time.Time `json:"started"`
		Finished time.Time `json:"finished"`
	}
	if err := json.Unmarshal(data, &r); err != nil {
		return err
	}
	if want := int(r.ExitCode & 0xff); r.Status != want {
		return fmt.Errorf("posix_status %d is not the low byte of exit_code %d (%d)", r.Status, r.ExitCode, want)
	}
	if want := exitcode.Code(r.ExitCode).Name(); r.ExitName != want {
		return fmt.Errorf("exit_name %q does not name exit_code %d (%s)", r.ExitName, r.ExitCode, want)
	}
	if r.Finished.Before(r.Started) {
		return fmt.Errorf("finished %s is before started %s", r.Finished.Format(time.RFC3339Nano), r.Started.Format(time.RFC3339Nano))
	}
	return nil
}
