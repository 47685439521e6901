package cab

import (
	"bytes"
	"io"

	"github.com/klauspost/compress/flate"
)

// mszipDecoder inflates MSZIP blocks: "CK" followed by a complete deflate
// stream, where each block may refer back into the previous 32 KiB of
// output ([MS-MCI]), so the history is passed as a preset dictionary.
type mszipDecoder struct {
	// win holds the history right-aligned in win[:blockSize] and the block
	// being decoded in win[blockSize:].
	win     []byte
	histLen int
	src     bytes.Reader
	fr      io.ReadCloser
}

func newMSZIPDecoder() *mszipDecoder {
	return &mszipDecoder{win: make([]byte, 2*blockSize)}
}

// decode inflates one block that must produce exactly size bytes and
// returns them (valid until the next call).
func (d *mszipDecoder) decode(payload []byte, size int) ([]byte, error) {
	if len(payload) < 2 || payload[0] != 'C' || payload[1] != 'K' {
		return nil, newErr(ErrDecompress, "MSZIP block without the CK signature")
	}
	d.src.Reset(payload[2:])
	dict := d.win[blockSize-d.histLen : blockSize]
	if d.fr == nil {
		d.fr = flate.NewReaderDict(&d.src, dict)
	} else if err := d.fr.(flate.Resetter).Reset(&d.src, dict); err != nil {
		return nil, wrapErr(ErrDecompress, err, "MSZIP")
	}
	out := d.win[blockSize : blockSize+size]
	if _, err := io.ReadFull(d.fr, out); err != nil {
		return nil, wrapErr(ErrDecompress, err, "MSZIP block shorter than %d bytes", size)
	}
	// The deflate stream must end exactly here (final block reached).
	var one [1]byte
	if n, err := d.fr.Read(one[:]); n != 0 || err != io.EOF {
		if err == nil || err == io.EOF {
			return nil, newErr(ErrDecompress, "MSZIP block longer than %d bytes", size)
		}
		return nil, wrapErr(ErrDecompress, err, "MSZIP block end")
	}
	// Slide: the new history is the last 32 KiB of history+block.
	keep := min(d.histLen+size, blockSize)
	copy(d.win[blockSize-keep:blockSize], d.win[blockSize+size-keep:blockSize+size])
	d.histLen = keep
	return out, nil
}
