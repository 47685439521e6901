package cab

import (
	"encoding/binary"
	"io"

	"github.com/ohotfix/ohotfix/cab/lzx"
	"github.com/ohotfix/ohotfix/cab/quantum"
)

// The LZX decoder reads the payloads as one stream (it realigns at frame
// ends itself); Quantum needs the block boundaries, so it gets whole blocks.
func init() {
	streamDecoders[MethodLZX] = func(b *blockReader, windowBits int, size int64) (io.Reader, error) {
		return lzx.NewReader(&payloadReader{b: b}, windowBits, size)
	}
	streamDecoders[MethodQuantum] = func(b *blockReader, windowBits int, size int64) (io.Reader, error) {
		return quantum.NewBlockReader(quantumBlocks{b}, windowBits, size)
	}
}

type quantumBlocks struct{ b *blockReader }

func (q quantumBlocks) NextBlock() ([]byte, error) {
	p, _, err := q.b.next()
	return p, err
}

// blockSizes returns the folder's uncompressed size as the sum of its
// blocks' cbUncomp, walking only the CFDATA headers. LZX must be told the
// exact length of the last frame (it changes the E8 translation of its
// last bytes), which the file list only implies. An aheadReader keeps
// folders of small blocks to a few reads, not one per block.
func (fo *Folder) blockSizes() (int64, bool) {
	var total int64
	var ar aheadReader
	var hdr [dataHeaderSize]byte
	for _, s := range fo.segments {
		ar.reset(s.cab.r)
		pos := s.offset
		for range s.numBlocks {
			if _, err := ar.ReadAt(hdr[:], pos); err != nil {
				return 0, false
			}
			total += int64(binary.LittleEndian.Uint16(hdr[6:]))
			pos += int64(dataHeaderSize+s.cab.DataReserve) + int64(binary.LittleEndian.Uint16(hdr[4:]))
		}
	}
	return total, true
}
