// Package cfb reads and writes Microsoft Compound File Binary files (MS-CFB),
// the container format of .msi databases, .mst transforms and .msp patches.
//
// The Reader is lazy, in the style of archive/zip: NewReader reads only the
// header, the FAT/DIFAT, the mini FAT and the directory; stream contents are
// read on demand through Stream, which implements io.Reader, io.ReaderAt and
// io.Seeker. Every count and size in the file is checked against the file
// size before it is used, so hostile input yields an error (matching ErrFormat
// or ErrCorrupt with errors.Is) instead of a panic, a hang or a huge allocation.
//
// The writer takes an in-memory tree of Nodes and writes a complete file in
// one pass (Write), or atomically replaces a file on disk (WriteFile).
// Reader.Tree turns an existing file into such a tree whose streams are read
// lazily from the original, so a caller can change a few streams and rewrite
// the rest without loading them.
package cfb
