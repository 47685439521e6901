package transformtest

import (
	"bytes"
	"fmt"
	"path/filepath"

	"github.com/ohotfix/ohotfix/cab"
	"github.com/ohotfix/ohotfix/msi"
)

// Synthetic describes a generated product pair for benchmarks: Files files
// in one component each, Registry registry rows; V2 changes the content of
// Changed files, updates every tenth registry value, deletes every
// hundredth registry row and adds Files/100 registry rows.
type Synthetic struct {
	Files, Registry, Changed int
}

// Rows is the number of table rows of V1 (all tables).
func (s Synthetic) Rows() int { return s.Files*3 + s.Registry + 20 }

func (s Synthetic) str(i int, v2 bool) string {
	if v2 && i%10 == 0 {
		return fmt.Sprintf("value %d, version two", i)
	}
	return fmt.Sprintf("value %d", i)
}

func (s Synthetic) fileData(i int, v2 bool) []byte {
	var b bytes.Buffer
	fmt.Fprintf(&b, "file %d\n", i)
	if v2 && i < s.Changed {
		b.WriteString("changed in version two\n")
	}
	for k := 0; k < 20; k++ {
		fmt.Fprintf(&b, "line %d of file %d, some filler text to compress\n", k, i)
	}
	return b.Bytes()
}

// Build writes dir/v1.msi and dir/v2.msi.
func (s Synthetic) Build(dir string) (v1, v2 string, err error) {
	v1, v2 = filepath.Join(dir, "v1.msi"), filepath.Join(dir, "v2.msi")
	if err := s.build(v1, false); err != nil {
		return "", "", err
	}
	return v1, v2, s.build(v2, true)
}

func (s Synthetic) build(path string, v2 bool) error {
	db := msi.New(msi.Package)
	str := func(n int, key, null bool) msi.ColumnType { return msi.StringType(n, null, key, false) }
	i2 := func(key, null bool) msi.ColumnType { return msi.IntType(2, null, key) }
	i4 := func(key, null bool) msi.ColumnType { return msi.IntType(4, null, key) }
	tables := []struct {
		name string
		cols []msi.Column
	}{
		{"Property", []msi.Column{{Name: "Property", Type: str(72, true, false)}, {Name: "Value", Type: msi.StringType(0, false, false, true)}}},
		{"Directory", []msi.Column{{Name: "Directory", Type: str(72, true, false)}, {Name: "Directory_Parent", Type: str(72, false, true)}, {Name: "DefaultDir", Type: msi.StringType(255, false, false, true)}}},
		{"Component", []msi.Column{{Name: "Component", Type: str(72, true, false)}, {Name: "ComponentId", Type: str(38, false, true)}, {Name: "Directory_", Type: str(72, false, false)}, {Name: "Attributes", Type: i2(false, false)}, {Name: "Condition", Type: str(255, false, true)}, {Name: "KeyPath", Type: str(72, false, true)}}},
		{"Feature", []msi.Column{{Name: "Feature", Type: str(38, true, false)}, {Name: "Feature_Parent", Type: str(38, false, true)}, {Name: "Title", Type: msi.StringType(64, true, false, true)}, {Name: "Description", Type: msi.StringType(255, true, false, true)}, {Name: "Display", Type: i2(false, true)}, {Name: "Level", Type: i2(false, false)}, {Name: "Directory_", Type: str(72, false, true)}, {Name: "Attributes", Type: i2(false, false)}}},
		{"FeatureComponents", []msi.Column{{Name: "Feature_", Type: str(38, true, false)}, {Name: "Component_", Type: str(72, true, false)}}},
		{"File", []msi.Column{{Name: "File", Type: str(72, true, false)}, {Name: "Component_", Type: str(72, false, false)}, {Name: "FileName", Type: msi.StringType(255, false, false, true)}, {Name: "FileSize", Type: i4(false, false)}, {Name: "Version", Type: str(72, false, true)}, {Name: "Language", Type: str(20, false, true)}, {Name: "Attributes", Type: i2(false, true)}, {Name: "Sequence", Type: i4(false, false)}}},
		{"Media", []msi.Column{{Name: "DiskId", Type: i2(true, false)}, {Name: "LastSequence", Type: i4(false, false)}, {Name: "DiskPrompt", Type: msi.StringType(64, true, false, true)}, {Name: "Cabinet", Type: str(255, false, true)}, {Name: "VolumeLabel", Type: str(32, false, true)}, {Name: "Source", Type: str(72, false, true)}}},
		{"Registry", []msi.Column{{Name: "Registry", Type: str(72, true, false)}, {Name: "Root", Type: i2(false, false)}, {Name: "Key", Type: msi.StringType(255, false, false, true)}, {Name: "Name", Type: msi.StringType(255, true, false, true)}, {Name: "Value", Type: msi.StringType(0, true, false, true)}, {Name: "Component_", Type: str(72, false, false)}}},
		{"InstallExecuteSequence", []msi.Column{{Name: "Action", Type: str(72, true, false)}, {Name: "Condition", Type: str(255, false, true)}, {Name: "Sequence", Type: i2(false, true)}}},
	}
	t := map[string]*msi.Table{}
	for _, tb := range tables {
		x, err := db.CreateTable(tb.name, tb.cols)
		if err != nil {
			return err
		}
		t[tb.name] = x
	}
	version := "1.0.0"
	if v2 {
		version = "1.0.1"
	}
	for _, kv := range [][2]string{{"ProductCode", "{9C0FFEE0-1111-4222-8333-944445555666}"}, {"UpgradeCode", "{9C0FFEE0-2222-4222-8333-944445555666}"},
		{"ProductVersion", version}, {"ProductLanguage", "1033"}, {"ProductName", "Synthetic"}, {"Manufacturer", "Bench Co"}} {
		if err := t["Property"].Insert(kv[0], kv[1]); err != nil {
			return err
		}
	}
	t["Directory"].Insert("TARGETDIR", nil, "SourceDir")
	t["Directory"].Insert("INSTALLDIR", "TARGETDIR", "Synth")
	t["Feature"].Insert("Main", nil, "Main", nil, 1, 1, nil, 0)
	for _, a := range [][2]any{{"CostInitialize", 800}, {"FileCost", 900}, {"CostFinalize", 1000}, {"InstallValidate", 1400}, {"InstallInitialize", 1500}, {"InstallFiles", 4000}, {"WriteRegistryValues", 5000}, {"RegisterProduct", 6100}, {"PublishProduct", 6400}, {"InstallFinalize", 6600}} {
		t["InstallExecuteSequence"].Insert(a[0], nil, a[1])
	}
	var cabBuf bytes.Buffer
	cw := cab.NewWriter(&cabBuf)
	for i := 0; i < s.Files; i++ {
		comp, key := fmt.Sprintf("C%05d", i), fmt.Sprintf("F%05d", i)
		data := s.fileData(i, v2)
		t["Component"].Insert(comp, fmt.Sprintf("{9C0FFEE0-3333-4222-8333-%012d}", i), "INSTALLDIR", 0, nil, key)
		t["FeatureComponents"].Insert("Main", comp)
		t["File"].Insert(key, comp, fmt.Sprintf("f%05d.txt", i), len(data), nil, nil, 512, i+1)
		w, err := cw.Create(&cab.FileHeader{Name: key})
		if err != nil {
			return err
		}
		w.Write(data)
	}
	if err := cw.Close(); err != nil {
		return err
	}
	t["Media"].Insert(1, s.Files, nil, "#synth.cab", nil, nil)
	if err := db.WriteStream("synth.cab", cabBuf.Bytes()); err != nil {
		return err
	}
	n := s.Registry
	if v2 {
		n += s.Registry / 100
	}
	for i := 0; i < n; i++ {
		if v2 && i%100 == 50 {
			continue
		}
		comp := fmt.Sprintf("C%05d", i%max(s.Files, 1))
		t["Registry"].Insert(fmt.Sprintf("R%06d", i), 2, fmt.Sprintf(`Software\Synthetic\Key%d`, i/50), fmt.Sprintf("N%d", i), s.str(i, v2), comp)
	}
	si := msi.NewSummaryInfo()
	si.SetInt(msi.PIDCodepage, 1252)
	si.SetString(msi.PIDTitle, "Installation Database")
	si.SetString(msi.PIDSubject, "Synthetic")
	si.SetString(msi.PIDTemplate, "Intel;1033")
	si.SetString(msi.PIDRevisionNumber, fmt.Sprintf("{9C0FFEE0-4444-4222-8333-94444555566%d}", map[bool]int{false: 1, true: 2}[v2]))
	si.SetInt(msi.PIDPageCount, 300)
	si.SetInt(msi.PIDWordCount, 2)
	db.SetSummary(si)
	return db.WriteFile(path)
}
