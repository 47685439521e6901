// Package delta reads and writes PA19 binary deltas, the format of
// Windows' mspatcha.dll (ApplyPatchToFile) that Windows Installer patches
// carry in their Patch table: a header naming one or more old files (size
// and CRC, with ranges to ignore or to carry over unchanged) and, for each,
// an LZX DELTA stream ([MS-PATCH]) that rebuilds the new file with the old
// file as its reference window.
//
// Reading: ReadHeader parses the header (all the MSI Patch.Header column
// holds); Open checks a whole delta and Apply rebuilds the new file from an
// old one, streaming, in memory bounded by the LZX window (old file plus
// new file, at most 32 MiB of window) plus small buffers. Writing: Create
// makes a delta of one old file and a new file with this module's LZXD
// encoder (cab/lzx), never with i386 PE normalisation entries.
//
// Behaviour follows Windows (checked with Microsoft-made vectors and with
// mspatcha under Wine): the old file used is the first whose size and CRC
// match (CRC with its retain ranges, and when a stream exists its ignore
// ranges, counted as zeros); the new file's CRC counts its retain ranges as
// zeros; the whole delta's CRC-32 is 0xFFFFFFFF. What is refused and why is
// in errors.go.
package delta
