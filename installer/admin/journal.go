package admin

import (
	"crypto/sha256"
	"encoding/hex"
	"encoding/json"
	"errors"
	"fmt"
	"os"
	"path"
	"path/filepath"
	"strings"
	"time"

	"github.com/ohotfix/ohotfix/internal/safeopen"
)

// Names inside the image folder used by a transaction.
const (
	stageDirName  = StagingDirName
	journalName   = "journal.json" // the plan, written once and synced before any switch
	committedName = "committed"    // marker: every switch is done, only cleanup remains
	journalMagic  = "ohotfix-admin-journal"
	journalVer    = 1
)

// journalEntry is one file the transaction replaces or adds.
//
//	Target  image-relative path, slash-separated
//	Staged  staging-relative path of the new content ("new/01/000001": shard/number)
//	Backup  staging-relative path the original is moved to ("old/01/000001")
//	Existed whether Target existed when the plan was made
type journalEntry struct {
	Target  string `json:"target"`
	Staged  string `json:"staged"`
	Backup  string `json:"backup"`
	Existed bool   `json:"existed"`
}

// journal is the on-disk plan of a transaction, JSON in
// <image>/.ohotfix-txn/journal.json:
//
//	{"magic":"ohotfix-admin-journal","version":1,"image":"v1.msi",
//	 "patch":"{GUID}","created":"…","dirs":["new/sub"],
//	 "files":[{"target":"a/b.dll","staged":"new/01/000001","backup":"old/01/000001","existed":true},…],
//	 "sum":"<sha256 hex of the same document with sum empty>"}
//
// Dirs are folders the switch creates (parents first); Files are switched in
// order and undone in reverse. The journal is written to a temporary name,
// synced and renamed, so it is either absent or whole; the sum catches a
// damaged file. The presence of <stage>/committed means every switch happened.
type journal struct {
	Magic   string         `json:"magic"`
	Version int            `json:"version"`
	Image   string         `json:"image"`
	Patch   string         `json:"patch,omitempty"`
	Created time.Time      `json:"created"`
	Dirs    []string       `json:"dirs,omitempty"`
	Files   []journalEntry `json:"files"`
	Sum     string         `json:"sum"`
}

func (j *journal) digest() (string, error) {
	c := *j
	c.Sum = ""
	b, err := json.Marshal(&c)
	if err != nil {
		return "", err
	}
	h := sha256.Sum256(b)
	return hex.EncodeToString(h[:]), nil
}

// JournalError reports a journal that cannot be trusted; recovery stops and
// leaves the image as it is for a person to look at.
type JournalError struct {
	Path string
	Msg  string
}

func (e *JournalError) Error() string { return "admin journal " + e.Path + ": " + e.Msg }

// encode returns the journal's bytes with its checksum set.
func (j *journal) encode() ([]byte, error) {
	j.Magic, j.Version = journalMagic, journalVer
	sum, err := j.digest()
	if err != nil {
		return nil, err
	}
	j.Sum = sum
	return json.MarshalIndent(j, "", " ")
}

// maxJournal bounds the journal read into memory: about 200 bytes a file,
// so over half a million files; a larger "journal" is not one of ours.
const maxJournal = 128 << 20

// readJournal loads and checks a journal file. A journal that is not a
// regular file (a FIFO planted there would block a plain open) or is larger
// than maxJournal is a *JournalError.
func readJournal(p string) (*journal, error) {
	b, err := safeopen.ReadFileLimited(p, maxJournal)
	if errors.Is(err, safeopen.ErrNotRegular) || errors.Is(err, safeopen.ErrTooLarge) {
		return nil, &JournalError{p, err.Error()}
	}
	if err != nil {
		return nil, err
	}
	var j journal
	if err := json.Unmarshal(b, &j); err != nil {
		return nil, &JournalError{p, "not valid JSON: " + err.Error()}
	}
	if j.Magic != journalMagic || j.Version != journalVer {
		return nil, &JournalError{p, fmt.Sprintf("unknown format %q version %d", j.Magic, j.Version)}
	}
	sum, err := j.digest()
	if err != nil || sum != j.Sum {
		return nil, &JournalError{p, "checksum mismatch"}
	}
	for _, e := range j.Files {
		for _, rel := range []string{e.Target, e.Staged, e.Backup} {
			if !safeRel(rel) {
				return nil, &JournalError{p, fmt.Sprintf("path %q leaves the image", rel)}
			}
		}
	}
	for _, d := range j.Dirs {
		if !safeRel(d) {
			return nil, &JournalError{p, fmt.Sprintf("path %q leaves the image", d)}
		}
	}
	return &j, nil
}

// safeRel accepts a clean, relative, slash-separated path inside its root.
func safeRel(p string) bool {
	return p != "" && !strings.HasPrefix(p, "/") && !strings.Contains(p, `\`) && path.Clean(p) == p &&
		p != ".." && !strings.HasPrefix(p, "../") && !filepath.IsAbs(filepath.FromSlash(p))
}

// writeJournal writes j into the staging folder durably: temp file, fsync,
// rename, fsync of the folder.
func writeJournal(stage string, j *journal) error {
	b, err := j.encode()
	if err != nil {
		return err
	}
	tmp := filepath.Join(stage, journalName+".tmp")
	if err := writeSynced(tmp, b); err != nil {
		return err
	}
	if err := os.Rename(tmp, filepath.Join(stage, journalName)); err != nil {
		return err
	}
	return syncDir(stage)
}

// writeSynced creates p with b and fsyncs it.
func writeSynced(p string, b []byte) error {
	f, err := os.OpenFile(p, os.O_WRONLY|os.O_CREATE|os.O_TRUNC, 0o644)
	if err != nil {
		return err
	}
	if _, err := f.Write(b); err != nil {
		f.Close()
		return err
	}
	if err := f.Sync(); err != nil {
		f.Close()
		return err
	}
	return f.Close()
}

func exists(p string) bool {
	_, err := os.Lstat(p)
	return err == nil || !errors.Is(err, os.ErrNotExist)
}

// StagingDirName is the folder inside an image that holds a transaction in
// progress (staged files, journal, saved originals). Its presence means an
// update is under way or was interrupted; Recover resolves it.
const StagingDirName = ".ohotfix-txn"
