package cab

import (
	"encoding/binary"
	"errors"
	"io"
	"runtime"
	"strings"
	"sync"
	"unicode/utf8"

	"github.com/klauspost/compress/flate"
)

// Writer creates a cabinet. Configure its exported fields before the first
// Create. Members are compressed in 32 KiB blocks on all cores while they
// are written; the cabinet itself is produced by Close, because the headers
// (which come first) can only be written once every member is known.
type Writer struct {
	// Method is MethodMSZIP (the default) or MethodNone.
	Method Method
	// Level is the deflate level for MSZIP (1..9; 0 means 6).
	Level int
	// FolderSize starts a new folder before a member once the current
	// folder holds at least this many bytes (0: one folder, split only at
	// the format's 2 GiB limit). A smaller folder size makes random access
	// cheaper and parallel extraction possible.
	FolderSize int64
	// FolderPerFile puts every member in its own folder.
	FolderPerFile bool
	// SetID and Index fill the CFHEADER fields of the same names.
	SetID, Index uint16
	// HeaderReserve is copied into the header reserve area (signed
	// cabinets need 20 bytes there); FolderReserve and DataReserve give
	// the sizes of zero-filled per-folder and per-block reserves.
	HeaderReserve []byte
	FolderReserve int
	DataReserve   int
	// Workers is the number of compressing goroutines (0: GOMAXPROCS).
	Workers int
	// TempDir is where compressed data is spooled when it does not fit in
	// memory ("" : os.TempDir()).
	TempDir string

	w      io.Writer
	closed bool
	err    error

	folders []*writerFolder
	files   []*writerFile
	cur     *writerFile
	block   []byte // the block being filled
	prev    []byte // the previous block of the current folder (MSZIP history)

	pipe *pipeline
}

type writerFolder struct {
	size      int64 // uncompressed bytes
	blocks    int
	dataStart int64 // offset in the spool
}

type writerFile struct {
	name   []byte
	attrs  uint16
	date   uint16
	time   uint16
	folder int
	offset int64
	size   int64
}

// NewWriter returns a Writer producing a cabinet on w.
func NewWriter(w io.Writer) *Writer {
	return &Writer{w: w, Method: MethodMSZIP}
}

// Create adds a member and returns a writer for its contents, valid until
// the next Create or Close. Name may use `/` or `\` as separator; names
// that are not ASCII are stored as UTF-8 with the AttrNameIsUTF flag.
func (w *Writer) Create(h *FileHeader) (io.Writer, error) {
	if w.err != nil {
		return nil, w.err
	}
	if w.closed {
		return nil, errors.New("cab: Create after Close")
	}
	if w.pipe == nil { // the first Create starts the compressors
		if err := w.start(); err != nil {
			return nil, err
		}
	}
	name := strings.ReplaceAll(h.Name, "/", `\`)
	if name == "" || len(name) > maxNameLen || strings.IndexByte(name, 0) >= 0 {
		return nil, newErr(ErrUnsafeName, "%q: names are 1 to %d bytes without NUL", h.Name, maxNameLen)
	}
	if !utf8.ValidString(name) {
		return nil, newErr(ErrUnsafeName, "%q is not UTF-8", h.Name)
	}
	if len(w.files) >= 0xFFFF {
		return nil, newErr(ErrLimit, "more than 65535 files")
	}
	attrs := h.Attributes &^ AttrNameIsUTF
	for i := 0; i < len(name); i++ {
		if name[i] >= 0x80 {
			attrs |= AttrNameIsUTF
			break
		}
	}
	fo := w.folders[len(w.folders)-1]
	if len(w.files) > 0 && (w.FolderPerFile || w.FolderSize > 0 && fo.size >= w.FolderSize || fo.size >= maxFolderSize/2) {
		if err := w.newFolder(); err != nil {
			return nil, err
		}
		fo = w.folders[len(w.folders)-1]
	}
	date, tm := timeToMSDOS(h.Modified)
	w.cur = &writerFile{name: []byte(name), attrs: attrs, date: date, time: tm,
		folder: len(w.folders) - 1, offset: fo.size}
	w.files = append(w.files, w.cur)
	return fileWriter{w}, nil
}

func (w *Writer) start() error {
	if w.Method != MethodNone && w.Method != MethodMSZIP {
		return newErr(ErrUnsupported, "writing %s", w.Method)
	}
	if w.Level == 0 {
		w.Level = 6
	}
	if w.Level < 1 || w.Level > 9 {
		return errors.New("cab: MSZIP level must be 1..9")
	}
	if len(w.HeaderReserve) > maxHeaderReserve || w.FolderReserve < 0 || w.FolderReserve > 255 ||
		w.DataReserve < 0 || w.DataReserve > 255 {
		return newErr(ErrLimit, "reserve sizes (header ≤ %d, folder and data ≤ 255)", maxHeaderReserve)
	}
	workers := w.Workers
	if workers <= 0 {
		workers = runtime.GOMAXPROCS(0)
	}
	w.pipe = newPipeline(w.Method, w.Level, w.DataReserve, workers, w.TempDir)
	w.folders = []*writerFolder{{}}
	w.block = w.pipe.buffers.get(blockSize)
	return nil
}

// newFolder flushes the partial block and starts a folder.
func (w *Writer) newFolder() error {
	w.flushBlock()
	w.prev = nil
	w.folders = append(w.folders, &writerFolder{})
	if len(w.folders) > 0xFFFF {
		return newErr(ErrLimit, "more than 65535 folders")
	}
	return nil
}

type fileWriter struct{ w *Writer }

func (f fileWriter) Write(p []byte) (int, error) { return f.w.write(p) }

func (w *Writer) write(p []byte) (int, error) {
	if w.err != nil {
		return 0, w.err
	}
	fo := w.folders[len(w.folders)-1]
	if fo.size+int64(len(p)) > maxFolderSize || w.cur.size+int64(len(p)) > 0xFFFFFFFF {
		w.err = newErr(ErrLimit, "member %q does not fit in a folder", w.cur.name)
		return 0, w.err
	}
	n := len(p)
	for len(p) > 0 {
		k := copy(w.block[len(w.block):blockSize], p)
		w.block = w.block[:len(w.block)+k]
		p = p[k:]
		if len(w.block) == blockSize {
			w.flushBlock()
		}
	}
	fo.size += int64(n)
	w.cur.size += int64(n)
	return n, nil
}

// flushBlock hands the current block to the compressors.
func (w *Writer) flushBlock() {
	if len(w.block) == 0 {
		return
	}
	w.folders[len(w.folders)-1].blocks++
	w.pipe.submit(len(w.folders)-1, w.block, w.prev)
	w.prev = w.block
	w.block = w.pipe.buffers.get(blockSize)
}

// Close writes the cabinet: headers, then the compressed data. It does not
// close the underlying writer.
func (w *Writer) Close() error {
	if w.closed {
		return w.err
	}
	w.closed = true
	if w.err != nil || len(w.files) == 0 {
		// A refused first Create may have started the compressors.
		if w.pipe != nil {
			w.pipe.abort()
		}
		if w.err != nil {
			return w.err
		}
		return newErr(ErrFormat, "a cabinet needs at least one file")
	}
	w.flushBlock()
	spool, starts, err := w.pipe.finish()
	if err != nil {
		w.err = err
		return err
	}
	defer spool.release()
	for i, fo := range w.folders {
		fo.dataStart = spool.size // empty trailing folders
		if i < len(starts) {
			fo.dataStart = starts[i]
		}
	}
	w.err = w.writeCabinet(spool)
	return w.err
}

// writeCabinet writes every header and then copies the spooled blocks.
func (w *Writer) writeCabinet(spool *spool) error {
	reserve := len(w.HeaderReserve) > 0 || w.FolderReserve > 0 || w.DataReserve > 0
	hdrLen := int64(headerSize)
	if reserve {
		hdrLen += 4 + int64(len(w.HeaderReserve))
	}
	foldersLen := int64(len(w.folders)) * int64(folderSize+w.FolderReserve)
	var filesLen int64
	for _, f := range w.files {
		filesLen += fileEntrySize + int64(len(f.name)) + 1
	}
	dataStart := hdrLen + foldersLen + filesLen
	total := dataStart + spool.size
	if total > maxCabinetSize {
		return newErr(ErrLimit, "the cabinet would be %d bytes", total)
	}
	buf := make([]byte, 0, dataStart)
	le16 := func(v uint16) { buf = binary.LittleEndian.AppendUint16(buf, v) }
	le32 := func(v uint32) { buf = binary.LittleEndian.AppendUint32(buf, v) }
	buf = append(buf, signature...)
	le32(0)
	le32(uint32(total))
	le32(0)
	le32(uint32(hdrLen + foldersLen))
	le32(0)
	buf = append(buf, 3, 1)
	le16(uint16(len(w.folders)))
	le16(uint16(len(w.files)))
	var flags uint16
	if reserve {
		flags |= flagReservePresent
	}
	le16(flags)
	le16(w.SetID)
	le16(w.Index)
	if reserve {
		le16(uint16(len(w.HeaderReserve)))
		buf = append(buf, byte(w.FolderReserve), byte(w.DataReserve))
		buf = append(buf, w.HeaderReserve...)
	}
	comp := uint16(w.Method)
	for _, fo := range w.folders {
		le32(uint32(dataStart + fo.dataStart))
		le16(uint16(fo.blocks))
		le16(comp)
		buf = append(buf, make([]byte, w.FolderReserve)...)
	}
	for _, f := range w.files {
		le32(uint32(f.size))
		le32(uint32(f.offset))
		le16(uint16(f.folder))
		le16(f.date)
		le16(f.time)
		le16(f.attrs)
		buf = append(buf, f.name...)
		buf = append(buf, 0)
	}
	if _, err := w.w.Write(buf); err != nil {
		return err
	}
	return spool.copyTo(w.w)
}

// compressBlock appends the CFDATA (header, zero reserve, payload) of one
// block to dst. MSZIP blocks carry the previous block as dictionary; a
// block deflate would expand is stored instead.
func compressBlock(dst []byte, fw *flate.Writer, level int, method Method, data, dict []byte, reserve int) []byte {
	start := len(dst)
	dst = append(dst, make([]byte, dataHeaderSize+reserve)...)
	payloadAt := len(dst)
	if method == MethodMSZIP {
		dst = append(dst, 'C', 'K')
		bw := &appendWriter{b: dst}
		if len(dict) > dictLimit {
			dict = dict[len(dict)-dictLimit:]
		}
		fw.ResetDict(bw, dict)
		fw.Write(data)
		fw.Close()
		dst = bw.b
		if !checkDeflate(dst[payloadAt+2:], level <= 6) {
			// A code libmspack would refuse: fixed codes instead.
			dst = fixedDeflate(dst[:payloadAt+2], data)
		}
		if len(dst)-payloadAt > len(data)+7 {
			// Stored: one final deflate block of type 00 with LEN/NLEN.
			dst = append(dst[:payloadAt+2], 1, byte(len(data)), byte(len(data)>>8),
				^byte(len(data)), ^byte(len(data)>>8))
			dst = append(dst, data...)
		}
	} else {
		dst = append(dst, data...)
	}
	payload := dst[payloadAt:]
	binary.LittleEndian.PutUint16(dst[start+4:], uint16(len(payload)))
	binary.LittleEndian.PutUint16(dst[start+6:], uint16(len(data)))
	binary.LittleEndian.PutUint32(dst[start:], blockChecksum(payload, uint16(len(payload)), uint16(len(data))))
	return dst
}

type appendWriter struct{ b []byte }

func (a *appendWriter) Write(p []byte) (int, error) { a.b = append(a.b, p...); return len(p), nil }

// pipeline compresses blocks on several goroutines and spools the results
// in submission order.
type pipeline struct {
	method  Method
	reserve int
	work    chan *blockJob
	order   chan *blockJob
	done    chan struct{}
	wg      sync.WaitGroup
	spool   *spool
	starts  []int64 // spool offset of each folder's first block
	err     error
	// buffers recycles block and output buffers: a block's input is free
	// once the next block (which used it as history) is compressed.
	buffers bufferList
}

// bufferList is a small free list of byte slices.
type bufferList chan []byte

func (l bufferList) get(size int) []byte {
	select {
	case b := <-l:
		if cap(b) >= size {
			return b[:0]
		}
	default:
	}
	return make([]byte, 0, size)
}

func (l bufferList) put(b []byte) {
	select {
	case l <- b:
	default:
	}
}

type blockJob struct {
	folder int
	data   []byte
	dict   []byte
	out    []byte
	ready  chan struct{}
}

func newPipeline(method Method, level, reserve, workers int, tempDir string) *pipeline {
	p := &pipeline{method: method, reserve: reserve, work: make(chan *blockJob),
		order: make(chan *blockJob, 4*workers), done: make(chan struct{}), spool: newSpool(tempDir),
		buffers: make(bufferList, 16*workers)}
	for range workers {
		p.wg.Add(1)
		go func() {
			defer p.wg.Done()
			var fw *flate.Writer
			if method == MethodMSZIP {
				fw, _ = flate.NewWriter(io.Discard, level)
			}
			for j := range p.work {
				j.out = compressBlock(p.buffers.get(dataHeaderSize+reserve+blockSize+16), fw, level, method, j.data, j.dict, reserve)
				close(j.ready)
			}
		}()
	}
	go p.collect()
	return p
}

func (p *pipeline) submit(folder int, data, dict []byte) {
	j := &blockJob{folder: folder, data: data, dict: dict, ready: make(chan struct{})}
	p.order <- j
	p.work <- j
}

// collect writes finished blocks to the spool in order.
func (p *pipeline) collect() {
	defer close(p.done)
	var prev *blockJob
	for j := range p.order {
		<-j.ready
		for len(p.starts) <= j.folder {
			p.starts = append(p.starts, p.spool.size)
		}
		if p.err == nil {
			p.err = p.spool.write(j.out)
		}
		p.buffers.put(j.out)
		if prev != nil {
			p.buffers.put(prev.data)
		}
		prev = j
	}
}

// finish waits for every block and returns the spool and the folders'
// start offsets in it.
func (p *pipeline) finish() (*spool, []int64, error) {
	close(p.work)
	close(p.order)
	<-p.done
	p.wg.Wait()
	if p.err != nil {
		p.spool.release()
		return nil, nil, p.err
	}
	return p.spool, p.starts, nil
}

func (p *pipeline) abort() {
	if _, _, err := p.finish(); err == nil {
		p.spool.release()
	}
}

// dictLimit is how much of the previous block primes the compressor.
// klauspost re-encodes the dictionary to fill its match tables, which with
// the whole 32 KiB costs as much as compressing the block itself; the last
// 16 KiB keep almost all of the gain (measured on a 200 MB mixed corpus:
// no history +3.3% size, 16 KiB -1.4%, 32 KiB -1.9% vs gcab) at 70% of
// the time.
const dictLimit = 16 << 10
