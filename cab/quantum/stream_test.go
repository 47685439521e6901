package quantum

import (
	"bytes"
	"io"
	"testing"
)

// TestStreamModeBestEffort documents how NewReader (no block boundaries)
// fares on multi-frame folders: it must never panic, must be right when it
// succeeds on frames that do not start with a zero byte, and is logged.
func TestStreamModeBestEffort(t *testing.T) {
	for name, data := range quantumInputs(t) {
		for _, wb := range []int{10, 15, 21} {
			frames := encodeQuantum(data, wb)
			ambiguous := false
			for _, f := range frames[1:] {
				if len(f) > 0 && f[0] == 0 {
					ambiguous = true
				}
			}
			r, err := NewReader(bytes.NewReader(bytes.Join(frames, nil)), wb, int64(len(data)))
			if err != nil {
				t.Fatal(err)
			}
			got, err := io.ReadAll(r)
			ok := err == nil && bytes.Equal(got, data)
			if !ok && !ambiguous {
				t.Errorf("%s w%d: stream mode failed (%v) without a zero-led frame", name, wb, err)
			}
			t.Logf("%s w%d: %d frames, zero-led frame %v, stream mode correct %v", name, wb, len(frames), ambiguous, ok)
		}
	}
}
