//go:build !windows

package main

// Message boxes exist only on Windows; elsewhere a run always talks in text.
func ownsConsoleAlone() bool { return false }

func messageBox(title, text string, kind boxKind) (yes, shown bool) { return false, false }
