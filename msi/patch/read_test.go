package patch

import (
	"testing"
)

func TestRealPatches(t *testing.T) {
	dir := corpus(t, "msi/lessmsi")
	cases := []struct {
		file, code, target, family string
		words                      int
		cab                        string
	}{
		{"SQL2008_AS.msp", "{2DFFC5F8-9B0F-4510-92AE-FA3D38B8A47D}", "{4508D19D-07FE-4722-88C7-27152965756B}", "", 3, "PCW_CAB_Family01"},
		{"WPF2_32.msp", "{09966C32-C34D-4FF4-8C7E-94A9630DDEF8}", "{2BA00471-0328-3743-93BD-FA813353A783}", "", 1, "PCW_CAB_NetFX"},
	}
	for _, c := range cases {
		t.Run(c.file, func(t *testing.T) {
			p, err := Open(dir + "/" + c.file)
			if err != nil {
				t.Fatal(err)
			}
			defer p.Close()
			if p.PatchCode != c.code || len(p.Targets) != 1 || p.Targets[0] != c.target || p.MinInstaller != c.words {
				t.Errorf("summary: %s %v %d", p.PatchCode, p.Targets, p.MinInstaller)
			}
			t.Logf("metadata %v sequences %+v names %v", p.Metadata, p.Sequences, p.TransformNames)
			pairs, err := p.Pairs()
			if err != nil {
				t.Fatal(err)
			}
			for _, pr := range pairs {
				t.Logf("pair %s: T %s\n#T %s", pr.Name, pr.Transform.Info, pr.PatchTransform.Info)
				ch, err := pr.PatchTransform.Changes(nil)
				if err != nil {
					t.Fatal(err)
				}
				for _, tc := range ch {
					t.Logf("  #T %s created=%v err=%v recs=%d", tc.Name, tc.Created, tc.Err, len(tc.Records))
					for _, r := range tc.Records {
						t.Logf("     %s %v", r.Op, r.Values)
					}
				}
				ch, err = pr.Transform.Changes(nil)
				if err != nil {
					t.Fatal(err)
				}
				for _, tc := range ch {
					t.Logf("  T %s created=%v err=%v recs=%d", tc.Name, tc.Created, tc.Err, len(tc.Records))
				}
			}
			media, err := p.Media(nil)
			if err != nil {
				t.Fatal(err)
			}
			if len(media) != 1 || media[0].Cabinet != "#"+c.cab || !media[0].Embedded() {
				t.Errorf("media %v, want one embedded #%s", media, c.cab)
			}
			files, err := p.Files(nil)
			if err != nil {
				t.Fatal(err)
			}
			if len(files) == 0 {
				t.Error("no files")
			}
			for _, f := range files {
				if f.Cabinet != c.cab {
					t.Errorf("file %+v not in %s", f, c.cab)
				}
			}
		})
	}
}
