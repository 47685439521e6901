package cab

import (
	"bytes"
	"encoding/binary"
	"io"
)

// findSlack is how far a candidate may claim to extend past the end of the
// input and still be tried (libmspack allows the same 32 bytes: some
// writers round the size up).
const findSlack = 32

// Find returns the offset of the first cabinet embedded in r (a
// self-extracting executable, an MSI stream, a disk image ...). A candidate
// "MSCF" only counts when its header is plausible and all of its headers
// parse; a false match is skipped, so a fake header overlapping a real one
// does not hide it.
func Find(r io.ReaderAt, size int64) (int64, error) {
	offs, err := find(r, size, 1)
	if err != nil {
		return 0, err
	}
	if len(offs) == 0 {
		return 0, ErrNotFound
	}
	return offs[0], nil
}

// FindAll returns the offsets of every cabinet embedded in r; the search
// resumes after the end of each cabinet found (as libmspack does, so a
// cabinet stored inside another is not reported twice).
func FindAll(r io.ReaderAt, size int64) ([]int64, error) {
	return find(r, size, -1)
}

func find(r io.ReaderAt, size int64, limit int) ([]int64, error) {
	const chunk = 1 << 20
	var found []int64
	buf := make([]byte, chunk+len(signature)-1)
	for base := int64(0); base < size; {
		n, err := r.ReadAt(buf[:min(int64(len(buf)), size-base)], base)
		if n == 0 && err != nil {
			if err == io.EOF {
				break
			}
			return found, err
		}
		next := base + chunk
		for i := 0; i < n; {
			j := bytes.Index(buf[i:n], signature)
			if j < 0 {
				break
			}
			off := base + int64(i+j)
			end, ok := probe(r, off, size)
			if !ok {
				i += j + 1
				continue
			}
			found = append(found, off)
			if limit > 0 && len(found) >= limit {
				return found, nil
			}
			if end >= base+int64(n) {
				next = max(next, end)
				break
			}
			i = int(end - base)
		}
		if n < len(buf) && next > base+int64(n) {
			break
		}
		base = next
	}
	return found, nil
}

// probe checks the candidate at off and returns where the cabinet ends.
func probe(r io.ReaderAt, off, size int64) (int64, bool) {
	var h [headerSize]byte
	if off+headerSize > size {
		return 0, false
	}
	if _, err := r.ReadAt(h[:], off); err != nil {
		return 0, false
	}
	cabSize := int64(binary.LittleEndian.Uint32(h[8:]))
	filesOff := int64(binary.LittleEndian.Uint32(h[16:]))
	if cabSize < headerSize || filesOff >= cabSize || off+cabSize > size+findSlack {
		return 0, false
	}
	if _, err := readCabinet(r, off, size); err != nil {
		return 0, false
	}
	return off + cabSize, true
}
