package cab

import (
	"bufio"
	"io"
	"os"
)

// spoolMemory is how much compressed data the writer keeps in memory
// before moving it to a temporary file.
const spoolMemory = 4 << 20

// spool holds the compressed blocks until the headers are written.
type spool struct {
	dir  string
	mem  []byte
	file *os.File
	buf  *bufio.Writer // batches the file's writes (few system calls)
	size int64
}

func newSpool(dir string) *spool { return &spool{dir: dir} }

func (s *spool) write(b []byte) error {
	s.size += int64(len(b))
	if s.file == nil && len(s.mem)+len(b) <= spoolMemory {
		if s.mem == nil {
			s.mem = make([]byte, 0, spoolMemory)
		}
		s.mem = append(s.mem, b...)
		return nil
	}
	if s.file == nil {
		f, err := os.CreateTemp(s.dir, "ohotfix-cab-*.spool")
		if err != nil {
			return err
		}
		os.Remove(f.Name()) // unlinked: nothing is left behind on a crash (POSIX)
		s.file = f
		s.buf = bufio.NewWriterSize(f, 1<<20)
		if _, err := s.buf.Write(s.mem); err != nil {
			return err
		}
		s.mem = nil
	}
	_, err := s.buf.Write(b)
	return err
}

func (s *spool) copyTo(w io.Writer) error {
	if s.file == nil {
		_, err := w.Write(s.mem)
		return err
	}
	if err := s.buf.Flush(); err != nil {
		return err
	}
	if _, err := s.file.Seek(0, io.SeekStart); err != nil {
		return err
	}
	_, err := io.Copy(w, s.file)
	return err
}

func (s *spool) release() {
	if s.file != nil {
		name := s.file.Name()
		s.file.Close()
		os.Remove(name) // for systems where the early remove failed
		s.file = nil
	}
	s.mem = nil
}
