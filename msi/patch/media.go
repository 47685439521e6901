package patch

import (
	"fmt"
	"sort"
	"strings"

	"github.com/ohotfix/ohotfix/cab"
	"github.com/ohotfix/ohotfix/msi"
	"github.com/ohotfix/ohotfix/msi/transform"
)

// Media is a Media row a patch transform inserts: where the patch's files
// come from. Cabinet "#NAME" is the stream NAME inside the .msp.
type Media struct {
	Pair         string `json:"pair"`
	DiskID       int    `json:"diskId"`
	LastSequence int    `json:"lastSequence"`
	Cabinet      string `json:"cabinet"`
	Source       string `json:"source,omitempty"`
	VolumeLabel  string `json:"volumeLabel,omitempty"`
}

// Embedded reports a cabinet stored in the patch (Cabinet starts with '#').
func (m Media) Embedded() bool { return strings.HasPrefix(m.Cabinet, "#") }

// tableChanges decodes one transform against db (nil: standard schemas).
func tableChanges(t *transform.Transform, db *msi.Database) (map[string]transform.TableChange, error) {
	ch, err := t.Changes(db)
	if err != nil {
		return nil, err
	}
	out := map[string]transform.TableChange{}
	for _, c := range ch {
		out[c.Name] = c
	}
	return out, nil
}

func cell(tc transform.TableChange, r transform.Record, col string) msi.Value {
	for i, c := range tc.Columns {
		if c.Name == col && r.Has(i) {
			return r.Values[i]
		}
	}
	return msi.Null
}

func cellInt(tc transform.TableChange, r transform.Record, col string) int {
	n, _ := cell(tc, r, col).Int()
	return int(n)
}

// Media lists the Media rows the patch transforms insert. db is the
// product database the patch is decoded against (nil: standard schemas,
// enough for inspection).
func (p *Patch) Media(db *msi.Database) ([]Media, error) {
	_, _, media, err := p.pairsAndMedia(db)
	return media, err
}

// pairsAndMedia opens the pairs, decodes each patch transform once (pch[i]
// is pairs[i]'s) and lists the Media rows they insert.
func (p *Patch) pairsAndMedia(db *msi.Database) (pairs []Pair, pch []map[string]transform.TableChange, media []Media, err error) {
	if pairs, err = p.Pairs(); err != nil {
		return nil, nil, nil, err
	}
	pch = make([]map[string]transform.TableChange, len(pairs))
	for i, pr := range pairs {
		if pch[i], err = tableChanges(pr.PatchTransform, db); err != nil {
			return nil, nil, nil, invalid(err, "patch transform #%s", pr.Name)
		}
	}
	return pairs, pch, mediaOf(pairs, pch), nil
}

// mediaOf lists the Media rows the decoded patch transforms insert.
func mediaOf(pairs []Pair, pch []map[string]transform.TableChange) []Media {
	var out []Media
	for i, pr := range pairs {
		tc, ok := pch[i]["Media"]
		if !ok || tc.Err != nil {
			continue
		}
		for _, r := range tc.Records {
			if r.Op == transform.OpDelete {
				continue
			}
			out = append(out, Media{
				Pair: pr.Name, DiskID: cellInt(tc, r, "DiskId"), LastSequence: cellInt(tc, r, "LastSequence"),
				Cabinet: cell(tc, r, "Cabinet").Str(), Source: cell(tc, r, "Source").Str(), VolumeLabel: cell(tc, r, "VolumeLabel").Str(),
			})
		}
	}
	return out
}

// OpenCabinet opens a cabinet stream of the patch, named as in a Media row
// ("#PATCH_CAB") or as the stream ("PATCH_CAB").
func (p *Patch) OpenCabinet(name string) (*cab.Reader, error) {
	name = strings.TrimPrefix(name, "#")
	ra, size, err := p.db.OpenStream(name)
	if err != nil {
		return nil, invalid(err, "cabinet stream %q", name)
	}
	r, err := cab.NewReader(ra, size)
	if err != nil {
		return nil, invalid(err, "cabinet stream %q", name)
	}
	return r, nil
}

// File is a file a patch delivers: a member of one of its cabinets, with
// what the transforms say about the File row of the same key.
type File struct {
	Key       string `json:"key"`       // File table key = cabinet member name
	Cabinet   string `json:"cabinet"`   // stream name
	Size      int64  `json:"size"`      // member size
	Known     bool   `json:"known"`     // a File record for Key exists in the transforms
	Name      string `json:"name"`      // long file name (FileName after '|')
	Component string `json:"component"` // Component_
	Version   string `json:"version"`
	FileSize  int    `json:"fileSize"`
	Sequence  int    `json:"sequence"`
	Added     bool   `json:"added"` // inserted by the patch (not in the target)
}

// Files lists the members of every embedded cabinet the patch's Media rows
// name, joined with the File records of the transforms (decoded against db,
// or standard schemas when db is nil). Members without a File record
// (PatchWiz's "filler") have Known false.
func (p *Patch) Files(db *msi.Database) ([]File, error) {
	pairs, pch, media, err := p.pairsAndMedia(db)
	if err != nil {
		return nil, err
	}
	recs := map[string]*File{}
	for i, pr := range pairs {
		tch, err := tableChanges(pr.Transform, db)
		if err != nil {
			return nil, invalid(err, "transform %s", pr.Name)
		}
		for _, ch := range []map[string]transform.TableChange{tch, pch[i]} {
			tc, ok := ch["File"]
			if !ok || tc.Err != nil {
				continue
			}
			for _, r := range tc.Records {
				key := cell(tc, r, "File").Str()
				f := recs[key]
				if f == nil {
					f = &File{Key: key}
					recs[key] = f
				}
				if r.Op == transform.OpInsert {
					f.Added = true
				}
				if v := cell(tc, r, "FileName"); !v.IsNull() {
					f.Name = msi.PickName(v.Str(), false)
				}
				if v := cell(tc, r, "Component_"); !v.IsNull() {
					f.Component = v.Str()
				}
				if v := cell(tc, r, "Version"); !v.IsNull() {
					f.Version = v.Str()
				}
				if n, ok := cell(tc, r, "FileSize").Int(); ok {
					f.FileSize = int(n)
				}
				if n, ok := cell(tc, r, "Sequence").Int(); ok {
					f.Sequence = int(n)
				}
			}
		}
	}
	var out []File
	err = p.eachCabinet(media, func(name string, cr *cab.Reader) error {
		for _, cf := range cr.Files {
			f := File{Key: cf.Name, Cabinet: name, Size: cf.Size}
			if r, ok := recs[cf.Name]; ok {
				f = *r
				f.Cabinet, f.Size, f.Known = name, cf.Size, true
			}
			out = append(out, f)
		}
		return nil
	})
	if err != nil {
		return nil, err
	}
	return out, nil
}

// eachCabinet opens every embedded cabinet the media rows name, once.
func (p *Patch) eachCabinet(media []Media, fn func(stream string, cr *cab.Reader) error) error {
	seen := map[string]bool{}
	for _, m := range media {
		if !m.Embedded() || seen[m.Cabinet] {
			continue
		}
		seen[m.Cabinet] = true
		cr, err := p.OpenCabinet(m.Cabinet)
		if err != nil {
			return err
		}
		err = fn(strings.TrimPrefix(m.Cabinet, "#"), cr)
		cr.Close()
		if err != nil {
			return err
		}
	}
	return nil
}

// Cabinet describes a cabinet stream of the patch.
type Cabinet struct {
	Name        string `json:"name"` // stream name
	Size        int64  `json:"size"`
	Members     int    `json:"members"`
	Compression string `json:"compression"` // of the first folder
}

// Cabinets describes the embedded cabinets the patch's Media rows name.
func (p *Patch) Cabinets(db *msi.Database) ([]Cabinet, error) {
	media, err := p.Media(db)
	if err != nil {
		return nil, err
	}
	var out []Cabinet
	err = p.eachCabinet(media, func(name string, cr *cab.Reader) error {
		c := Cabinet{Name: name, Members: len(cr.Files)}
		c.Size, _ = p.db.StreamSize(name)
		if len(cr.Folders) > 0 {
			c.Compression = fmt.Sprint(cr.Folders[0].Compression())
		}
		out = append(out, c)
		return nil
	})
	return out, err
}

// DeliveredFiles lists the File keys whose new content the patch carries
// (cabinet members that are File rows), sorted.
func (p *Patch) DeliveredFiles(db *msi.Database) ([]string, error) {
	files, err := p.Files(db)
	if err != nil {
		return nil, err
	}
	var keys []string
	for _, f := range files {
		if f.Known {
			keys = append(keys, f.Key)
		}
	}
	sort.Strings(keys)
	return keys, nil
}

// String summarises a media row.
func (m Media) String() string {
	return fmt.Sprintf("DiskId %d LastSequence %d Cabinet %s Source %s", m.DiskID, m.LastSequence, m.Cabinet, m.Source)
}
