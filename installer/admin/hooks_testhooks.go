//go:build ohotfix_testhooks

package admin

// Binaries built with the ohotfix_testhooks tag (end-to-end tests) take the
// fault hooks from the environment (envhooks.go).
func init() { installEnvFaultHook() }
