package admin

// The package's test binary is also the crash/fault worker of its
// multi-process tests: it takes the hooks from the environment, as binaries
// built with the ohotfix_testhooks tag do.
func init() { installEnvFaultHook() }
