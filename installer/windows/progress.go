package windows

import (
	"strconv"
	"strings"
)

// Message types the external UI handler receives (INSTALLMESSAGE_*, the
// high byte of iMessageType).
const (
	msgActionStart uint32 = 0x08000000
	msgProgress    uint32 = 0x0A000000
	msgTypeMask    uint32 = 0xFF000000
)

// Progress is where an installation stands, as the progress messages of
// Windows Installer tell it.
type Progress struct {
	Done, Total int64  // ticks
	Action      string // the action running now (ActionStart message)
}

// Percent is Done/Total in percent, 0..100.
func (p Progress) Percent() int {
	if p.Total <= 0 {
		return 0
	}
	return int(min(max(p.Done*100/p.Total, 0), 100))
}

// progressTracker follows INSTALLMESSAGE_PROGRESS records ("1: a 2: b 3: c
// 4: d"): field 1 = 0 resets the bar (2: total ticks, 3: 1 = runs
// backwards, i.e. rollback), 1 sets how far each ActionData moves it (2:
// ticks, 3: 1 = do move), 2 moves it (2: ticks), 3 adds to the total.
type progressTracker struct {
	p          Progress
	backwards  bool
	perAction  int64
	moveOnData bool
}

// feed takes one message and reports whether the progress changed.
func (t *progressTracker) feed(kind uint32, text string) bool {
	switch kind & msgTypeMask {
	case msgActionStart:
		t.p.Action = actionName(text)
		return true
	case msgProgress:
	default:
		return false
	}
	f := progressFields(text)
	switch f[1] {
	case 0:
		t.p.Total, t.p.Done, t.backwards = f[2], 0, f[3] == 1
		if t.backwards {
			t.p.Done = t.p.Total
		}
	case 1:
		t.perAction, t.moveOnData = f[2], f[3] == 1
		return false
	case 2:
		t.move(f[2])
	case 3:
		t.p.Total += f[2]
	default:
		return false
	}
	return true
}

func (t *progressTracker) move(n int64) {
	if t.backwards {
		n = -n
	}
	t.p.Done = min(max(t.p.Done+n, 0), max(t.p.Total, 0))
}

// progressFields parses "1: 0 2: 1024 3: 0 4: 1" into fields 1..4
// (missing fields are 0).
func progressFields(s string) [5]int64 {
	var f [5]int64
	parts := strings.Fields(s)
	for i := 0; i+1 < len(parts); i += 2 {
		k, err := strconv.Atoi(strings.TrimSuffix(parts[i], ":"))
		if err != nil || k < 1 || k > 4 {
			continue
		}
		f[k], _ = strconv.ParseInt(parts[i+1], 10, 64)
	}
	return f
}

// actionName takes "Action 12:00:01: InstallFiles. Copying new files" and
// returns "InstallFiles".
func actionName(s string) string {
	if i := strings.Index(s, ": "); i >= 0 && strings.HasPrefix(s, "Action ") {
		s = s[i+2:]
	}
	if i := strings.IndexByte(s, '.'); i >= 0 {
		s = s[:i]
	}
	return strings.TrimSpace(s)
}
