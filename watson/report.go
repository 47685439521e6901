package watson

import (
	"bytes"
	"crypto/sha256"
	"encoding/hex"
	"fmt"
	"strconv"
	"time"

	"github.com/ohotfix/ohotfix/cab"
)

// Report is one failure report: its cabinet and what identifies it.
type Report struct {
	ID        string    // SHA-256 of Cabinet, lower-case hex
	Bucket    string    // token derived from EventType and Params
	EventType string    // OHotfixSetupFailure
	Params    Params    // P1..P10
	Created   time.Time // when the failure happened (UTC)
	Members   []string  // member names, manifest first
	Cabinet   []byte
}

// Build makes the report of a failure: the manifest and the redacted
// attachments, packed in a cabinet. The same Input (including Time) gives
// the same bytes; r nil means DefaultRedactor.
func Build(in Input, r *Redactor) (*Report, error) {
	in.defaults()
	if r == nil {
		r = DefaultRedactor()
	}
	red := r.compile()
	params := paramsOf(&in, red)
	m := &Manifest{}
	// The DW 2.0 manifest keys a generic-mode report needs ([doc MSODW]):
	// UI strings, reporting fields, the bucket, and the files it carries.
	m.set("Version", strconv.Itoa(0x00020000))
	m.set("UI LCID", "1033")
	m.set("General_AppName", "ohotfix")
	m.set("Main_Intro_Bold", "ohotfix could not apply an update.")
	m.set("Queued_EventDescription", "Update failure ("+params[6]+")")
	m.set("EventType", EventType)
	for i, v := range params {
		m.set("P"+strconv.Itoa(i+1), v)
	}
	m.set("ReportingFlags", "0")
	m.set("Created", in.Time.Format(time.RFC3339))

	type member struct {
		name string
		data []byte
	}
	var members []member
	mainLog, err := mainLogAttachment(in.MainLogPath)
	if err != nil {
		return nil, fmt.Errorf("watson: reading the ohotfix log: %w", err)
	}
	if mainLog != nil {
		members = append(members, member{MainLogName, []byte(red.redact(string(toUTF8(mainLog))))})
	}
	tail, err := msiTail(in.MsiLogPath)
	if err != nil {
		return nil, fmt.Errorf("watson: reading the Msi log: %w", err)
	}
	if tail != nil {
		members = append(members, member{MsiLogName, []byte(red.redact(string(tail)))})
	}
	if len(in.ResultJSON) > 0 {
		doc := in.ResultJSON
		if len(doc) > maxResultDoc {
			doc = withNote(doc[len(doc)-maxResultDoc:], int64(len(doc)-maxResultDoc))
		}
		members = append(members, member{ResultName, []byte(red.redact(string(toUTF8(doc))))})
	}
	keep := ""
	for i, a := range members {
		if i > 0 {
			keep += "|"
		}
		keep += a.name
	}
	m.set("FilesToKeep", keep)
	members = append([]member{{ManifestName, m.Marshal()}}, members...)

	var buf bytes.Buffer
	w := cab.NewWriter(&buf)
	w.Workers = 1 // reports are small; a failing run should not fan out
	names := make([]string, 0, len(members))
	for _, a := range members {
		f, err := w.Create(&cab.FileHeader{Name: a.name, Modified: in.Time, Attributes: cab.AttrArchive})
		if err != nil {
			return nil, err
		}
		if _, err := f.Write(a.data); err != nil {
			return nil, err
		}
		names = append(names, a.name)
	}
	if err := w.Close(); err != nil {
		return nil, err
	}
	return &Report{ID: idOf(buf.Bytes()), Bucket: Bucket(EventType, params), EventType: EventType,
		Params: params, Created: in.Time, Members: names, Cabinet: buf.Bytes()}, nil
}

// idOf is the report id of a cabinet: its SHA-256.
func idOf(cabinet []byte) string {
	sum := sha256.Sum256(cabinet)
	return hex.EncodeToString(sum[:])
}
