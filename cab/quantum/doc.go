// Package quantum decodes the Quantum compression method of Microsoft
// Cabinet (MS-CAB) folders (typeCompress low nibble 2, levels 1..7,
// window 2^10..2^21).
//
// Contract with the cab package — Quantum NEEDS the CFDATA block boundaries:
//
// Each CFDATA block holds one 32 KiB output frame, but the Quantum coder pads
// the end of a block with 0..4 bytes that cannot be told apart from the start
// of the next frame without knowing where the block ends (libmspack injects a
// 0xFF trailer after every block for this reason). So:
//
//   - NewBlockReader(src Blocks, windowBits, size) is the exact constructor:
//     src returns one (spliced) CFDATA payload per call, io.EOF after the
//     last one. The cab package uses it.
//   - NewReader(src io.Reader, windowBits, size) accepts the concatenated
//     payloads like the other methods; it finds frame ends by skipping up to
//     4 zero padding bytes, which is exact for a single-block folder but only
//     best-effort for longer ones (a frame whose coded data begins with a zero
//     byte is misdecoded; the output is then wrong or an error is returned).
//
// windowBits is (typeCompress>>8)&0x1F and must be 10..21; the level
// (bits 4-7) does not affect decoding. size is the folder's total
// uncompressed size. The returned reader yields exactly size bytes or an
// error wrapping ErrCorrupt (errors.Is); input that ends too early also
// wraps io.ErrUnexpectedEOF; errors from src are returned wrapped; bad
// parameters give ErrParam. Memory use: the window (at most 2 MiB, less for
// small folders) plus one frame; time is linear in the output.
//
// No official specification exists; the format is documented by the
// libmspack sources (after Matthew Russotto's reverse engineering), which
// were read, not copied. Output is checked against cabextract.
package quantum
