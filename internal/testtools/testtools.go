// Package testtools finds the external programs the tests run (peer tools we
// check our formats against) and holds the rule every such test follows: a
// missing program skips the test with a message naming it and its Debian
// package, except under CI=true, where it fails (CI installs every package
// with scripts/deps.sh, so a skip there would hide a check).
//
// The programs and their packages are listed once, in
// scripts/test-commands.tsv, which scripts/deps.sh installs from; this
// package's tests keep that table and the test sources in step. It is for
// tests only.
package testtools

import (
	"fmt"
	"os"
	"testing"
)

// InCI reports whether the tests run in CI (the environment variable CI is
// "true"), where every tool and the shared corpus must be present.
func InCI() bool { return os.Getenv("CI") == "true" }

// SkipOrFail skips the test with the message, or fails it under CI=true.
func SkipOrFail(tb testing.TB, format string, args ...any) {
	tb.Helper()
	msg := fmt.Sprintf(format, args...)
	if InCI() {
		tb.Fatalf("%s (CI=true, so this is a failure, not a skip)", msg)
	}
	tb.Skip(msg)
}

// LookPath returns the path of the external command, which must be listed in
// scripts/test-commands.tsv (the test fails otherwise, so the table cannot
// miss a command a test runs). When the command is not installed the test
// is skipped with a message naming the command and its Debian package, or
// fails under CI=true.
func LookPath(tb testing.TB, command string) string {
	tb.Helper()
	c, err := lookup(command)
	if err != nil {
		tb.Fatal(err)
	}
	path, err := c.Find()
	if err != nil {
		SkipOrFail(tb, "%v", err)
	}
	return path
}

// SevenZip returns the path of 7-Zip's command-line program: 7zz (what
// Debian 12's package 7zip installs) or else 7z (p7zip-full, or a later
// 7zip). Both take the same commands and switches. Skips, or fails under
// CI=true, when neither is installed.
func SevenZip(tb testing.TB) string {
	tb.Helper()
	return LookPath(tb, "7zz")
}

// Large skips a test that takes seconds and much memory or disk unless the
// environment variable env is "1" or the tests run in CI (CI=true runs
// them: each is cheap enough there, and a skip would hide the check). what
// says what the test does.
func Large(tb testing.TB, env, what string) {
	tb.Helper()
	if os.Getenv(env) != "1" && !InCI() {
		tb.Skipf("set %s=1 (or CI=true) to %s", env, what)
	}
}
