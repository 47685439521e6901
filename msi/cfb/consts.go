package cfb

// Special sector numbers (MS-CFB 2.1).
const (
	maxRegSect uint32 = 0xFFFFFFFA // largest regular sector number
	difSect    uint32 = 0xFFFFFFFC // FAT entry of a DIFAT sector
	fatSect    uint32 = 0xFFFFFFFD // FAT entry of a FAT sector
	endOfChain uint32 = 0xFFFFFFFE // last sector of a chain
	freeSect   uint32 = 0xFFFFFFFF // unallocated sector
	noStream   uint32 = 0xFFFFFFFF // empty directory link
)

const (
	headerSize      = 512
	dirEntrySize    = 128
	miniSectorShift = 6
	miniSectorSize  = 1 << miniSectorShift
	// miniStreamCutoff: streams smaller than this live in the mini stream.
	miniStreamCutoff = 4096
	headerDIFATLen   = 109
	maxNameUnits     = 31 // UTF-16 code units, not counting the NUL
)

var signature = [8]byte{0xD0, 0xCF, 0x11, 0xE0, 0xA1, 0xB1, 0x1A, 0xE1}

// EntryType is the kind of a directory entry. The constants carry a Type
// prefix because the name Stream belongs to the stream reader type.
type EntryType int

const (
	TypeUnknown     EntryType = 0
	TypeStorage     EntryType = 1
	TypeStream      EntryType = 2
	TypeRootStorage EntryType = 5
)

func (t EntryType) String() string {
	switch t {
	case TypeStorage:
		return "storage"
	case TypeStream:
		return "stream"
	case TypeRootStorage:
		return "root storage"
	}
	return "unknown"
}
