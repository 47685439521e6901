package cfb

import (
	"bytes"
	"io"
	"math/rand/v2"
	"os"
	"path/filepath"
	"strconv"
	"sync"
	"testing"

	"github.com/richardlehane/mscfb"
)

// largeTree is 20,000 streams totalling about 200 MB (a quarter of them
// small enough for the mini stream) in 20 storages, all backed by one shared
// random buffer so building the tree costs nothing.
func largeTree() (*Node, int64) {
	shared := make([]byte, 32<<10)
	rng := rand.New(rand.NewPCG(3, 4))
	for i := range shared {
		shared[i] = byte(rng.Uint32())
	}
	root := &Node{Storage: true}
	var total int64
	for s := 0; s < 20; s++ {
		st := &Node{Name: "storage" + strconv.Itoa(s), Storage: true}
		for i := 0; i < 1000; i++ {
			size := 13_000 + (i*7919)%700
			if i%4 == 0 {
				size = 1000 + i%3000
			}
			total += int64(size)
			st.Children = append(st.Children, &Node{Name: "stream" + strconv.Itoa(i), Source: bytes.NewReader(shared[:size]), Size: int64(size)})
		}
		root.Children = append(root.Children, st)
	}
	return root, total
}

func BenchmarkWriteLargeTree(b *testing.B) {
	root, total := largeTree()
	b.SetBytes(total)
	b.ReportAllocs()
	for b.Loop() {
		if err := Write(io.Discard, root, nil); err != nil {
			b.Fatal(err)
		}
	}
}

var (
	largeFileOnce sync.Once
	largeFilePath string
	largeFileErr  error
)

// largeFile writes the large tree to a temporary file once per run.
func largeFile(b *testing.B) string {
	largeFileOnce.Do(func() {
		dir, err := os.MkdirTemp("", "cfb-bench-")
		if err != nil {
			largeFileErr = err
			return
		}
		root, _ := largeTree()
		largeFilePath = filepath.Join(dir, "large.cfb")
		largeFileErr = WriteFile(largeFilePath, root, nil)
	})
	if largeFileErr != nil {
		b.Fatal(largeFileErr)
	}
	return largeFilePath
}

// TestMain removes the benchmark's temporary file.
func TestMain(m *testing.M) {
	code := m.Run()
	if largeFilePath != "" {
		os.RemoveAll(filepath.Dir(largeFilePath))
	}
	os.Exit(code)
}

// benchFiles: the largest corpus file and the 200 MB synthetic one.
func benchFiles(b *testing.B) map[string]string {
	return map[string]string{
		"vcredist.msi": filepath.Join(corpusDir(b, filepath.Join("msi", "lessmsi")), "vcredist.msi"),
		"large-200MB":  largeFile(b),
	}
}

// readAllBench runs readAll on each bench file, opened once, with a reused
// 64 KiB copy buffer, counting the file size as the bytes processed.
func readAllBench(b *testing.B, readAll func(f *os.File, size int64, buf []byte) error) {
	for name, path := range benchFiles(b) {
		b.Run(name, func(b *testing.B) {
			f, err := os.Open(path)
			if err != nil {
				b.Fatal(err)
			}
			defer f.Close()
			fi, _ := f.Stat()
			b.SetBytes(fi.Size())
			b.ReportAllocs()
			buf := make([]byte, 64<<10)
			for b.Loop() {
				if err := readAll(f, fi.Size(), buf); err != nil {
					b.Fatal(err)
				}
			}
		})
	}
}

// BenchmarkOpenReadAll opens a file and reads every stream through a
// reused buffer, as an extractor would.
func BenchmarkOpenReadAll(b *testing.B) {
	readAllBench(b, func(f *os.File, size int64, buf []byte) error {
		r, err := NewReader(f, size)
		if err != nil {
			return err
		}
		return r.Root().walk(func(e *Entry) error {
			if e.IsStorage() {
				return nil
			}
			s, err := r.OpenStream(e)
			if err != nil {
				return err
			}
			_, err = io.CopyBuffer(io.Discard, struct{ io.Reader }{s}, buf)
			return err
		})
	})
}

// BenchmarkMscfbOpenReadAll is the same work done by richardlehane/mscfb,
// the peer reader, for comparison.
func BenchmarkMscfbOpenReadAll(b *testing.B) {
	readAllBench(b, func(f *os.File, _ int64, buf []byte) error {
		doc, err := mscfb.New(f)
		if err != nil {
			return err
		}
		for e, err := doc.Next(); err == nil; e, err = doc.Next() {
			if e.FileInfo().IsDir() {
				continue
			}
			if _, err := io.CopyBuffer(io.Discard, struct{ io.Reader }{e}, buf); err != nil {
				return err
			}
		}
		return nil
	})
}

// BenchmarkRewrite is the MSI patching path: open, take the Tree and write
// every stream back out.
func BenchmarkRewrite(b *testing.B) {
	path := filepath.Join(corpusDir(b, filepath.Join("msi", "lessmsi")), "vcredist.msi")
	data, err := os.ReadFile(path)
	if err != nil {
		b.Fatal(err)
	}
	b.SetBytes(int64(len(data)))
	b.ReportAllocs()
	for b.Loop() {
		r, err := NewReader(bytes.NewReader(data), int64(len(data)))
		if err != nil {
			b.Fatal(err)
		}
		tree, err := r.Tree()
		if err != nil {
			b.Fatal(err)
		}
		if err := Write(io.Discard, tree, nil); err != nil {
			b.Fatal(err)
		}
	}
}
