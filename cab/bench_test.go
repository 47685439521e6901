package cab

import (
	"bytes"
	"io"
	"math/rand"
	"testing"
)

// benchCorpus is ~8 MiB of mixed members (text, random, zeros, patterns).
func benchCorpus() []testMember { return mixedMembers(7, 16) }

func corpusSize(ms []testMember) int64 {
	var n int64
	for _, m := range ms {
		n += int64(len(m.data))
	}
	return n
}

func BenchmarkChecksum(b *testing.B) {
	buf := make([]byte, blockSize)
	rand.New(rand.NewSource(1)).Read(buf)
	b.SetBytes(blockSize)
	for b.Loop() {
		checksum(buf, 0)
	}
}

func benchmarkWrite(b *testing.B, cfg func(*Writer)) {
	ms := benchCorpus()
	b.SetBytes(corpusSize(ms))
	b.ReportAllocs()
	for b.Loop() {
		w := NewWriter(io.Discard)
		if cfg != nil {
			cfg(w)
		}
		for _, m := range ms {
			fw, err := w.Create(&FileHeader{Name: m.name})
			if err != nil {
				b.Fatal(err)
			}
			fw.Write(m.data)
		}
		if err := w.Close(); err != nil {
			b.Fatal(err)
		}
	}
}

func BenchmarkWriteMSZIP(b *testing.B)          { benchmarkWrite(b, nil) }
func BenchmarkWriteMSZIPOneWorker(b *testing.B) { benchmarkWrite(b, func(w *Writer) { w.Workers = 1 }) }
func BenchmarkWriteNone(b *testing.B)           { benchmarkWrite(b, func(w *Writer) { w.Method = MethodNone }) }

func benchmarkRead(b *testing.B, cfg func(*Writer), parallel bool) {
	ms := benchCorpus()
	data := writeCab(b, ms, cfg)
	b.SetBytes(corpusSize(ms))
	b.ReportAllocs()
	for b.Loop() {
		r, err := NewReader(bytes.NewReader(data), int64(len(data)))
		if err != nil {
			b.Fatal(err)
		}
		workers := 1
		if parallel {
			workers = 0
		}
		err = Each(r.Files, workers, true, func(f *File, rd io.Reader) error {
			_, err := io.Copy(io.Discard, rd)
			return err
		})
		if err != nil {
			b.Fatal(err)
		}
	}
}

func BenchmarkReadMSZIP(b *testing.B) { benchmarkRead(b, nil, false) }
func BenchmarkReadNone(b *testing.B) {
	benchmarkRead(b, func(w *Writer) { w.Method = MethodNone }, false)
}

// BenchmarkReadMSZIPFoldersParallel: one folder per member, decoded on all
// cores (compare with BenchmarkReadMSZIPFoldersSerial).
func BenchmarkReadMSZIPFoldersParallel(b *testing.B) {
	benchmarkRead(b, func(w *Writer) { w.FolderPerFile = true }, true)
}

func BenchmarkReadMSZIPFoldersSerial(b *testing.B) {
	benchmarkRead(b, func(w *Writer) { w.FolderPerFile = true }, false)
}

// BenchmarkOpenCorpus: header parsing of the libmspack corpus cabinets.
func BenchmarkOpenSplitSet(b *testing.B) {
	dir := corpusDir(b, "cab/cabextract-tests/cabs")
	for b.Loop() {
		r, err := OpenSet(dir + "/split-1.cab")
		if err != nil {
			b.Fatal(err)
		}
		r.Close()
	}
}
