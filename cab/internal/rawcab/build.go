package rawcab

import (
	"encoding/binary"
	"fmt"
)

// Build returns a single-folder, single-file cabinet holding one member
// called name: data compressed as blocks (one CFDATA payload per 32 KiB of
// data, the last one possibly shorter) with the given typeCompress. No
// checksums. It lets external extractors (cabextract) check streams made by
// the decoders' test encoders.
func Build(name string, data []byte, typeCompress uint16, blocks [][]byte) ([]byte, error) {
	const frame = 32768
	if want := (len(data) + frame - 1) / frame; len(blocks) != want {
		return nil, fmt.Errorf("rawcab: %d blocks for %d bytes, want %d", len(blocks), len(data), want)
	}
	filesOff := 36 + 8
	dataOff := filesOff + 16 + len(name) + 1
	total := dataOff
	for _, b := range blocks {
		total += 8 + len(b)
	}
	b := make([]byte, 0, total)
	le16 := func(v int) { b = binary.LittleEndian.AppendUint16(b, uint16(v)) }
	le32 := func(v int) { b = binary.LittleEndian.AppendUint32(b, uint32(v)) }
	b = append(b, "MSCF"...)
	le32(0)
	le32(total)
	le32(0)
	le32(filesOff)
	le32(0)
	b = append(b, 3, 1) // version 1.3
	le16(1)             // folders
	le16(1)             // files
	le16(0)             // flags
	le16(1234)          // set id
	le16(0)             // index in set
	le32(dataOff)       // CFFOLDER
	le16(len(blocks))
	le16(int(typeCompress))
	le32(len(data)) // CFFILE
	le32(0)
	le16(0)
	le16(0x226C) // 1997-03-12
	le16(0x59BA) // 11:13:52
	le16(0x20)
	b = append(b, name...)
	b = append(b, 0)
	for i, blk := range blocks {
		if len(blk) > 0xFFFF {
			return nil, fmt.Errorf("rawcab: block %d has %d bytes", i, len(blk))
		}
		le32(0)
		le16(len(blk))
		le16(min(frame, len(data)-i*frame))
		b = append(b, blk...)
	}
	return b, nil
}
