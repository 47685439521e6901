package delta

import (
	"bytes"
	"encoding/binary"
	"fmt"
	"hash/crc32"
	"io"
	"time"

	"github.com/ohotfix/ohotfix/cab/lzx"
)

// CreateOptions are the options of Create.
type CreateOptions struct {
	// Timestamp, when not zero, is stored as the new file's time (Windows
	// gives the rebuilt file that time).
	Timestamp time.Time
	// AllowLarger returns the delta even when it is not smaller than the
	// new file, instead of ErrNotSmaller.
	AllowLarger bool
}

// maxCreateWindow is the largest window a delta can use (LZX_LARGE); the
// old file rounded up to 32 KiB plus the new file must fit in it.
const maxCreateWindow = 1 << largeWindowBits

// createFlags are the options every delta made here carries: plain LZX, and
// none of mspatchc's i386 PE fixes (so Windows does not normalise an old
// file that happens to be a 32-bit executable before checking its CRC).
const createFlags = FlagLZXA | FlagNoBindFix | FlagNoLockFix | FlagNoRebase | FlagNoChecksum | FlagNoResTimeFix

// Create makes a PA19 delta that rebuilds newFile (newSize bytes) from
// oldFile (oldSize bytes, may be 0). It reads both into one buffer (the LZX
// window: old then new) and needs at most about 40 MiB more for its
// match tables. ErrTooLarge when the files exceed the 32 MiB window;
// ErrNotSmaller (unless AllowLarger) when the delta is not smaller than
// the new file. LZX_LARGE is set when the files need more than 8 MiB.
func Create(oldFile io.ReaderAt, oldSize int64, newFile io.ReaderAt, newSize int64, opt CreateOptions) ([]byte, error) {
	total := (oldSize+32767)/32768*32768 + newSize
	if oldSize < 0 || newSize < 0 || total > maxCreateWindow {
		return nil, fmt.Errorf("%w: %d + %d bytes do not fit the 32 MiB LZX window", ErrTooLarge, oldSize, newSize)
	}
	buf := make([]byte, oldSize+newSize)
	if _, err := oldFile.ReadAt(buf[:oldSize], 0); err != nil && !(err == io.EOF && oldSize == 0) {
		return nil, fmt.Errorf("delta: reading the old file: %w", err)
	}
	if _, err := newFile.ReadAt(buf[oldSize:], 0); err != nil && !(err == io.EOF && newSize == 0) {
		return nil, fmt.Errorf("delta: reading the new file: %w", err)
	}
	return createFrom(buf, int(oldSize), opt)
}

// CreateBytes is Create for files in memory.
func CreateBytes(oldFile, newFile []byte, opt CreateOptions) ([]byte, error) {
	return Create(bytes.NewReader(oldFile), int64(len(oldFile)), bytes.NewReader(newFile), int64(len(newFile)), opt)
}

func createFrom(buf []byte, oldLen int, opt CreateOptions) ([]byte, error) {
	old, data := buf[:oldLen], buf[oldLen:]
	h := Header{Flags: createFlags, NewSize: int64(len(data)), NewCRC: crc32.ChecksumIEEE(data)}
	// The window the files need; past 8 MiB the delta says LZX_LARGE.
	bits := lzx.DeltaWindowBits(int64(oldLen), int64(len(data)), largeWindowBits)
	if bits > normalWindowBits {
		h.Flags |= FlagLZXLarge
	}
	if !opt.Timestamp.IsZero() {
		h.Flags |= FlagTimestamp
		h.Timestamp = opt.Timestamp
	}
	var stream []byte
	if !bytes.Equal(old, data) {
		var err error
		stream, err = lzx.EncodeDelta(buf, oldLen, bits)
		if err != nil {
			return nil, fmt.Errorf("delta: %w", err)
		}
	}
	h.Old = []OldFile{{Size: int64(oldLen), CRC: crc32.ChecksumIEEE(old), StreamSize: int64(len(stream))}}
	out := h.append(make([]byte, 0, 64+len(stream)))
	out = append(out, stream...)
	// The last four bytes make the whole file's CRC-32 0xFFFFFFFF.
	out = binary.LittleEndian.AppendUint32(out, crc32.ChecksumIEEE(out)^0xFFFFFFFF)
	if !opt.AllowLarger && len(out) >= len(data) {
		return out, fmt.Errorf("%w (%d bytes for a %d-byte file)", ErrNotSmaller, len(out), len(data))
	}
	return out, nil
}
