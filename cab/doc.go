// Package cab reads and writes Microsoft Cabinet (MS-CAB) files in the
// spirit of archive/zip.
//
// Reading: NewReader (or OpenReader) parses one cabinet from an
// io.ReaderAt; Reader.Files lists the members with their names, sizes,
// MS-DOS times and attributes, and File.Open returns their contents.
// Header fields (set id, index, neighbour cabinets, reserve areas) are in
// Reader.Header and Reader.Cabinets. Folders compressed with none, MSZIP
// (history carried across blocks), LZX (package cab/lzx) and Quantum
// (package cab/quantum) are decoded; CFDATA checksums are verified unless
// Reader.SkipChecksums is set. Each folder keeps its decoder as a cursor,
// so members read in offset order are decoded once, and any order gives
// the same bytes.
//
// Sets: OpenSet follows the previous/next cabinet names of a spanned set in
// the same directory (ignoring case); NewSetReader does the same through a
// caller's Opener, and JoinSet merges readers given in order. Folders
// continued across cabinets, including CFDATA blocks split between two
// cabinets, read as one.
//
// Embedded cabinets: Find and FindAll locate cabinets inside other files
// (self-extractors, disk images); NewReaderAt opens one at an offset.
//
// Extraction: ExtractAll writes members below a directory through an
// os.Root, with names made safe by SafePath, via temporary files renamed
// into place, decoding independent folders in parallel; Each is the
// parallel walk it is built on.
//
// Writing: NewWriter/Create/Close produce a cabinet with no compression or
// MSZIP (blocks compressed in parallel, history carried across blocks,
// code tables libmspack accepts, stored blocks when deflate would expand),
// folders per N bytes or per file, reserve areas and UTF-8 names.
//
// Errors: every problem with the cabinet data matches ErrFormat with
// errors.Is, and also a precise kind: ErrSignature, ErrTruncated,
// ErrChecksum, ErrDecompress, ErrUnsupported, ErrIncompleteSet, ErrLimit,
// ErrSetMismatch. Sizes come from untrusted headers and are never used to
// allocate more than the input can hold.
package cab
