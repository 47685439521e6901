package cab

import (
	"io/fs"
	"path"
	"strings"
	"time"
)

// Mode maps the DOS attributes to permission bits: read-only members lose
// the write bits, "run after extraction" members gain the execute bits.
func (h *FileHeader) Mode() fs.FileMode {
	m := fs.FileMode(0o644)
	if h.Attributes&AttrReadOnly != 0 {
		m = 0o444
	}
	if h.Attributes&AttrExec != 0 {
		m |= 0o111
	}
	return m
}

// FileInfo describes the member as an fs.FileInfo (its Name is the last
// element of the name, with `\` as separator).
func (h *FileHeader) FileInfo() fs.FileInfo { return headerFileInfo{h} }

type headerFileInfo struct{ h *FileHeader }

func (fi headerFileInfo) Name() string {
	return path.Base(strings.ReplaceAll(fi.h.Name, `\`, "/"))
}
func (fi headerFileInfo) Size() int64        { return fi.h.Size }
func (fi headerFileInfo) Mode() fs.FileMode  { return fi.h.Mode() }
func (fi headerFileInfo) ModTime() time.Time { return fi.h.Modified }
func (fi headerFileInfo) IsDir() bool        { return false }
func (fi headerFileInfo) Sys() any           { return fi.h }
