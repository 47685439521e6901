package watson

import (
	"bytes"
	"fmt"
	"io"
	"os"
	"regexp"
	"unicode/utf16"
	"unicode/utf8"
)

// Member names of a report's attachments.
const (
	MainLogName = "ohotfix.log"
	MsiLogName  = "msi-tail.log"
	ResultName  = "result.json"
)

// Bounds of what a report carries from the logs: enough to explain a
// failure, small enough to upload within the few seconds a run may spend.
const (
	maxMainLog   = 1 << 20   // last 1 MiB of the ohotfix log
	maxMsiRead   = 4 << 20   // the Msi log is searched in its last 4 MiB
	msiBefore    = 200       // lines kept before the failure line
	msiAfter     = 50        // and after it
	maxMsiTail   = 256 << 10 // bytes of Msi log tail at most
	maxResultDoc = 1 << 20
)

// failureLine finds the lines of a Windows Installer (or ohotfix engine)
// log that mark a failure; the last one is where the tail is centred.
var failureLine = regexp.MustCompile(`(?i)return value 3|installation (?:operation )?failed|returning 16[0-9][0-9]|\berror\b|\bfailed\b`)

// readTail reads at most max bytes from the end of the file at path, and
// says how many bytes it left out. A missing file reads as nothing.
func readTail(path string, max int64) ([]byte, int64, error) {
	if path == "" {
		return nil, 0, nil
	}
	f, err := os.Open(path)
	if err != nil {
		if os.IsNotExist(err) {
			return nil, 0, nil
		}
		return nil, 0, err
	}
	defer f.Close()
	fi, err := f.Stat()
	if err != nil {
		return nil, 0, err
	}
	skip := int64(0)
	if fi.Size() > max {
		skip = fi.Size() - max
	}
	data, err := io.ReadAll(io.NewSectionReader(f, skip, fi.Size()-skip))
	if err != nil {
		return nil, 0, err
	}
	if skip > 0 { // start at a whole line
		if i := bytes.IndexByte(data, '\n'); i >= 0 {
			skip += int64(i + 1)
			data = data[i+1:]
		}
	}
	return data, skip, nil
}

// mainLogAttachment is the end of the ohotfix log.
func mainLogAttachment(path string) ([]byte, error) {
	data, skipped, err := readTail(path, maxMainLog)
	if err != nil || data == nil {
		return data, err
	}
	return withNote(data, skipped), nil
}

// msiTail is the part of the Msi log around its last failure line: up to
// msiBefore lines before it and msiAfter after it (the last lines when no
// line looks like a failure).
func msiTail(path string) ([]byte, error) {
	data, skipped, err := readTail(path, maxMsiRead)
	if err != nil || data == nil {
		return data, err
	}
	data = toUTF8(data)
	lines := bytes.SplitAfter(data, []byte("\n"))
	if len(lines) > 0 && len(lines[len(lines)-1]) == 0 {
		lines = lines[:len(lines)-1]
	}
	at := len(lines) - 1
	for i := len(lines) - 1; i >= 0; i-- {
		if failureLine.Match(lines[i]) {
			at = i
			break
		}
	}
	from, to := max(0, at-msiBefore), min(len(lines), at+msiAfter+1)
	for i := 0; i < from; i++ {
		skipped += int64(len(lines[i]))
	}
	out := bytes.Join(lines[from:to], nil)
	if len(out) > maxMsiTail {
		cut := len(out) - maxMsiTail
		skipped += int64(cut)
		out = out[cut:]
	}
	return withNote(out, skipped), nil
}

// withNote prefixes data with a line saying how much was left out.
func withNote(data []byte, skipped int64) []byte {
	if skipped <= 0 {
		return data
	}
	return append([]byte(fmt.Sprintf("[... %d bytes before this point are not in the report ...]\n", skipped)), data...)
}

// toUTF8 decodes a UTF-16LE log (msiexec writes them with a BOM when
// logging in Unicode) and replaces invalid bytes, so the attachment is text.
func toUTF8(b []byte) []byte {
	if len(b) >= 2 && b[0] == 0xff && b[1] == 0xfe {
		u := make([]uint16, 0, len(b)/2)
		for i := 2; i+1 < len(b); i += 2 {
			u = append(u, uint16(b[i])|uint16(b[i+1])<<8)
		}
		return []byte(string(utf16.Decode(u)))
	}
	if utf8.Valid(b) {
		return b
	}
	return bytes.ToValidUTF8(b, []byte("\uFFFD"))
}
