package admin

import (
	"errors"
	"fmt"
	"os"
	"path/filepath"
	"time"
)

// PendingState says what a staging folder left in an image means.
type PendingState string

const (
	// PendingStaging: staged files without a journal (a run died while
	// staging, or leftovers of a finished run): the image is whole; the
	// next run deletes the folder.
	PendingStaging PendingState = "staging"
	// PendingUncommitted: a journal without its commit mark (a run died
	// or its rollback failed): the image may be incomplete; the next run
	// puts the originals back (the old image).
	PendingUncommitted PendingState = "uncommitted"
	// PendingCommitted: a committed update whose cleanup did not finish:
	// the image is the new one; the next run deletes the leftovers.
	PendingCommitted PendingState = "committed"
	// PendingDamaged: a journal that cannot be read; recovery refuses to
	// guess and a person must look (see the message).
	PendingDamaged PendingState = "damaged"
)

// Pending describes an update left in an image folder by an earlier run.
type Pending struct {
	Image   string // image folder
	Stage   string // its staging folder
	State   PendingState
	Patch   string    // patch code from the journal, when readable
	Files   int       // files the journal switches
	Created time.Time // when the journal's transaction began
	Problem string    // why a damaged journal cannot be used
}

func (p *Pending) String() string {
	switch p.State {
	case PendingStaging:
		return fmt.Sprintf("%s holds leftovers of an earlier run (no journal): the image is whole; the next run deletes them", p.Stage)
	case PendingUncommitted:
		return fmt.Sprintf("an update of patch %s (%d files, begun %s) was not completed in %s: the next run, or `ohotfix admin recover %s`, rolls it back from the journal in %s",
			p.Patch, p.Files, p.Created.Format(time.RFC3339), p.Image, p.Image, p.Stage)
	case PendingCommitted:
		return fmt.Sprintf("an update of patch %s is complete in %s but its leftovers remain in %s: the next run deletes them", p.Patch, p.Image, p.Stage)
	}
	return fmt.Sprintf("the journal in %s cannot be used (%s): restore the image from a backup, or remove %s after checking the image", p.Stage, p.Problem, p.Stage)
}

// PendingUpdate reports the update an earlier run left in the image folder
// imageDir, or nil when there is none. It only reads (no lock, no change):
// for `ohotfix check`, which must show a pending journal without acting on
// it. A run resolves it with Recover.
func PendingUpdate(imageDir string) (*Pending, error) {
	stage := filepath.Join(imageDir, stageDirName)
	if _, err := os.Lstat(stage); errors.Is(err, os.ErrNotExist) {
		return nil, nil
	} else if err != nil {
		return nil, err
	}
	p := &Pending{Image: imageDir, Stage: stage}
	j, err := readJournal(filepath.Join(stage, journalName))
	switch {
	case errors.Is(err, os.ErrNotExist):
		p.State = PendingStaging
		return p, nil
	case err != nil:
		p.State, p.Problem = PendingDamaged, err.Error()
		return p, nil
	}
	p.Patch, p.Files, p.Created = j.Patch, len(j.Files), j.Created
	p.State = PendingUncommitted
	if exists(filepath.Join(stage, committedName)) {
		p.State = PendingCommitted
	}
	return p, nil
}
