package cfb

import (
	"io"
	"time"
)

// Node is one entry of a tree to be written: a storage (Storage true, with
// Children) or a stream (Data, or Source+Size for content copied from
// elsewhere, e.g. a *Stream of a Reader).
type Node struct {
	Name      string // ignored for the root, which is always "Root Entry"
	Storage   bool
	CLSID     [16]byte
	StateBits uint32
	// Created and Modified are written as given. MS-CFB wants both zero for
	// streams and Created zero for the root; Reader.Tree passes on whatever
	// the original file held, so a rewrite changes nothing it need not.
	Created  time.Time
	Modified time.Time
	Data     []byte      // stream bytes, used when Source is nil
	Source   io.ReaderAt // alternative to Data for large streams
	Size     int64       // number of bytes of Source; ignored when Source is nil
	// Children of a storage, in any order: Write sorts them the CFB way and
	// builds the red-black tree itself. Sibling names must differ
	// case-insensitively.
	Children []*Node
}

// streamSize is the number of bytes the node's stream holds.
func (n *Node) streamSize() int64 {
	if n.Source != nil {
		return n.Size
	}
	return int64(len(n.Data))
}

// Tree returns the whole file as Nodes. Streams are not read: each stream
// Node's Source is the lazily read *Stream, so a caller can replace a few
// streams and Write the rest straight from this file.
func (r *Reader) Tree() (*Node, error) {
	return r.nodeOf(r.root)
}

func (r *Reader) nodeOf(e *Entry) (*Node, error) {
	n := &Node{
		Name:      e.Name,
		Storage:   e.IsStorage(),
		CLSID:     e.CLSID,
		StateBits: e.StateBits,
		Created:   e.Created,
		Modified:  e.Modified,
	}
	if !n.Storage {
		s, err := r.OpenStream(e)
		if err != nil {
			return nil, err
		}
		n.Source, n.Size = s, s.Size()
		return n, nil
	}
	n.Children = make([]*Node, 0, len(e.Children))
	for _, c := range e.Children {
		cn, err := r.nodeOf(c)
		if err != nil {
			return nil, err
		}
		n.Children = append(n.Children, cn)
	}
	return n, nil
}
