package cfb

import (
	"encoding/binary"
	"slices"
	"unicode/utf16"
)

// loadDirectory reads the directory chain and builds the entry tree from the
// root's red-black trees. Each entry may be reached once: a second visit
// means the links loop or two storages share an entry, which is corruption.
func (r *Reader) loadDirectory(h *header) error {
	list, err := r.fat.chain(h.firstDir, -1, "the directory")
	if err != nil {
		return err
	}
	if len(list) == 0 {
		return corruptErr("the directory is empty")
	}
	dir, err := r.readSectors(list, 0, "directory")
	if err != nil {
		return err
	}
	count := uint32(len(dir) / dirEntrySize)
	visited := make([]bool, count)
	links := make([][3]uint32, count) // left, right, child per visited entry

	parse := func(id uint32) (*Entry, error) {
		if id >= count {
			return nil, corruptErr("directory link to entry %d, beyond the %d entries", id, count)
		}
		if visited[id] {
			return nil, corruptErr("directory tree loops at entry %d", id)
		}
		visited[id] = true
		e, l, err := r.parseEntry(dir[id*dirEntrySize:(id+1)*dirEntrySize], id)
		if err != nil {
			return nil, err
		}
		links[id] = l
		return e, nil
	}

	root, err := parse(0)
	if err != nil {
		return err
	}
	if root.Type != TypeRootStorage {
		return corruptErr("directory entry 0 is a %v, not the root storage", root.Type)
	}
	r.root = root
	// Storages whose children are still to be collected; an explicit stack
	// keeps deep hostile trees from exhausting the goroutine stack.
	storages := []*Entry{root}
	for len(storages) > 0 {
		st := storages[len(storages)-1]
		storages = storages[:len(storages)-1]
		pending := []uint32{}
		if c := links[st.id][2]; c != noStream {
			pending = append(pending, c)
		}
		for len(pending) > 0 {
			id := pending[len(pending)-1]
			pending = pending[:len(pending)-1]
			e, err := parse(id)
			if err != nil {
				return err
			}
			if e.Type == TypeRootStorage {
				return corruptErr("entry %d %q is a second root storage", id, e.Name)
			}
			st.Children = append(st.Children, e)
			if e.Type == TypeStorage {
				storages = append(storages, e)
			}
			for _, sib := range links[id][:2] {
				if sib != noStream {
					pending = append(pending, sib)
				}
			}
		}
		// Sort explicitly rather than trusting the tree shape: the order is
		// the spec's and does not depend on the writer's balancing.
		slices.SortStableFunc(st.Children, func(a, b *Entry) int { return compareNames(a.units, b.units) })
	}
	return nil
}

// parseEntry decodes one 128-byte directory entry and returns its
// left-sibling, right-sibling and child links.
func (r *Reader) parseEntry(b []byte, id uint32) (*Entry, [3]uint32, error) {
	le := binary.LittleEndian
	var links [3]uint32
	e := &Entry{id: id}
	e.Type = EntryType(b[0x42])
	switch e.Type {
	case TypeStorage, TypeStream, TypeRootStorage:
	default:
		return nil, links, corruptErr("directory entry %d is linked but has type %d", id, b[0x42])
	}
	nameLen := int(le.Uint16(b[0x40:]))
	if nameLen > 64 || nameLen%2 != 0 {
		return nil, links, corruptErr("directory entry %d has name length %d", id, nameLen)
	}
	units := make([]uint16, 0, nameLen/2)
	for i := 0; i+1 < nameLen; i += 2 {
		u := le.Uint16(b[i:])
		if u == 0 {
			break
		}
		units = append(units, u)
	}
	e.units = units
	e.Name = string(utf16.Decode(units))
	links[0] = le.Uint32(b[0x44:])
	links[1] = le.Uint32(b[0x48:])
	links[2] = le.Uint32(b[0x4C:])
	if e.Type == TypeStream {
		links[2] = noStream // a stream has no children, whatever is stored
	}
	copy(e.CLSID[:], b[0x50:0x60])
	e.StateBits = le.Uint32(b[0x60:])
	e.Created = fromFiletime(le.Uint64(b[0x64:]))
	e.Modified = fromFiletime(le.Uint64(b[0x6C:]))
	e.start = le.Uint32(b[0x74:])
	size := le.Uint64(b[0x78:])
	if r.version == 3 {
		size &= 0xFFFFFFFF // old writers leave junk in the high dword
	}
	if e.Type == TypeStorage {
		size = 0 // meaningless for storages
	}
	if size > uint64(r.size) {
		return nil, links, corruptErr("entry %d %q declares size %d, larger than the %d-byte file", id, e.Name, size, r.size)
	}
	e.Size = int64(size)
	return e, links, nil
}
