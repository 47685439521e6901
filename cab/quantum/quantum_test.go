package quantum

import (
	"bytes"
	"crypto/md5"
	"encoding/hex"
	"io"
	"path/filepath"
	"testing"

	"github.com/ohotfix/ohotfix/cab/internal/rawcab"
)

// folderBlocks feeds a parsed folder to NewBlockReader.
type folderBlocks struct {
	blocks []rawcab.Block
}

// asBlocks makes the test encoder's frames, one per block, a folder's
// blocks.
func asBlocks(frames [][]byte) []rawcab.Block {
	blocks := make([]rawcab.Block, len(frames))
	for i, f := range frames {
		blocks[i].Data = f
	}
	return blocks
}

func (f *folderBlocks) NextBlock() ([]byte, error) {
	if len(f.blocks) == 0 {
		return nil, io.EOF
	}
	b := f.blocks[0].Data
	f.blocks = f.blocks[1:]
	return b, nil
}

// decodeFolder decodes a Quantum folder both ways (block and stream mode);
// the block mode result is returned, and stream mode must agree with it
// when it succeeds.
func decodeFolder(t testing.TB, f *rawcab.Folder) ([]byte, error) {
	t.Helper()
	if f.Method() != rawcab.MethodQuantum {
		t.Fatalf("folder is method %d, not Quantum", f.Method())
	}
	r, err := NewBlockReader(&folderBlocks{f.Blocks}, f.WindowBits(), f.UncompressedSize())
	if err != nil {
		return nil, err
	}
	out, err := io.ReadAll(r)
	r2, err2 := NewReader(bytes.NewReader(f.Payload()), f.WindowBits(), f.UncompressedSize())
	if err2 != nil {
		t.Fatalf("NewReader: %v", err2)
	}
	out2, err2 := io.ReadAll(r2)
	if err == nil && err2 == nil && !bytes.Equal(out, out2) {
		t.Errorf("stream mode output differs from block mode")
	}
	if (err == nil) != (err2 == nil) {
		t.Logf("block mode error %v, stream mode error %v", err, err2)
	}
	return out, err
}

func md5hex(b []byte) string {
	s := md5.Sum(b)
	return hex.EncodeToString(s[:])
}

// TestMSZIPLZXQTM: qtm.txt of libmspack's mszip_lzx_qtm.cab (and the same
// cabinet as cabextract's mixed.cab) against the README md5.
func TestMSZIPLZXQTM(t *testing.T) {
	for _, name := range []string{"libmspack-cabd/mszip_lzx_qtm.cab", "cabextract-tests/cabs/mixed.cab"} {
		cab := rawcab.OpenCorpus(t, name)
		for _, file := range cab.Files {
			if file.Name != "qtm.txt" {
				continue
			}
			out, err := decodeFolder(t, &cab.Folders[file.Folder])
			if err != nil {
				t.Fatalf("%s: %v", name, err)
			}
			if got := md5hex(out[file.Offset : file.Offset+file.Size]); got != "98fcfa4962a0f169a3c7fdbcb445cf17" {
				t.Errorf("%s: qtm.txt md5 %s", name, got)
			}
		}
	}
}

// TestAgainstCabextract: every member of the multi-frame Quantum sample
// decodes to the bytes cabextract extracts.
func TestAgainstCabextract(t *testing.T) {
	for _, name := range []string{"cabextract-tests/bugs/cve-2010-2801-qtm-flush.cab", "libmspack-cabd/mszip_lzx_qtm.cab"} {
		path := filepath.Join(rawcab.CorpusDir(t), name)
		cab := rawcab.OpenCorpus(t, name)
		for _, file := range cab.Files {
			f := &cab.Folders[file.Folder]
			if f.Method() != rawcab.MethodQuantum {
				continue
			}
			out, err := decodeFolder(t, f)
			if err != nil {
				t.Fatalf("%s: %v", name, err)
			}
			want := rawcab.Cabextract(t, path, file.Name)
			if got := out[file.Offset : file.Offset+file.Size]; !bytes.Equal(got, want) {
				t.Errorf("%s: %s differs from cabextract (%d vs %d bytes)", name, file.Name, len(got), len(want))
			}
		}
	}
}

// TestCorruptSamples: the historical Quantum crashers fail with ErrCorrupt.
func TestCorruptSamples(t *testing.T) {
	rawcab.ExpectFailure(t, []string{
		"libmspack-cabd/cve-2014-9556-qtm-infinite-loop.cab",
		"libmspack-cabd/cve-2018-18584-qtm-max-size-block.cab",
		"cabextract-tests/bugs/cve-2014-9556-qtm-infinite-loop.cab",
		"cabextract-tests/bugs/qtm-max-size-block.cab",
		"gcab-tests/CVE-2014-9556.cab",
	}, rawcab.MethodQuantum, ErrCorrupt, func(f *rawcab.Folder) error {
		_, err := decodeFolder(t, f)
		return err
	})
}
