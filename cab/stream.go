package cab

import (
	"errors"
	"io"
)

// streamDecoder builds a decoder for a folder compressed with LZX or
// Quantum from its blocks, the window size from typeCompress and the
// folder's uncompressed size.
type streamDecoder func(b *blockReader, windowBits int, size int64) (io.Reader, error)

// streamDecoders holds the LZX and Quantum decoders (see decoders.go).
var streamDecoders = map[Method]streamDecoder{}

// folderStream is a decoder positioned somewhere in a folder's
// uncompressed data. A folder keeps one idle stream as its cursor, so
// reading members in offset order never decodes a byte twice.
type folderStream struct {
	fo      *Folder
	pos     int64 // folder offset of the next byte next() returns
	blocks  *blockReader
	method  Method
	mszip   *mszipDecoder
	dec     io.Reader // LZX / Quantum
	buf     []byte    // decoded bytes not yet returned: buf[off:]
	off     int
	scratch []byte
	err     error
}

func newFolderStream(fo *Folder, verify bool) (*folderStream, error) {
	c := fo.Compression()
	if err := c.Validate(); err != nil {
		return nil, err
	}
	fs := &folderStream{fo: fo, blocks: newBlockReader(fo, verify), method: c.Method()}
	switch fs.method {
	case MethodNone:
	case MethodMSZIP:
		fs.mszip = newMSZIPDecoder()
	default:
		mk := streamDecoders[fs.method]
		if mk == nil {
			return nil, newErr(ErrUnsupported, "%s decoding is not available", c)
		}
		dec, err := mk(fs.blocks, c.WindowBits(), fo.decoderSize())
		if err != nil {
			return nil, decodeErr(c, err)
		}
		fs.dec = dec
		fs.scratch = make([]byte, blockSize)
	}
	return fs, nil
}

// decoderSize is the output size an LZX or Quantum decoder is given: the
// sum of the blocks' sizes (see blockSizes) when it can be read and covers
// the files, else the size the files imply. The block walk is I/O, so its
// result is kept for the folder's later decoders.
func (fo *Folder) decoderSize() int64 {
	fo.mu.Lock()
	defer fo.mu.Unlock()
	if fo.decodeSize == 0 {
		n, ok := fo.blockSizes()
		if !ok {
			return fo.usize
		}
		fo.decodeSize = max(n, fo.usize)
	}
	return fo.decodeSize
}

// decodeErr classifies an error from a stream decoder: our own typed
// errors (checksum, truncation seen by payloadReader) pass through, the
// rest means corrupt compressed data.
func decodeErr(c Compression, err error) error {
	var own *Error
	if errors.As(err, &own) {
		return own
	}
	return wrapErr(ErrDecompress, err, "%s", c)
}

// next returns up to max decoded bytes (valid until the next call); io.EOF
// at the end of the folder.
func (fs *folderStream) next(max int64) ([]byte, error) {
	for fs.off >= len(fs.buf) {
		if fs.err != nil {
			return nil, fs.err
		}
		fs.fill()
	}
	chunk := fs.buf[fs.off:]
	if int64(len(chunk)) > max {
		chunk = chunk[:max]
	}
	fs.off += len(chunk)
	fs.pos += int64(len(chunk))
	return chunk, nil
}

// fill decodes the next block into fs.buf, or sets fs.err.
func (fs *folderStream) fill() {
	fs.off = 0
	fs.buf = nil
	if fs.dec != nil {
		n, err := fs.dec.Read(fs.scratch)
		fs.buf = fs.scratch[:n]
		if err != nil {
			if err != io.EOF {
				err = decodeErr(fs.fo.Compression(), err)
			}
			fs.err = err
		}
		return
	}
	payload, size, err := fs.blocks.next()
	if err != nil {
		fs.err = err
		return
	}
	switch fs.method {
	case MethodNone:
		if len(payload) != size {
			fs.err = newErr(ErrFormat, "folder %d: stored block of %d bytes claims %d", fs.fo.Index, len(payload), size)
			return
		}
		fs.buf = payload
	case MethodMSZIP:
		fs.buf, fs.err = fs.mszip.decode(payload, size)
	}
}

func (fs *folderStream) Read(p []byte) (int, error) {
	chunk, err := fs.next(int64(len(p)))
	return copy(p, chunk), err
}

// skip discards n decoded bytes.
func (fs *folderStream) skip(n int64) error {
	for n > 0 {
		chunk, err := fs.next(n)
		n -= int64(len(chunk))
		if err == io.EOF {
			return wrapErr(ErrTruncated, io.ErrUnexpectedEOF, "folder %d ends before offset %d", fs.fo.Index, fs.pos+n)
		}
		if err != nil {
			return err
		}
	}
	return nil
}

// checkout returns a stream positioned at off: the folder's idle cursor
// when it has not passed off yet, else a fresh decoder.
func (fo *Folder) checkout(r *Reader, off int64) (*folderStream, error) {
	fo.mu.Lock()
	fs := fo.cursor
	if fs != nil && fs.pos <= off && fs.err == nil {
		fo.cursor = nil
	} else {
		fs = nil
	}
	fo.mu.Unlock()
	if fs == nil {
		var err error
		if fs, err = newFolderStream(fo, !r.SkipChecksums); err != nil {
			return nil, err
		}
	}
	if err := fs.skip(off - fs.pos); err != nil {
		return nil, err
	}
	return fs, nil
}

// checkin makes fs the folder's idle cursor.
func (fo *Folder) checkin(fs *folderStream) {
	fo.mu.Lock()
	fo.cursor = fs
	fo.mu.Unlock()
}
