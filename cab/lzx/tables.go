package lzx

// Format constants of CAB LZX and of LZX DELTA ([MS-PATCH]).
const (
	minWindowBits      = 15
	maxWindowBits      = 21 // CAB
	minDeltaWindowBits = 17 // LZXD: 128 KiB ..
	maxDeltaWindowBits = 25 // .. 32 MiB (LZX_LARGE)
	frameSize          = 32768
	numChars           = 256
	minMatch           = 2
	maxMatch           = 257 // in LZXD, followed by an extra-length escape
	numPrimaryLen      = 7   // length header values in the main symbol; 7 means "read the length tree"
	numLenSyms         = 249 // length tree symbols
	numAlignSyms       = 8
	numPreSyms         = 20
	maxPosSlots        = 290 // a 32 MiB LZXD window; CAB uses at most 50
	maxMainSyms        = numChars + maxPosSlots*8
	lensSlack          = 64 // pretree runs may write past the last symbol (as in libmspack)
	e8MaxFrames        = 32768

	blockVerbatim     = 1
	blockAligned      = 2
	blockUncompressed = 3

	// First-level table widths.
	mainTableBits  = 11
	lenTableBits   = 10
	alignTableBits = 7
	preTableBits   = 7
)

// posSlots is the number of position slots for window bits 15..25 (the
// Cabinet SDK's values for 20 and 21 are wrong; these are the real ones;
// 22..25 exist only in LZXD, where from slot 38 on every slot spans 2^17).
var posSlots = [maxDeltaWindowBits + 1]int{15: 30, 16: 32, 17: 34, 18: 36, 19: 38, 20: 42, 21: 50,
	22: 66, 23: 98, 24: 162, 25: 290}

// extraBits and positionBase describe the match offset of each position
// slot: extra bits 0,0,0,0,1,1,2,2,...,16,16,17,17,17...; each base is the
// previous base plus the previous slot's span.
var extraBits, positionBase = func() (e [maxPosSlots]uint8, b [maxPosSlots]uint32) {
	for i := 4; i < maxPosSlots; i++ {
		e[i] = uint8(min((i-2)/2, 17))
	}
	for i := 1; i < maxPosSlots; i++ {
		b[i] = b[i-1] + 1<<e[i-1]
	}
	return
}()
