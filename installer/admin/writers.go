package admin

import (
	"bytes"
	"io"
	"runtime"
	"sync"
	"time"
)

// pipelineMax is the largest member handed to the writer pool as a buffer;
// bigger ones are written by the decoding goroutine itself, so memory stays
// bounded by about (queue + writers) × pipelineMax.
const pipelineMax = 4 << 20

// writerPool writes decoded files on other goroutines while the cabinet
// decoder (one goroutine per folder, inherently sequential) goes on with the
// next member: on two cores decoding and writing overlap.
type writerPool struct {
	work chan writeTask
	wg   sync.WaitGroup
	bufs sync.Pool
	mu   sync.Mutex
	err  error
	wrap func(io.Writer) io.Writer
}

type writeTask struct {
	path  string
	buf   *bytes.Buffer
	mtime time.Time
}

func newWriterPool(wrap func(io.Writer) io.Writer) *writerPool {
	n := max(1, runtime.GOMAXPROCS(0))
	p := &writerPool{work: make(chan writeTask, 2*n), wrap: wrap}
	p.bufs.New = func() any { return new(bytes.Buffer) }
	for range n {
		p.wg.Add(1)
		go func() {
			defer p.wg.Done()
			for t := range p.work {
				if p.failed() == nil {
					if err := copyInto(t.path, bytes.NewReader(t.buf.Bytes()), int64(t.buf.Len()), t.mtime, p.wrap); err != nil {
						p.fail(err)
					}
				}
				t.buf.Reset()
				p.bufs.Put(t.buf)
			}
		}()
	}
	return p
}

func (p *writerPool) failed() error {
	p.mu.Lock()
	defer p.mu.Unlock()
	return p.err
}

func (p *writerPool) fail(err error) {
	p.mu.Lock()
	if p.err == nil {
		p.err = err
	}
	p.mu.Unlock()
}

// write copies src (size bytes) to a new file at path: through the pool for
// small files, directly otherwise. A write error of the pool may surface on a
// later call or on wait.
func (p *writerPool) write(path string, src io.Reader, size int64, mtime time.Time) error {
	if err := p.failed(); err != nil {
		return err
	}
	if size < 0 || size > pipelineMax {
		return copyInto(path, src, size, mtime, p.wrap)
	}
	buf := p.bufs.Get().(*bytes.Buffer)
	buf.Grow(int(size))
	n, err := buf.ReadFrom(src)
	if err == nil && n != size {
		err = io.ErrUnexpectedEOF
	}
	if err != nil {
		buf.Reset()
		p.bufs.Put(buf)
		return err
	}
	p.work <- writeTask{path: path, buf: buf, mtime: mtime}
	return nil
}

// wait stops the pool and returns the first write error.
func (p *writerPool) wait() error {
	close(p.work)
	p.wg.Wait()
	return p.failed()
}
