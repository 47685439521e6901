package cfb

import (
	"slices"
)

// dirEntry is a Node placed in the directory, with its links and sectors.
type dirEntry struct {
	node  *Node
	units []uint16
	typ   EntryType
	left  uint32
	right uint32
	child uint32
	black bool
	start uint32
	size  int64
	mini  bool // stored in the mini stream
}

// layout is the complete plan of a file: every directory entry and where
// every structure goes, computed before the first byte is written.
type layout struct {
	version      int
	shift        uint
	entries      []*dirEntry
	miniSectors  uint32 // 64-byte sectors used in the mini stream
	numFAT       uint32
	numDIFAT     uint32
	dirStart     uint32
	dirSectors   uint32
	miniFATStart uint32
	miniFATSecs  uint32
	miniStart    uint32 // first sector of the mini stream
	miniSecs     uint32
	totalSectors uint32
	bigStreams   []*dirEntry // regular-sector streams in file order
	storages     map[*Node]bool
}

// v3MaxStream is MS-CFB's limit on a stream in a version 3 file.
const v3MaxStream = 0x80000000

// planLayout flattens the tree into directory order, builds each storage's
// red-black tree, and assigns sectors: FAT, DIFAT, directory, mini FAT, mini
// stream, then the regular streams, each chain contiguous.
func planLayout(root *Node, version int) (*layout, error) {
	l := &layout{version: version, shift: 9, storages: map[*Node]bool{root: true}}
	if version == 4 {
		l.shift = 12
	}
	if root == nil {
		return nil, treeErr("nil root")
	}
	if !root.Storage {
		return nil, treeErr("the root node must be a storage")
	}
	l.entries = append(l.entries, &dirEntry{node: root, typ: TypeRootStorage, units: rootName, left: noStream, right: noStream, black: true})
	if err := l.addChildren(l.entries[0]); err != nil {
		return nil, err
	}

	ss := int64(1) << l.shift
	var bigSectors int64
	for _, e := range l.entries[1:] {
		if e.typ != TypeStream {
			continue
		}
		switch {
		case e.size == 0:
			e.start = endOfChain
		case e.size < miniStreamCutoff:
			e.mini = true
			e.start = l.miniSectors
			next := int64(l.miniSectors) + (e.size+miniSectorSize-1)/miniSectorSize
			if next > int64(maxRegSect) {
				return nil, treeErr("too many small streams for one mini stream")
			}
			l.miniSectors = uint32(next)
		default:
			bigSectors += (e.size + ss - 1) / ss
			l.bigStreams = append(l.bigStreams, e)
		}
	}
	perSector := int64(ss / 4)
	l.dirSectors = uint32(ceilDiv(int64(len(l.entries))*dirEntrySize, ss))
	l.miniFATSecs = uint32(ceilDiv(int64(l.miniSectors)*4, ss))
	l.miniSecs = uint32(ceilDiv(int64(l.miniSectors)*miniSectorSize, ss))
	data := int64(l.dirSectors) + int64(l.miniFATSecs) + int64(l.miniSecs) + bigSectors
	if data > int64(maxRegSect) {
		return nil, treeErr("the tree needs %d sectors, more than a compound file can address", data)
	}
	// The FAT must also map its own sectors and the DIFAT's, which depend
	// on the FAT's size: grow until it covers everything.
	var fat, difat int64
	for {
		difat = 0
		if fat > headerDIFATLen {
			difat = ceilDiv(fat-headerDIFATLen, perSector-1)
		}
		need := ceilDiv(data+fat+difat, perSector)
		if need <= fat {
			break
		}
		fat = need
	}
	total := data + fat + difat
	if total > int64(maxRegSect) {
		return nil, treeErr("the tree needs %d sectors, more than a compound file can address", total)
	}
	l.numFAT, l.numDIFAT = uint32(fat), uint32(difat)
	next := uint32(fat + difat)
	l.dirStart, next = next, next+l.dirSectors
	l.miniFATStart, next = next, next+l.miniFATSecs
	l.miniStart, next = next, next+l.miniSecs
	for _, e := range l.bigStreams {
		e.start = next
		next += uint32((e.size + ss - 1) / ss)
	}
	l.totalSectors = next
	root0 := l.entries[0]
	root0.size = int64(l.miniSectors) * miniSectorSize
	root0.start = endOfChain
	if l.miniSectors > 0 {
		root0.start = l.miniStart
	}
	return l, nil
}

var rootName = []uint16{'R', 'o', 'o', 't', ' ', 'E', 'n', 't', 'r', 'y'}

// addChildren gives the children of storage p consecutive
// ids, links them as a balanced red-black tree, and recurses.
func (l *layout) addChildren(p *dirEntry) error {
	kids := make([]*dirEntry, 0, len(p.node.Children))
	for _, n := range p.node.Children {
		if n == nil {
			return treeErr("nil child in storage %q", p.node.Name)
		}
		u, err := checkName(n.Name)
		if err != nil {
			return err
		}
		e := &dirEntry{node: n, units: u, typ: TypeStream, left: noStream, right: noStream, child: noStream}
		if n.Storage {
			// A storage reachable twice would make the tree a graph (or a
			// cycle, recursing forever); streams may be shared freely.
			if l.storages[n] {
				return treeErr("storage %q appears twice in the tree", n.Name)
			}
			l.storages[n] = true
			e.typ = TypeStorage
		} else {
			e.size = n.streamSize()
			if e.size < 0 {
				return treeErr("stream %q has negative size %d", n.Name, e.size)
			}
			if l.version == 3 && e.size > v3MaxStream {
				return treeErr("stream %q is %d bytes, too large for a version 3 file (use version 4)", n.Name, e.size)
			}
		}
		kids = append(kids, e)
	}
	slices.SortStableFunc(kids, func(a, b *dirEntry) int { return compareNames(a.units, b.units) })
	for i := 1; i < len(kids); i++ {
		if compareNames(kids[i-1].units, kids[i].units) == 0 {
			return treeErr("storage %q has two children named %q and %q (names compare case-insensitively)", p.node.Name, kids[i-1].node.Name, kids[i].node.Name)
		}
	}
	if uint64(len(l.entries))+uint64(len(kids)) > uint64(maxRegSect) {
		return treeErr("too many directory entries")
	}
	first := uint32(len(l.entries))
	l.entries = append(l.entries, kids...)
	p.child = buildRBTree(l.entries, first, uint32(len(kids)), redDepth(len(kids)), 0)
	for _, e := range kids {
		if e.typ == TypeStorage {
			if err := l.addChildren(e); err != nil {
				return err
			}
		}
	}
	return nil
}

// buildRBTree links the sorted entries [first, first+n) as a balanced binary
// tree (middle element at the top) and returns the id of its top. In such a
// tree every level is full except perhaps the last; colouring exactly the
// nodes of that last partial level red gives every path the same number of
// black nodes and no red node a red child, so it is a valid red-black tree.
func buildRBTree(all []*dirEntry, first, n uint32, red int, depth int) uint32 {
	if n == 0 {
		return noStream
	}
	mid := first + n/2
	e := all[mid]
	e.black = depth < red
	e.left = buildRBTree(all, first, mid-first, red, depth+1)
	e.right = buildRBTree(all, mid+1, first+n-mid-1, red, depth+1)
	return mid
}

// redDepth is the depth of the first level that is not full in a balanced
// tree of n nodes (nodes at that depth are coloured red); when n = 2^k - 1
// every level is full and the result k lies below all nodes.
func redDepth(n int) int {
	d := 0
	for (1<<(d+1))-1 <= n {
		d++
	}
	return d
}

func ceilDiv(a, b int64) int64 { return (a + b - 1) / b }
