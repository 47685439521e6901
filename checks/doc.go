// Package checks holds ohotfix's pre-flight checks: the rules of ohotfix.ini
// (MinMsiVersion, MinProductVersion, FeatureToCheck, RequireAll…) and the
// machine conditions (free space, pending reboot) that decide whether a run
// may change anything.
//
// Every check is a small value configured from ini parameters. It judges plain
// facts (Facts) that the pipeline gathers beforehand; a check never opens a
// package, reads the registry or talks to an installer backend itself. That
// keeps each rule a pure function of its inputs: table-testable, and the same
// verdict whether it is shown in the log, on the console, by `ohotfix check`
// or in the JSON result.
//
// The two measuring helpers the pipeline needs to build Facts live here too,
// in per-OS files: FreeSpace/MeasureVolume and ProbePendingReboot.
package checks
