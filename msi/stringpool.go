package msi

import (
	"encoding/binary"
	"fmt"
)

// StringPool is the shared string table of a database (or of a transform):
// the `_StringPool` stream (a header word, then a {length, refcount} pair per
// string id) and the `_StringData` stream (all strings back to back, in the
// pool's code page). Id 0 is the NULL/empty string; an id whose entry is
// {0, 0} is a hole that still consumes an id. Strings of 64 KiB or more take
// two entries, {0, high 16 bits of length} then {low 16 bits, refcount}, but
// only one id.
//
// Strings are held decoded (UTF-8 Go strings). Table cells hold string ids;
// the width of an id in every table of the database is RefWidth (2, or 3 when
// the header's bit 31 says "long string references").
type StringPool struct {
	// Codepage is the code page of the strings (the header's low 31 bits).
	Codepage int
	// LongRefs reports 3-byte string references. Encode sets it when the
	// pool has more ids than 2 bytes can address.
	LongRefs bool

	strs  []string // strs[id]; "" for id 0 and for holes
	refs  []uint16 // refcount per id, as read or as counted
	index map[string]uint32
}

// NewStringPool returns an empty pool for code page cp.
func NewStringPool(cp int) *StringPool {
	return &StringPool{Codepage: cp, strs: []string{""}, refs: []uint16{0}}
}

const longRefsFlag = 0x80000000

// decodeStringPool parses raw `_StringPool` and `_StringData` stream bytes.
// An empty pool stream means code page 0 and no strings.
func decodeStringPool(pool, data []byte) (*StringPool, error) {
	p := NewStringPool(0)
	if len(pool) == 0 {
		if len(data) != 0 {
			return nil, formatErr("_StringPool", "pool is empty but _StringData holds %d bytes", len(data))
		}
		return p, nil
	}
	if len(pool)%4 != 0 {
		return nil, formatErr("_StringPool", "size %d is not a multiple of 4", len(pool))
	}
	hdr := binary.LittleEndian.Uint32(pool)
	if len(pool) > 4 {
		// Like Windows Installer, a pool with no entries has code page 0
		// and short references whatever its header says.
		p.LongRefs = hdr&longRefsFlag != 0
		p.Codepage = int(hdr &^ longRefsFlag)
	}
	cc, err := newCodec(p.Codepage)
	if err != nil {
		return nil, formatErr("_StringPool", "%v", err)
	}
	entries := len(pool)/4 - 1
	p.strs = make([]string, 1, entries+1)
	p.refs = make([]uint16, 1, entries+1)
	// One conversion of the whole data stream when it needs no decoding, so
	// that every string is a slice of it (no per-string allocation).
	var whole string
	plain := cc.cp == CodepageUTF8 || isASCII(data)
	if plain {
		whole = string(data)
	}
	off := 0
	for i := 1; i <= entries; i++ {
		e := pool[i*4:]
		n := int(binary.LittleEndian.Uint16(e))
		refs := binary.LittleEndian.Uint16(e[2:])
		if n == 0 && refs != 0 {
			// Long string: this entry carries the high word of the length.
			if i == entries {
				return nil, formatErr("_StringPool", "id %d starts a long string but the pool ends", len(p.strs))
			}
			i++
			e = pool[i*4:]
			n = int(refs)<<16 | int(binary.LittleEndian.Uint16(e))
			refs = binary.LittleEndian.Uint16(e[2:])
			if n == 0 {
				return nil, formatErr("_StringPool", "id %d: long string of length 0", len(p.strs))
			}
		}
		if n > len(data)-off {
			return nil, formatErr("_StringData", "string id %d (%d bytes at offset %d) runs past the end of the data (%d bytes)", len(p.strs), n, off, len(data))
		}
		var s string
		if plain {
			s = whole[off : off+n]
		} else if n > 0 {
			s = cc.decode(data[off : off+n])
		}
		off += n
		p.strs = append(p.strs, s)
		p.refs = append(p.refs, refs)
	}
	if off != len(data) {
		return nil, formatErr("_StringData", "%d bytes of data but the pool accounts for %d", len(data), off)
	}
	return p, nil
}

// Count is the number of ids, including id 0 and holes.
func (p *StringPool) Count() int { return len(p.strs) }

// RefWidth is the size in bytes of a string reference in tables: 2 or 3.
func (p *StringPool) RefWidth() int {
	if p.LongRefs {
		return 3
	}
	return 2
}

// String returns the string with id. Id 0 is "" (NULL); ok is false for an
// id beyond the pool. A hole also yields "" with ok true.
func (p *StringPool) String(id uint32) (s string, ok bool) {
	if int64(id) >= int64(len(p.strs)) {
		return "", false
	}
	return p.strs[id], true
}

// RefCount is the stored (or counted) reference count of id.
func (p *StringPool) RefCount(id uint32) uint16 {
	if int64(id) >= int64(len(p.refs)) {
		return 0
	}
	return p.refs[id]
}

func (p *StringPool) buildIndex() {
	if p.index != nil {
		return
	}
	p.index = make(map[string]uint32, len(p.strs))
	for id := len(p.strs) - 1; id > 0; id-- { // lowest id wins for duplicates
		if s := p.strs[id]; s != "" {
			p.index[s] = uint32(id)
		}
	}
}

// ID finds the id of s. The empty string is id 0.
func (p *StringPool) ID(s string) (uint32, bool) {
	if s == "" {
		return 0, true
	}
	p.buildIndex()
	id, ok := p.index[s]
	return id, ok
}

// Add returns the id of s, appending it if it is new, and counts one more
// reference to it. Adding "" returns 0 and changes nothing.
func (p *StringPool) Add(s string) uint32 {
	if s == "" {
		return 0
	}
	id, ok := p.ID(s)
	if !ok {
		id = uint32(len(p.strs))
		p.strs = append(p.strs, s)
		p.refs = append(p.refs, 0)
		p.index[s] = id
	}
	if p.refs[id] < 0xFFFF {
		p.refs[id]++
	}
	return id
}

// Encode produces the `_StringPool` and `_StringData` stream bytes. It sets
// LongRefs when ids beyond 0xFFFF exist (it never clears it). Strings are
// converted to the pool's code page; a string that cannot be represented
// there is an error.
func (p *StringPool) Encode() (pool, data []byte, err error) {
	cc, err := newCodec(p.Codepage)
	if err != nil {
		return nil, nil, err
	}
	if len(p.strs) > 0x10000 {
		p.LongRefs = true
	}
	if len(p.strs) > 1<<24 {
		return nil, nil, fmt.Errorf("msi: string pool has %d ids, more than 3-byte references can address", len(p.strs))
	}
	hdr := uint32(p.Codepage)
	if p.LongRefs {
		hdr |= longRefsFlag
	}
	pool = make([]byte, 4, 4+4*len(p.strs))
	binary.LittleEndian.PutUint32(pool, hdr)
	size := 0
	for _, s := range p.strs {
		size += len(s)
	}
	data = make([]byte, 0, size)
	for id := 1; id < len(p.strs); id++ {
		s := p.strs[id]
		if s == "" {
			pool = binary.LittleEndian.AppendUint32(pool, 0)
			continue
		}
		n := len(s)
		var enc []byte // nil when s is stored as is
		if cc.cp != CodepageUTF8 && !isASCIIString(s) {
			if enc, err = cc.encode(s); err != nil {
				return nil, nil, fmt.Errorf("msi: string id %d %q: %v", id, truncate(s, 40), err)
			}
			n = len(enc)
		}
		if n >= 1<<16 {
			pool = binary.LittleEndian.AppendUint16(pool, 0)
			pool = binary.LittleEndian.AppendUint16(pool, uint16(n>>16))
		}
		pool = binary.LittleEndian.AppendUint16(pool, uint16(n))
		pool = binary.LittleEndian.AppendUint16(pool, p.refs[id])
		if enc != nil {
			data = append(data, enc...)
		} else {
			data = append(data, s...)
		}
	}
	return pool, data, nil
}

func truncate(s string, n int) string {
	if len(s) <= n {
		return s
	}
	return s[:n] + "…"
}
