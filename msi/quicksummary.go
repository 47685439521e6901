package msi

import (
	"github.com/ohotfix/ohotfix/internal/safeopen"

	"github.com/ohotfix/ohotfix/msi/cfb"
)

// ReadSummary reads only the summary information of a package, transform or
// patch (and tells which it is): the compound-file directory and the summary
// stream, not the string pool or any table. A container without the stream
// gives an empty set.
func ReadSummary(rd *cfb.Reader) (*SummaryInfo, Container, error) {
	root := rd.Root()
	var kind Container
	switch root.CLSID {
	case CLSIDPackage, [16]byte{}:
		kind = Package
	case CLSIDTransform:
		kind = Transform
	case CLSIDPatch:
		kind = Patch
	default:
		return nil, 0, formatErr("root storage", "CLSID % x is not that of an installer database, transform or patch", root.CLSID[:])
	}
	e := root.Child(SummaryStream)
	if e == nil || e.IsStorage() {
		return NewSummaryInfo(), kind, nil
	}
	if e.Size > maxMetaStream {
		return nil, 0, formatErr("summary information", "stream of %d bytes is too large", e.Size)
	}
	b, err := rd.ReadStream(e)
	if err != nil {
		return nil, 0, err
	}
	si, err := DecodeSummaryInfo(b)
	return si, kind, err
}

// ReadSummaryFile is ReadSummary for a file path.
func ReadSummaryFile(path string) (*SummaryInfo, Container, error) {
	f, size, err := safeopen.OpenSized(path)
	if err != nil {
		return nil, 0, err
	}
	defer f.Close()
	rd, err := cfb.NewReader(f, size)
	if err != nil {
		return nil, 0, err
	}
	return ReadSummary(rd)
}
