package cab

import (
	"io"
	"sort"
	"sync"
	"unicode/utf8"

	"github.com/ohotfix/ohotfix/internal/safeopen"
)

// Cabinet is one cabinet file: its header and where its bytes are.
type Cabinet struct {
	Header
	// Offset is where the cabinet starts inside its ReaderAt (non-zero for
	// cabinets embedded in another file).
	Offset int64
	// Name is the file name the cabinet was opened under, if known.
	Name string

	r       io.ReaderAt // positioned so that 0 is the cabinet's "M"
	size    int64       // bytes available from 0
	folders []*rawFolder
	files   []*rawFile
}

// rawFolder is a CFFOLDER as stored in one cabinet.
type rawFolder struct {
	dataOffset uint32 // coffCabStart
	numBlocks  uint16 // cCFData in this cabinet
	compType   uint16
	reserve    []byte
}

// rawFile is a CFFILE as stored in one cabinet.
type rawFile struct {
	FileHeader
	offset  uint32 // uoffFolderStart
	iFolder uint16
}

// Reader gives access to the members of one cabinet or of a whole set of
// spanned cabinets (see OpenSet). It is safe for concurrent use: several
// files may be open at once.
type Reader struct {
	// Header is the first cabinet's header.
	Header Header
	// Cabinets lists the cabinets, in set order (one for a lone cabinet).
	Cabinets []*Cabinet
	// Folders are the logical folders: a folder continued across cabinets
	// appears once.
	Folders []*Folder
	// Files are the members, in cabinet order, without the duplicates that
	// spanned cabinets repeat.
	Files []*File
	// SkipChecksums disables CFDATA checksum verification (it is on by
	// default; a stored checksum of 0 always means "none").
	SkipChecksums bool

	closers []io.Closer
	first   *Cabinet // the cabinet a set was opened from
}

// File is one member of a cabinet.
type File struct {
	FileHeader
	// Offset is the member's position in its folder's uncompressed data.
	Offset int64
	// FolderIndex is the raw iFolder value of the CFFILE (0xFFFD..0xFFFF mark
	// files continued across cabinets).
	FolderIndex uint16
	// Folder is the logical folder holding the data; nil when the data
	// starts in a cabinet that is not part of this Reader.
	Folder *Folder

	reader *Reader
}

// Folder is a compressed stream holding the data of one or more files.
type Folder struct {
	// Index is the folder's position in Reader.Folders.
	Index int
	// CompressionType is the raw typeCompress word.
	CompressionType uint16
	// Reserve is the CFFOLDER reserve area (of the first cabinet holding it).
	Reserve []byte
	// NumBlocks is the number of CFDATA blocks after merging split blocks.
	NumBlocks int
	// Files lists the members stored in the folder, by offset.
	Files []*File

	segments []segment
	// startMissing is set when the folder begins in a cabinet that is not
	// part of the Reader (its decoder state is unknown: nothing can be read).
	// A folder continuing into a missing cabinet is readable up to the end
	// of the blocks we have; the stream reports ErrIncompleteSet there.
	startMissing bool
	// endMissing: the folder continues in a cabinet the Reader lacks.
	endMissing bool
	// usize is the uncompressed size implied by the files (max end).
	usize int64
	// decodeSize caches decoderSize (0: not known yet).
	decodeSize int64

	mu     sync.Mutex
	cursor *folderStream // an idle decoder, kept for sequential reads
}

// segment is the part of a folder stored in one cabinet.
type segment struct {
	cab       *Cabinet
	offset    int64 // of the first CFDATA, relative to the cabinet start
	numBlocks int
}

// Compression reports the folder's compression method and parameters.
func (f *Folder) Compression() Compression { return Compression(f.CompressionType) }

// Size is the folder's uncompressed size as far as its files reach.
func (f *Folder) Size() int64 { return f.usize }

// OpenReader opens the cabinet file at path (a single cabinet; use OpenSet to
// follow a spanned set).
func OpenReader(path string) (*Reader, error) {
	// Anything but a regular file (a FIFO, a device …) is refused without
	// blocking.
	f, size, err := safeopen.OpenSized(path)
	if err != nil {
		return nil, err
	}
	r, err := NewReader(f, size)
	if err != nil {
		f.Close()
		return nil, err
	}
	r.Cabinets[0].Name = path
	r.closers = append(r.closers, f)
	return r, nil
}

// Close closes the files OpenReader or OpenSet opened.
func (r *Reader) Close() error {
	var first error
	for _, c := range r.closers {
		if err := c.Close(); err != nil && first == nil {
			first = err
		}
	}
	r.closers = nil
	return first
}

// NewReader reads a cabinet that starts at offset 0 of r and is size bytes
// long (or shorter: a truncated cabinet still opens if its headers are
// complete).
func NewReader(r io.ReaderAt, size int64) (*Reader, error) {
	return NewReaderAt(r, 0, size)
}

// NewReaderAt reads a cabinet that starts at offset off of r, which is size
// bytes long in total (the cabinet may end before size). Use Find to locate
// a cabinet embedded in another file.
func NewReaderAt(r io.ReaderAt, off, size int64) (*Reader, error) {
	c, err := readCabinet(r, off, size)
	if err != nil {
		return nil, err
	}
	return assemble([]*Cabinet{c})
}

// readCabinet parses every header of the cabinet at off.
func readCabinet(ra io.ReaderAt, off, size int64) (*Cabinet, error) {
	if off < 0 || off > size {
		return nil, newErr(ErrFormat, "offset %d outside the %d-byte input", off, size)
	}
	c := &Cabinet{Offset: off, r: io.NewSectionReader(ra, off, size-off), size: size - off}
	h, pos, err := parseHeader(c.r, c.size)
	if err != nil {
		return nil, err
	}
	c.Header = *h
	// Folders follow the optional header parts directly.
	fsz := folderSize + h.FolderReserve
	if pos+int64(h.NumFolders)*int64(fsz) > c.size {
		// Checked before allocating: a header must not make us reserve
		// megabytes for entries the file does not hold.
		return nil, wrapErr(ErrTruncated, io.ErrUnexpectedEOF, "%d folder entries at offset %d", h.NumFolders, pos)
	}
	fb, err := readFull(c.r, pos, int(h.NumFolders)*fsz, "folder entries")
	if err != nil {
		return nil, err
	}
	c.folders = make([]*rawFolder, h.NumFolders)
	for i := range c.folders {
		br := &byteReader{b: fb[i*fsz : (i+1)*fsz]}
		rf := &rawFolder{dataOffset: br.u32(), numBlocks: br.u16(), compType: br.u16()}
		if h.FolderReserve > 0 {
			rf.reserve = br.b[folderSize:]
		}
		c.folders[i] = rf
	}
	pos += int64(len(fb))
	// Files: like libmspack, read them where the folders end (a coffFiles
	// pointing elsewhere is how "hidden" entries are smuggled in).
	if pos+int64(h.NumFiles)*(fileEntrySize+2) > c.size {
		return nil, wrapErr(ErrTruncated, io.ErrUnexpectedEOF, "%d file entries at offset %d", h.NumFiles, pos)
	}
	c.files = make([]*rawFile, h.NumFiles)
	ahead := &aheadReader{r: c.r}
	for i := range c.files {
		fb, err := readFull(ahead, pos, fileEntrySize, "file entry")
		if err != nil {
			return nil, err
		}
		br := &byteReader{b: fb}
		f := &rawFile{}
		f.Size = int64(br.u32())
		f.offset = br.u32()
		f.iFolder = br.u16()
		date, tm := br.u16(), br.u16()
		f.Attributes = br.u16()
		f.Modified = msdosTime(date, tm)
		name, next, err := readString(ahead, pos+fileEntrySize, c.size, "file name")
		if err != nil {
			return nil, err
		}
		if len(name) == 0 {
			return nil, newErr(ErrFormat, "file %d has an empty name", i)
		}
		pos = next
		f.RawName = name
		f.Name = decodeName(name, f.Attributes&AttrNameIsUTF != 0)
		if f.iFolder < iFolderContPrev && int(f.iFolder) >= len(c.folders) {
			return nil, newErr(ErrFormat, "file %q refers to folder %d of %d", f.Name, f.iFolder, len(c.folders))
		}
		c.files[i] = f
	}
	return c, nil
}

// decodeName turns stored name bytes into a Go string: UTF-8 or ISO-8859-1.
// UTF-8 is decoded the way cabextract decodes it, so that both extract to
// the same paths: sequences of the right shape are taken at their value even
// when overlong (an overlong `/` is a `/`, later made safe like any other),
// anything else, NUL, surrogates and U+FFFE/U+FFFF become U+FFFD, one per
// byte that starts no sequence.
func decodeName(b []byte, isUTF8 bool) string {
	if isUTF8 {
		return decodeLaxUTF8(b)
	}
	ascii := true
	for _, c := range b {
		if c >= 0x80 {
			ascii = false
			break
		}
	}
	if ascii {
		return string(b)
	}
	r := make([]rune, len(b))
	for i, c := range b {
		r[i] = rune(c)
	}
	return string(r)
}

// decodeLaxUTF8 is decodeName's UTF-8 decoder.
func decodeLaxUTF8(b []byte) string {
	cont := func(i, n int) bool { // b[i+1 … i+n] are continuation bytes
		if i+n >= len(b) {
			return false
		}
		for k := 1; k <= n; k++ {
			if b[i+k]&0xC0 != 0x80 {
				return false
			}
		}
		return true
	}
	out := make([]rune, 0, len(b))
	for i := 0; i < len(b); {
		c := b[i]
		var x rune
		n := 0
		switch {
		case c < 0x80:
			x = rune(c)
		case c >= 0xC2 && c < 0xE0 && cont(i, 1):
			x, n = rune(c&0x1F)<<6|rune(b[i+1]&0x3F), 1
		case c >= 0xE0 && c < 0xF0 && cont(i, 2):
			x, n = rune(c&0x0F)<<12|rune(b[i+1]&0x3F)<<6|rune(b[i+2]&0x3F), 2
		case c >= 0xF0 && c < 0xF5 && cont(i, 3):
			x, n = rune(c&0x07)<<18|rune(b[i+1]&0x3F)<<12|rune(b[i+2]&0x3F)<<6|rune(b[i+3]&0x3F), 3
		default:
			x = utf8.RuneError
		}
		if x <= 0 || x > utf8.MaxRune || x >= 0xD800 && x <= 0xDFFF || x == 0xFFFE || x == 0xFFFF {
			x = utf8.RuneError
		}
		out = append(out, x)
		i += 1 + n
	}
	return string(out)
}

// assemble builds the logical view (merged folders, deduplicated files) of
// cabinets given in set order.
func assemble(cabs []*Cabinet) (*Reader, error) {
	r := &Reader{Header: cabs[0].Header, Cabinets: cabs}
	var prevLast *Folder // last logical folder of the previous cabinet
	var prevLastContinues bool
	for ci, c := range cabs {
		local := make([]*Folder, len(c.folders))
		contFromPrev, contToNext := false, false
		for _, f := range c.files {
			switch f.iFolder {
			case iFolderContPrev:
				contFromPrev = true
			case iFolderContNext:
				contToNext = true
			case iFolderContPrevNext:
				contFromPrev, contToNext = true, true
			}
		}
		for i, rf := range c.folders {
			seg := segment{cab: c, offset: int64(rf.dataOffset), numBlocks: int(rf.numBlocks)}
			if i == 0 && contFromPrev && ci > 0 && prevLastContinues {
				if prevLast.CompressionType != rf.compType {
					return nil, newErr(ErrSetMismatch, "folder continued in %q changes compression", c.Name)
				}
				prevLast.segments = append(prevLast.segments, seg)
				local[i] = prevLast
				continue
			}
			fo := &Folder{Index: len(r.Folders), CompressionType: rf.compType, Reserve: rf.reserve,
				segments: []segment{seg}}
			if i == 0 && contFromPrev {
				fo.startMissing = true
			}
			local[i] = fo
			r.Folders = append(r.Folders, fo)
		}
		if ci > 0 && prevLastContinues && !contFromPrev {
			return nil, newErr(ErrSetMismatch, "%q does not continue the folder of the previous cabinet", c.Name)
		}
		last := local[len(local)-1]
		last.endMissing = contToNext && ci == len(cabs)-1
		for _, rf := range c.files {
			var fo *Folder
			switch rf.iFolder {
			case iFolderContPrev, iFolderContPrevNext:
				fo = local[0]
				if ci > 0 && prevLastContinues && fo == prevLast && hasFile(fo, rf) {
					continue // already listed by the previous cabinet
				}
			case iFolderContNext:
				fo = last
			default:
				fo = local[rf.iFolder]
			}
			file := &File{FileHeader: rf.FileHeader, Offset: int64(rf.offset), FolderIndex: rf.iFolder,
				Folder: fo, reader: r}
			r.Files = append(r.Files, file)
			fo.Files = append(fo.Files, file)
		}
		prevLast, prevLastContinues = last, contToNext
	}
	for _, fo := range r.Folders {
		n := 0
		for _, s := range fo.segments {
			n += s.numBlocks
		}
		// A block split across two cabinets is counted in both.
		n -= len(fo.segments) - 1
		if n > maxFolderBlocks {
			return nil, newErr(ErrLimit, "folder %d has %d data blocks", fo.Index, n)
		}
		fo.NumBlocks = n
		sort.SliceStable(fo.Files, func(i, j int) bool { return fo.Files[i].Offset < fo.Files[j].Offset })
		for _, f := range fo.Files {
			if end := f.Offset + f.Size; end > fo.usize {
				fo.usize = end
			}
		}
	}
	return r, nil
}

// hasFile reports whether fo already lists a member with rf's name, offset
// and size (the copy a spanned cabinet repeats).
func hasFile(fo *Folder, rf *rawFile) bool {
	for _, f := range fo.Files {
		if f.Offset == int64(rf.offset) && f.Size == rf.Size && f.Name == rf.Name {
			return true
		}
	}
	return false
}

// Open returns a reader of the member's contents. Reading verifies
// checksums (unless SkipChecksums) and fails with ErrFormat-class errors on
// corrupt data. Opening members of one folder in offset order reuses the
// folder's decoder instead of decoding from the start again.
func (f *File) Open() (io.ReadCloser, error) {
	if f.Folder == nil || f.Folder.startMissing {
		return nil, newErr(ErrIncompleteSet, "%q needs a cabinet that is not in the set", f.Name)
	}
	if f.Offset+f.Size > maxFolderSize {
		// libmspack opens such cabinets but refuses these members.
		return nil, newErr(ErrLimit, "%q ends beyond the largest possible folder", f.Name)
	}
	fs, err := f.Folder.checkout(f.reader, f.Offset)
	if err != nil {
		return nil, err
	}
	return &fileReader{f: f, fs: fs, remaining: f.Size}, nil
}

// fileReader serves one member out of a folder stream.
type fileReader struct {
	f         *File
	fs        *folderStream
	remaining int64
	err       error
}

func (r *fileReader) Read(p []byte) (int, error) {
	if r.err != nil {
		return 0, r.err
	}
	if r.remaining == 0 {
		r.release()
		return 0, io.EOF
	}
	if int64(len(p)) > r.remaining {
		p = p[:r.remaining]
	}
	n, err := r.fs.Read(p)
	r.remaining -= int64(n)
	if err == io.EOF {
		if r.remaining > 0 {
			err = r.truncated()
		} else {
			err = nil
		}
	}
	if err != nil {
		return n, r.fail(err)
	}
	return n, nil
}

// WriteTo lets io.Copy pull whole decoded blocks without an extra buffer.
func (r *fileReader) WriteTo(w io.Writer) (int64, error) {
	var total int64
	for {
		if r.err != nil {
			return total, r.err
		}
		if r.remaining == 0 {
			r.release()
			return total, nil
		}
		chunk, err := r.fs.next(r.remaining)
		if len(chunk) > 0 {
			r.remaining -= int64(len(chunk))
			n, werr := w.Write(chunk)
			total += int64(n)
			if werr != nil {
				return total, r.fail(werr)
			}
		}
		if err == io.EOF && r.remaining > 0 {
			err = r.truncated()
		}
		if err != nil && err != io.EOF {
			return total, r.fail(err)
		}
	}
}

// fail makes err sticky; a failed stream is not returned to the folder.
func (r *fileReader) fail(err error) error {
	r.err = err
	r.fs = nil
	return err
}

func (r *fileReader) truncated() error {
	return wrapErr(ErrTruncated, io.ErrUnexpectedEOF, "folder %d ends inside %q", r.f.Folder.Index, r.f.Name)
}

func (r *fileReader) release() {
	if r.fs != nil {
		r.f.Folder.checkin(r.fs)
		r.fs = nil
	}
}

func (r *fileReader) Close() error {
	if r.remaining == 0 {
		r.release()
	}
	r.fs = nil
	if r.err == nil {
		r.err = errClosed
	}
	return nil
}

var errClosed = &Error{Kind: ErrFormat, Msg: "read after Close"}
