// Package lzx decodes the LZX compression method of Microsoft Cabinet
// (MS-CAB) folders (typeCompress low nibble 3, window 2^15..2^21).
//
// Contract with the cab package:
//
//   - src yields one folder's CFDATA payloads (the ab[] bytes, without the
//     CFDATA headers or reserves) concatenated in order. The caller verifies
//     checksums and splices CFDATA blocks split across spanned cabinets.
//     LZX does NOT need the block boundaries: every CFDATA block holds exactly
//     one 32 KiB output frame and the bitstream realigns itself at frame ends.
//   - windowBits is (typeCompress>>8)&0x1F and must be 15..21.
//   - size is the folder's total uncompressed size (the sum of cbUncomp);
//     the decoder needs it because the last frame may be short.
//
// The returned reader yields exactly size bytes or an error. Malformed input
// ends in an error wrapping ErrCorrupt (errors.Is); a truncated input also
// wraps io.ErrUnexpectedEOF. Read errors from src are returned wrapped.
// Memory use is the window (at most 2 MiB) plus small tables, and the reader
// never reads more than a few bytes past the compressed data it needs.
//
// The decoder is written from the format description (Cabinet SDK LZX
// document and its known errata); it follows libmspack's behaviour on the
// corner cases the SDK leaves open (E8 translation limits, empty length
// tree, uncompressed-block alignment).
package lzx
