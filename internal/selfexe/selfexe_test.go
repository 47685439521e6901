package selfexe

import (
	"os"
	"testing"
)

// Path answers what os.Executable answers, and keeps answering it.
func TestPathIsTheExecutable(t *testing.T) {
	want, err := os.Executable()
	if err != nil {
		t.Skipf("os.Executable: %v", err)
	}
	for i := 0; i < 2; i++ {
		got, err := Path()
		if err != nil || got != want {
			t.Fatalf("call %d: Path() = %q, %v; os.Executable() = %q", i+1, got, err, want)
		}
	}
}
