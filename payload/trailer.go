package payload

import (
	"encoding/binary"
	"io"
	"os"
)

// payloadMagic starts the trailer. It has no border (no proper prefix that
// is also a suffix), so among the eight positions the zero padding of a
// signature allows, at most one can hold it.
const payloadMagic = "OHFXPAY1"

const trailerSize = 8 + 8 + 8

// maxSignPadding is how many zero bytes a signing tool may add before the
// certificate table (it starts on an 8-byte boundary).
const maxSignPadding = 7

// Payload locates the cabinets attached to an executable.
type Payload struct {
	Exe string
	// Offset and Size delimit the cabinets (the trailer follows them).
	Offset, Size int64
	// PE is set for Windows executables; Signed when one carries a
	// certificate table (an Authenticode signature).
	PE, Signed bool
}

// Find locates the payload of exe. ok is false when exe has none; err is
// set (with exit code 1620) when it has a damaged one.
func Find(exe string) (p Payload, ok bool, err error) {
	f, err := os.Open(exe)
	if err != nil {
		return p, false, err
	}
	defer f.Close()
	st, err := f.Stat()
	if err != nil {
		return p, false, err
	}
	return find(f, st.Size(), exe)
}

func find(r io.ReaderAt, size int64, name string) (p Payload, ok bool, err error) {
	p.Exe = name
	l, isPE, err := readPELayout(r, size)
	if err != nil {
		return p, false, invalid(name, "%v", err)
	}
	end := size
	if isPE {
		p.PE, p.Signed = true, l.signed()
		if l.signed() {
			end = l.certOff
		}
	}
	// The trailer ends at end, or up to maxSignPadding zero bytes before it.
	var tail [trailerSize + maxSignPadding]byte
	n := min(int64(len(tail)), end)
	buf := tail[len(tail)-int(n):]
	if _, err := r.ReadAt(buf, end-n); err != nil {
		return p, false, err
	}
	for pad := 0; pad <= maxSignPadding && pad+trailerSize <= len(buf); pad++ {
		if pad > 0 && buf[len(buf)-pad] != 0 {
			break // padding is zeros only
		}
		t := buf[len(buf)-pad-trailerSize : len(buf)-pad]
		if string(t[:8]) != payloadMagic {
			continue
		}
		off := int64(binary.LittleEndian.Uint64(t[8:]))
		sz := int64(binary.LittleEndian.Uint64(t[16:]))
		tstart := end - int64(pad) - trailerSize
		if off < 0 || sz <= 0 || off > tstart || tstart-off != sz {
			return p, false, invalid(name, "the trailer says %d bytes at offset %d, but it is at offset %d", sz, off, tstart)
		}
		p.Offset, p.Size = off, sz
		return p, true, nil
	}
	return p, false, nil
}

// trailer returns the trailer bytes for a payload of size bytes at off.
func trailer(off, size int64) []byte {
	t := make([]byte, trailerSize)
	copy(t, payloadMagic)
	binary.LittleEndian.PutUint64(t[8:], uint64(off))
	binary.LittleEndian.PutUint64(t[16:], uint64(size))
	return t
}
