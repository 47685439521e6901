// Package docs carries the machine-readable documents of the repository, so
// that Go code (the result validator, tests) uses the very files users read.
package docs

import _ "embed"

// ResultSchema is result.schema.json: the JSON Schema of the result document
// that --result-json / ResultFile= writes (bootstrap.Result).
//
//go:embed result.schema.json
var ResultSchema []byte
