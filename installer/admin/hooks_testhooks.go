//go:build ohotfix_testhooks

package admin

func init() { crashHook = envCrashHook }
