package patch

import (
	"bytes"
	"errors"
	"fmt"
	"io"

	"github.com/ohotfix/ohotfix/delta"
	"github.com/ohotfix/ohotfix/msi"
	"github.com/ohotfix/ohotfix/msi/transform"
)

// makeDeltas (CreateOptions.Delta) makes a PA19 delta of every delivered
// file the target already has, against the target's file, and keeps those
// smaller than the file; the others (too large for the LZX window, or no
// smaller) stay whole.
func (c *creator) makeDeltas() error {
	c.deltas = map[string][]byte{}
	if !c.opt.Delta {
		return nil
	}
	// A second pass over the target keeps only the old files a delta is
	// made against: memory holds the changed files, not the product.
	old := map[string][]byte{}
	for _, key := range c.delivered {
		if !c.added[key] {
			old[key] = nil
		}
	}
	if err := c.tsrc.each(func(f *fileRow, r io.Reader) error {
		if _, ok := old[f.key]; !ok {
			return nil
		}
		b, err := io.ReadAll(r)
		old[f.key] = b
		return err
	}); err != nil {
		return fmt.Errorf("reading the target's files: %w", err)
	}
	for _, key := range c.delivered {
		if c.added[key] {
			continue
		}
		d, err := delta.CreateBytes(old[key], c.data[key], delta.CreateOptions{})
		switch {
		case errors.Is(err, delta.ErrNotSmaller), errors.Is(err, delta.ErrTooLarge):
			continue
		case err != nil:
			return fmt.Errorf("making the delta of %s: %w", key, err)
		}
		c.deltas[key] = d
	}
	return nil
}

// member is what the patch cabinet holds for a delivered file: its delta,
// or the whole file.
func (c *creator) member(key string) []byte {
	if d, ok := c.deltas[key]; ok {
		return d
	}
	return c.data[key]
}

// maxBinaryStreamName is the longest stream name (decoded) that surely fits
// a CFB entry name once MSI-packed: 31 UTF-16 units, two name characters
// of [0-9A-Za-z._] per unit.
const maxBinaryStreamName = 60

// fitsStreamName reports whether a binary cell's stream name can be stored
// in the transform; when not, the header goes to MsiPatchHeaders.
func fitsStreamName(name string) bool {
	if len(name) > maxBinaryStreamName {
		return false
	}
	for _, r := range name {
		if !(r >= '0' && r <= '9' || r >= 'A' && r <= 'Z' || r >= 'a' && r <= 'z' || r == '.' || r == '_') {
			return false
		}
	}
	return true
}

// deltaTables adds to final (the state after the patch transform) a Patch
// row for every delta file: its patch sequence, the delta's size, vital
// (Attributes 0) and the PA19 header, in the row's Header column or, when
// the stream name "Patch.<File>.<Sequence>" would be too long, in an
// MsiPatchHeaders row the Patch row names (StreamRef_). The File row of a
// delta file keeps its product sequence and attributes: the installer
// copies the old file from the product's media and PatchFiles patches it.
func (c *creator) deltaTables(seqOf map[string]int) error {
	if len(c.deltas) == 0 {
		return nil
	}
	db := c.final
	pt, err := db.CreateTable("Patch", transform.StandardSchema("Patch"))
	if err != nil {
		return err
	}
	var headers *msi.Table
	for _, key := range c.delivered {
		d, ok := c.deltas[key]
		if !ok {
			continue
		}
		h, err := delta.ReadHeader(bytes.NewReader(d))
		if err != nil {
			return fmt.Errorf("the delta of %s: %w", key, err)
		}
		hdr := d[:h.Size]
		seq := seqOf[key]
		if fitsStreamName(fmt.Sprintf("Patch.%s.%d", key, seq)) {
			if err := pt.Insert(key, seq, len(d), 0, hdr, nil); err != nil {
				return fmt.Errorf("Patch row of %s: %w", key, err)
			}
			continue
		}
		if headers == nil {
			if headers, err = db.CreateTable("MsiPatchHeaders", transform.StandardSchema("MsiPatchHeaders")); err != nil {
				return err
			}
		}
		ref := fmt.Sprintf("PH%d", seq)
		if err := headers.Insert(ref, hdr); err != nil {
			return fmt.Errorf("MsiPatchHeaders row of %s: %w", key, err)
		}
		if err := pt.Insert(key, seq, len(d), 0, nil, ref); err != nil {
			return fmt.Errorf("Patch row of %s: %w", key, err)
		}
	}
	return nil
}
