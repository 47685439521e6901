// Package watson prepares, queues and uploads Setup Watson failure reports,
// and collects them on a server — the role Office's DW20 and its Corporate
// Error Reporting server played for OHotfix (RunSetupWatson=1).
//
// A report is a cabinet (written with package cab) holding a DW-style
// manifest — member manifest.txt, UTF-8, one KEY=VALUE per line, with
// EventType=OHotfixSetupFailure and the bucket parameters P1..P10 — and the
// attachments that explain the failure: the ohotfix log, the tail of the
// Msi log around the failure and the JSON result, with user names and home
// paths redacted. Build makes one from plain inputs (Input); nothing here
// depends on how a run is organised.
//
// The bucket is a token of [A-Za-z0-9._-] derived from the event type and
// P1..P10 alone, so equal failures on any machine fall into the same
// bucket; the report id is the SHA-256 of the cabinet's bytes, so a report
// sent twice is stored once.
//
// Reports wait in a Queue folder (<temp>/OHotfix/Watson by default), each
// with the destination it is meant for, and leave it only after a
// collector answered 2xx to POST <url>/reports; a process killed during an
// upload therefore loses nothing. Decide is the consent rule (pure), and
// OnFailure is the one call a failed run makes: consent, build, queue,
// bounded upload.
//
// Collector is the server side (ohotfix watson serve): it validates each
// cabinet with package cab, stores it as DIR/<bucket>/<id>.cab and serves
// the buckets as JSON and as an HTML page with an inline SVG chart.
package watson
