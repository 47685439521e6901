package cab

import (
	"bytes"
	"encoding/binary"
	"errors"
	"io"
	"testing"
	"time"
)

// hostileCab builds a header claiming many folders/files and a huge member
// in a folder with 65535 blocks that are not there.
func hostileCab(folders, files uint16, fileSize uint32) []byte {
	b := make([]byte, 0, 128)
	b = append(b, "MSCF"...)
	b = binary.LittleEndian.AppendUint32(b, 0)
	b = binary.LittleEndian.AppendUint32(b, 0x7FFFFFFF) // cbCabinet
	b = binary.LittleEndian.AppendUint32(b, 0)
	b = binary.LittleEndian.AppendUint32(b, 44) // coffFiles
	b = binary.LittleEndian.AppendUint32(b, 0)
	b = append(b, 3, 1)
	b = binary.LittleEndian.AppendUint16(b, folders)
	b = binary.LittleEndian.AppendUint16(b, files)
	b = binary.LittleEndian.AppendUint16(b, 0) // flags
	b = binary.LittleEndian.AppendUint16(b, 1)
	b = binary.LittleEndian.AppendUint16(b, 0)
	// one folder: data at 200, 65535 blocks, MSZIP
	b = binary.LittleEndian.AppendUint32(b, 200)
	b = binary.LittleEndian.AppendUint16(b, 0xFFFF)
	b = binary.LittleEndian.AppendUint16(b, 1)
	// one file
	b = binary.LittleEndian.AppendUint32(b, fileSize)
	b = binary.LittleEndian.AppendUint32(b, 0)
	b = binary.LittleEndian.AppendUint16(b, 0)
	b = append(b, 0, 0, 0, 0, 0x20, 0)
	b = append(b, "huge.bin\x00"...)
	return b
}

func TestHostileHeaders(t *testing.T) {
	// Counts the file cannot hold fail before any allocation of that size.
	for _, c := range []struct{ folders, files uint16 }{{65535, 1}, {1, 65535}} {
		data := hostileCab(c.folders, c.files, 10)
		allocs := testing.AllocsPerRun(5, func() { NewReader(bytes.NewReader(data), int64(len(data))) })
		if _, err := NewReader(bytes.NewReader(data), int64(len(data))); !errors.Is(err, ErrTruncated) {
			t.Errorf("%+v: %v", c, err)
		}
		if allocs > 50 {
			t.Errorf("%+v: %v allocations", c, allocs)
		}
	}
	// A 2 GiB member whose blocks are missing: opens, then fails at once
	// with a truncation error, without producing data.
	data := hostileCab(1, 1, 0x7FFF0000)
	r, err := NewReader(bytes.NewReader(data), int64(len(data)))
	if err != nil {
		t.Fatal(err)
	}
	start := time.Now()
	rc, err := r.Files[0].Open()
	if err == nil {
		var n int64
		n, err = io.Copy(io.Discard, rc)
		if n != 0 {
			t.Errorf("%d bytes produced", n)
		}
	}
	if !errors.Is(err, ErrTruncated) || time.Since(start) > time.Second {
		t.Errorf("huge member: %v after %v", err, time.Since(start))
	}
}

// TestFolderCursorReuse: reading a folder's members in order reuses one
// decoder (no restart from the folder start for every member), and going
// back starts a fresh one that gives the same bytes.
func TestFolderCursorReuse(t *testing.T) {
	members := mixedMembers(9, 1)
	data := writeCab(t, members, nil)
	r, err := NewReader(bytes.NewReader(data), int64(len(data)))
	if err != nil {
		t.Fatal(err)
	}
	fo := r.Folders[0]
	var prev *folderStream
	for i, f := range r.Files {
		rc, err := f.Open()
		if err != nil {
			t.Fatal(err)
		}
		fr := rc.(*fileReader)
		if i > 0 && fr.fs != prev {
			t.Errorf("member %d: new decoder instead of the folder cursor", i)
		}
		prev = fr.fs
		b, _ := io.ReadAll(rc)
		rc.Close()
		if !bytes.Equal(b, members[i].data) {
			t.Errorf("member %d differs", i)
		}
		if fo.cursor != prev {
			t.Errorf("member %d: cursor not returned", i)
		}
	}
	// Backwards: a fresh decoder, same bytes.
	if got := readAll(t, r.Files[1]); !bytes.Equal(got, members[1].data) {
		t.Errorf("re-read differs")
	}
}

func TestFileInfo(t *testing.T) {
	h := &FileHeader{Name: `dir\sub\name.exe`, Size: 12, Attributes: AttrReadOnly | AttrExec}
	fi := h.FileInfo()
	if fi.Name() != "name.exe" || fi.Size() != 12 || fi.Mode() != 0o555 || fi.IsDir() {
		t.Errorf("%v %v %v", fi.Name(), fi.Size(), fi.Mode())
	}
}

// TestChecksumVerification: a flipped payload byte is ErrChecksum by
// default; with SkipChecksums the decoder sees the damage instead (or the
// bytes differ), and a stored checksum of 0 is never verified.
func TestChecksumVerification(t *testing.T) {
	data := writeCab(t, []testMember{{"a", bytes.Repeat([]byte("checksum "), 10000)}}, func(w *Writer) { w.Method = MethodNone })
	r, err := NewReader(bytes.NewReader(data), int64(len(data)))
	if err != nil {
		t.Fatal(err)
	}
	first := r.Folders[0].segments[0].offset
	bad := append([]byte{}, data...)
	bad[first+dataHeaderSize+100] ^= 0xFF
	r, _ = NewReader(bytes.NewReader(bad), int64(len(bad)))
	if _, err := fileMD5(r.Files[0]); !errors.Is(err, ErrChecksum) || !errors.Is(err, ErrFormat) {
		t.Errorf("damaged block: %v", err)
	}
	r.SkipChecksums = true
	if got := readAll(t, r.Files[0]); bytes.Equal(got, bytes.Repeat([]byte("checksum "), 10000)) {
		t.Errorf("damage not visible with SkipChecksums")
	}
	// csum = 0 means "no checksum".
	binary.LittleEndian.PutUint32(bad[first:], 0)
	r, _ = NewReader(bytes.NewReader(bad), int64(len(bad)))
	if _, err := fileMD5(r.Files[0]); err != nil {
		t.Errorf("zero checksum verified: %v", err)
	}
}
