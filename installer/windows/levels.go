package windows

import (
	"fmt"
	"strings"
)

// INSTALLUILEVEL values for MsiSetInternalUI.
const (
	uiLevelNone    uint32 = 2
	uiLevelBasic   uint32 = 3
	uiLevelReduced uint32 = 4
	uiLevelFull    uint32 = 5
)

// UILevel maps ohotfix.ini MsiUILevel (msiexec's /q letter: n none, b
// basic, r reduced, f full) to the INSTALLUILEVEL MsiSetInternalUI takes.
func UILevel(letter string) (uint32, error) {
	switch strings.ToLower(strings.TrimSpace(letter)) {
	case "", "n":
		return uiLevelNone, nil
	case "b":
		return uiLevelBasic, nil
	case "r":
		return uiLevelReduced, nil
	case "f":
		return uiLevelFull, nil
	}
	return 0, fmt.Errorf("MsiUILevel %q: want n, b, r or f", letter)
}

// INSTALLLOGMODE bits: bit n stands for INSTALLMESSAGE type n (the high
// byte of the message type).
const (
	logFatalExit    uint32 = 1 << 0
	logError        uint32 = 1 << 1
	logWarning      uint32 = 1 << 2
	logUser         uint32 = 1 << 3
	logInfo         uint32 = 1 << 4
	logOutOfDisk    uint32 = 1 << 7
	logActionStart  uint32 = 1 << 8
	logActionData   uint32 = 1 << 9
	logPropertyDump uint32 = 1 << 10 // also INSTALLLOGMODE_PROGRESS
	logCommonData   uint32 = 1 << 11
	logVerbose      uint32 = 1 << 12
	logExtraDebug   uint32 = 1 << 13

	// INSTALLLOGATTRIBUTES
	logAppend        uint32 = 1
	logFlushEachLine uint32 = 2
)

// msiexec /L letters → log mode bits (msiexec's own table; '*' is every
// letter but v and x).
var logLetters = map[rune]uint32{
	'i': logInfo, 'w': logWarning, 'e': logError, 'a': logActionStart, 'r': logActionData,
	'u': logUser, 'c': logCommonData, 'm': logFatalExit, 'o': logOutOfDisk, 'p': logPropertyDump,
	'v': logVerbose, 'x': logExtraDebug,
}

// LogMode maps ohotfix.ini MsiLogLevel (msiexec /L letters, e.g. "v" or
// "*v+") to MsiEnableLogW's mode and attributes. OHotfix's default "v" is
// taken as msiexec users mean it (/l*v, the verbose log support asks for):
// verbose implies every other message type, since a verbose log without
// errors and warnings explains nothing.
func LogMode(letters string) (mode, attributes uint32, err error) {
	for _, r := range strings.ToLower(letters) {
		switch r {
		case '*':
			mode |= logInfo | logWarning | logError | logActionStart | logActionData | logUser |
				logCommonData | logFatalExit | logOutOfDisk | logPropertyDump
		case '+':
			attributes |= logAppend
		case '!':
			attributes |= logFlushEachLine
		default:
			bit, ok := logLetters[r]
			if !ok {
				return 0, 0, fmt.Errorf("MsiLogLevel %q: %q is not an msiexec /L letter", letters, r)
			}
			mode |= bit
		}
	}
	if mode&logVerbose != 0 {
		mode |= logInfo | logWarning | logError | logActionStart | logActionData | logUser |
			logCommonData | logFatalExit | logOutOfDisk | logPropertyDump
	}
	if mode == 0 { // "+" or "!" alone: msiexec logs the default set (iwe)
		mode = logInfo | logWarning | logError
	}
	return mode, attributes, nil
}
