// Package selfexe remembers the running program's path.
//
// os.Executable asks the system each time; on Windows that is
// GetModuleFileNameW, which waits for the loader lock. ohotfix loads msi.dll
// in the background at start-up (its initialisation holds the loader lock
// for ~100 ms under Wine), so asking once, before that load starts, lets the
// main path read its payload, ohotfix.ini and patches meanwhile.
package selfexe

import (
	"os"
	"sync"
)

var path = sync.OnceValues(os.Executable)

// Path is os.Executable's answer, asked once per process.
func Path() (string, error) { return path() }
