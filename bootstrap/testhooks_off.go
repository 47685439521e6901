//go:build !ohotfix_testhooks

package bootstrap

// traceApply is a test hook; production builds (without the
// ohotfix_testhooks build tag) compile it to nothing.
func traceApply(string) {}
