// Package rawcab is test support for the LZX and Quantum decoders: a minimal,
// bounds-checked parser of one cabinet's CFHEADER, CFFOLDER, CFFILE and
// CFDATA records. It does not verify checksums, follow spanned cabinets or
// decompress anything; the real reader is package cab.
package rawcab

import (
	"bytes"
	"encoding/binary"
	"errors"
	"fmt"
	"os"
)

// ErrFormat is returned for anything that does not parse.
var ErrFormat = errors.New("rawcab: malformed cabinet")

// Compression method numbers (typeCompress & 0x000F).
const (
	MethodNone    = 0
	MethodMSZIP   = 1
	MethodQuantum = 2
	MethodLZX     = 3
)

// Cabinet is the parsed content of one cabinet file.
type Cabinet struct {
	Folders  []Folder
	Files    []File
	FilesErr error // why the CFFILE list could not be read completely, if it could not
}

// Folder is one CFFOLDER with its CFDATA blocks.
type Folder struct {
	TypeCompress uint16
	Blocks       []Block
	Truncated    bool // the last block's payload runs past the end of the file
}

// Block is one CFDATA record: its payload and declared uncompressed size.
type Block struct {
	Data   []byte
	Uncomp int
}

// File is one CFFILE record.
type File struct {
	Name   string
	Size   uint32
	Offset uint32 // uoffFolderStart: offset in the folder's uncompressed stream
	Folder uint16 // iFolder
}

// Method is the low nibble of typeCompress.
func (f *Folder) Method() int { return int(f.TypeCompress & 0x000F) }

// WindowBits is the LZX/Quantum window exponent (bits 8-12 of typeCompress).
func (f *Folder) WindowBits() int { return int(f.TypeCompress>>8) & 0x1F }

// Payload is the concatenation of the folder's CFDATA payloads.
func (f *Folder) Payload() []byte {
	var b bytes.Buffer
	for _, blk := range f.Blocks {
		b.Write(blk.Data)
	}
	return b.Bytes()
}

// UncompressedSize is the sum of the blocks' cbUncomp.
func (f *Folder) UncompressedSize() int64 {
	var n int64
	for _, blk := range f.Blocks {
		n += int64(blk.Uncomp)
	}
	return n
}

// Open reads and parses a cabinet file.
func Open(path string) (*Cabinet, error) {
	b, err := os.ReadFile(path)
	if err != nil {
		return nil, err
	}
	return Parse(b)
}

// cursor is a bounds-checked little-endian reader over the cabinet bytes.
type cursor struct {
	b   []byte
	off int
	err error
}

func (c *cursor) take(n int) []byte {
	if c.err != nil || n < 0 || c.off < 0 || n > len(c.b)-c.off {
		if c.err == nil {
			c.err = fmt.Errorf("%w: truncated at offset %d", ErrFormat, c.off)
		}
		return make([]byte, n&0xFFFF)
	}
	s := c.b[c.off : c.off+n]
	c.off += n
	return s
}

func (c *cursor) u8() int     { return int(c.take(1)[0]) }
func (c *cursor) u16() uint16 { return binary.LittleEndian.Uint16(c.take(2)) }
func (c *cursor) u32() uint32 { return binary.LittleEndian.Uint32(c.take(4)) }
func (c *cursor) skipString() { c.cstring() }

func (c *cursor) cstring() string {
	if c.err != nil {
		return ""
	}
	i := bytes.IndexByte(c.b[min(c.off, len(c.b)):], 0)
	if i < 0 || i > 256 {
		c.err = fmt.Errorf("%w: unterminated string at offset %d", ErrFormat, c.off)
		return ""
	}
	s := string(c.b[c.off : c.off+i])
	c.off += i + 1
	return s
}

// Parse parses a cabinet held in memory.
func Parse(b []byte) (*Cabinet, error) {
	c := &cursor{b: b}
	if string(c.take(4)) != "MSCF" {
		return nil, fmt.Errorf("%w: no MSCF signature", ErrFormat)
	}
	c.take(12)
	coffFiles := int(c.u32())
	c.take(6)
	nFolders, nFiles, flags := int(c.u16()), int(c.u16()), c.u16()
	c.take(4)
	folderReserve, dataReserve := 0, 0
	if flags&4 != 0 {
		headerReserve := int(c.u16())
		folderReserve, dataReserve = c.u8(), c.u8()
		c.take(headerReserve)
	}
	if flags&1 != 0 {
		c.skipString()
		c.skipString()
	}
	if flags&2 != 0 {
		c.skipString()
		c.skipString()
	}
	type folderHeader struct {
		start, blocks int
	}
	cab := &Cabinet{}
	heads := make([]folderHeader, 0, nFolders)
	for i := 0; i < nFolders && c.err == nil; i++ {
		h := folderHeader{start: int(c.u32()), blocks: int(c.u16())}
		cab.Folders = append(cab.Folders, Folder{TypeCompress: c.u16()})
		c.take(folderReserve)
		heads = append(heads, h)
	}
	for i, h := range heads {
		c.off = h.start
		for j := 0; j < h.blocks && c.err == nil && !cab.Folders[i].Truncated; j++ {
			c.take(4)
			cbData, cbUncomp := int(c.u16()), int(c.u16())
			c.take(dataReserve)
			if c.err == nil && cbData > len(b)-c.off {
				// Keep what is there: corrupt-input tests need the partial payload.
				cab.Folders[i].Truncated = true
				cbData = len(b) - c.off
			}
			data := c.take(cbData)
			cab.Folders[i].Blocks = append(cab.Folders[i].Blocks, Block{Data: data, Uncomp: cbUncomp})
		}
	}
	if c.err != nil {
		return nil, c.err
	}
	// Files last, and leniently: the corrupt-input samples have broken file
	// lists but folder data the decoders must still be fed.
	c.off = coffFiles
	for i := 0; i < nFiles && c.err == nil; i++ {
		f := File{Size: c.u32(), Offset: c.u32(), Folder: c.u16()}
		c.take(6)
		f.Name = c.cstring()
		if c.err == nil {
			cab.Files = append(cab.Files, f)
		}
	}
	cab.FilesErr = c.err
	return cab, nil
}
