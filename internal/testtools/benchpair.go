package testtools

import (
	"os"
	"testing"
)

// BenchPair returns the old and new files named by OHOTFIX_BENCH_OLD and
// OHOTFIX_BENCH_NEW (bench/delta.sh sets them for the delta benchmarks);
// ok is false when either is unset, and the benchmark uses its own pair.
// A file that cannot be read fails tb.
func BenchPair(tb testing.TB) (old, nw []byte, ok bool) {
	tb.Helper()
	o, n := os.Getenv("OHOTFIX_BENCH_OLD"), os.Getenv("OHOTFIX_BENCH_NEW")
	if o == "" || n == "" {
		return nil, nil, false
	}
	old, err1 := os.ReadFile(o)
	nw, err2 := os.ReadFile(n)
	if err1 != nil || err2 != nil {
		tb.Fatal(err1, err2)
	}
	return old, nw, true
}
