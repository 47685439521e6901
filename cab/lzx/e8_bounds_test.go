package lzx

import (
	"encoding/binary"
	"testing"
)

// TestTranslateE8Bounds pins every bound of the E8 translation at its exact
// edge, so that turning any comparison of translateE8 into its neighbour
// (>= into >, < into <=) fails: a value equal to -cur is translated (to
// value+size) and one below it is not; 0 is the first value translated as
// absolute (to -cur); size-1 is translated and size is not; an E8 at the
// 11th byte from the frame end is translated and one at the 10th is not.
func TestTranslateE8Bounds(t *testing.T) {
	const size = 5000
	const produced = 300
	type call struct {
		at   int   // offset of the E8 byte in the frame
		abs  int32 // value after it
		want int32 // value after translation
	}
	frameLen := 200
	cases := []call{
		{0, -produced, -produced + size},                    // abs == -cur: translated (abs+size)
		{5, -(produced + 5) - 1, -(produced + 5) - 1},       // abs == -cur-1: left alone
		{10, 0, -(produced + 10)},                           // abs == 0: absolute -> relative
		{15, -1, -1 + size},                                 // abs == -1: negative branch
		{20, size - 1, size - 1 - (produced + 20)},          // abs == size-1: translated
		{25, size, size},                                    // abs == size: left alone
		{frameLen - 11, 7, 7 - int32(produced+frameLen-11)}, // last translated position
		{frameLen - 10 + 4, 7, 7},                           // inside the last 10 bytes: left alone
	}
	frame := make([]byte, frameLen)
	for _, c := range cases {
		frame[c.at] = 0xE8
		binary.LittleEndian.PutUint32(frame[c.at+1:], uint32(c.abs))
	}
	d := &decoder{e8Size: size, produced: produced}
	got := d.translateE8(frame)
	for _, c := range cases {
		if v := int32(binary.LittleEndian.Uint32(got[c.at+1:])); v != c.want {
			t.Errorf("E8 at %d (cur %d) with %d: got %d, want %d", c.at, produced+c.at, c.abs, v, c.want)
		}
	}
	// An E8 exactly 10 bytes before the end is the first one left alone.
	for _, at := range []int{53, 54} {
		frame = make([]byte, 64)
		frame[at], frame[at+1] = 0xE8, 1
		want := int32(1)
		if at == 53 {
			want = 1 - int32(produced+at)
		}
		if v := int32(binary.LittleEndian.Uint32(d.translateE8(frame)[at+1:])); v != want {
			t.Errorf("E8 at %d of a 64-byte frame: got %d, want %d", at, v, want)
		}
	}
}
