// Package frame delivers the output of decoders that work one frame at a
// time (LZX, Quantum): a frame is decoded only when the previous one has
// been read, and the first decoding error is returned from then on.
package frame

import "io"

// Decoder is a frame-at-a-time decoder whose output an Output delivers.
type Decoder interface {
	// Done reports that the folder's whole output has been produced.
	Done() bool
	// DecodeFrame decodes the next frame and sets the Output's Pending.
	DecodeFrame() error
}

// Output is the part of a decoder's last frame not yet delivered, and the
// error that stopped decoding (sticky: a broken stream stays broken).
type Output struct {
	Pending []byte
	Err     error
}

// Read implements io.Reader for d.
func (o *Output) Read(p []byte, d Decoder) (int, error) {
	for len(o.Pending) == 0 {
		if o.Err != nil {
			return 0, o.Err
		}
		if d.Done() {
			return 0, io.EOF
		}
		o.Err = d.DecodeFrame()
	}
	n := copy(p, o.Pending)
	o.Pending = o.Pending[n:]
	return n, nil
}

// WriteTo implements io.WriterTo for d, writing each frame straight from
// the decoder's buffer.
func (o *Output) WriteTo(w io.Writer, d Decoder) (int64, error) {
	var total int64
	for {
		if len(o.Pending) > 0 {
			n, err := w.Write(o.Pending)
			total += int64(n)
			o.Pending = o.Pending[n:]
			if err != nil {
				return total, err
			}
			continue
		}
		if o.Err != nil {
			return total, o.Err
		}
		if d.Done() {
			return total, nil
		}
		o.Err = d.DecodeFrame()
	}
}
