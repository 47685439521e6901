// Package lzx decodes the LZX compression method of Microsoft Cabinet
// (MS-CAB) folders (typeCompress low nibble 3, window 2^15..2^21), and with
// the same decoder core LZX DELTA (LZXD, [MS-PATCH]), the stream of PA19
// binary deltas: NewDeltaReader decodes with reference data (the old file)
// before the output and windows up to 2^25; EncodeDelta writes such
// streams (delta.go and encode*.go say how LZXD differs).
//
// Contract with the cab package:
//
//   - src yields one folder's CFDATA payloads (the ab[] bytes, without the
//     CFDATA headers or reserves) concatenated in order. The caller verifies
//     checksums and splices CFDATA blocks split across spanned cabinets.
//     LZX does NOT need the block boundaries: every CFDATA block holds exactly
//     one 32 KiB output frame and the bitstream realigns itself at frame ends.
//     The decoder reads src in chunks of up to 64 KiB, so src should hold
//     only this folder's data.
//   - windowBits is (typeCompress>>8)&0x1F and must be 15..21.
//   - size is the folder's total uncompressed size (the sum of cbUncomp);
//     the decoder needs it because the last frame may be short.
//
// The returned reader (which also implements io.WriterTo) yields exactly
// size bytes or an error. Malformed input ends in an error wrapping
// ErrCorrupt (errors.Is); input that ends too early also wraps
// io.ErrUnexpectedEOF. Read errors from src are returned wrapped (not as
// ErrCorrupt). Bad parameters give ErrParam. Memory use is the window (at
// most 2 MiB, less for folders smaller than the window) plus about 100 KiB
// of buffers and tables; time is linear in the input and output.
//
// Behaviour on the corner cases the Cabinet SDK's LZX document leaves open
// or gets wrong follows libmspack (and is checked against cabextract): the
// position-slot counts for 2^20 and 2^21 windows, tree lengths carried
// across blocks as deltas, an entirely empty length tree, the 1-16 bit
// alignment before an uncompressed block and its pad byte, E8 translation
// only in the first 32768 frames and not in a frame's last 10 bytes, and
// matches that may not cross a frame end or reach before the first byte.
package lzx
