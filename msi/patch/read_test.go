package patch

import (
	"fmt"
	"strings"
	"testing"

	"github.com/ohotfix/ohotfix/msi/transform"
)

// realPatches are the two Microsoft (PatchWiz) patches of the corpus with
// what they carry. The layouts are our reading, frozen; every string in
// them, the tables each transform storage holds and the patch-level values
// are checked against msiinfo and 7-Zip by TestRealPatchesMatchPeerTools,
// and the integers against each other (PatchPackage.Media_ = Media.DiskId).
var realPatches = []struct {
	file, code, target, family string
	words                      int
	cab                        string
	layout                     string
}{
	{"SQL2008_AS.msp", "{2DFFC5F8-9B0F-4510-92AE-FA3D38B8A47D}", "{4508D19D-07FE-4722-88C7-27152965756B}", "", 3, "PCW_CAB_Family01", `
Target01ToUpgrade01: base {4508D19D-07FE-4722-88C7-27152965756B} 10.0.1075.23 x64;1033 new {4508D19D-07FE-4722-88C7-27152965756B} 10.0.1075.23 x64;1033 upgrade {6CD74176-0C4A-43E2-BC25-A14E5EFEFDAA} validate upgradecode errors addexistingrow,delmissingrow,addexistingtable,updatemissingrow charcount 0x08000017
Target01ToUpgrade01 Registry: created=false dropped=false records=1
  update ["AS_OLAP2000Reg_32" "" "" "OLAP2000UninstallOld" "" ""]
Target01ToUpgrade01 RemoveFile: created=false dropped=false records=8
  delete ["AS_msmdsrvdata_ini_64" "" "" "" ""]
  delete ["AS_msmdsrvdata_bak_64" "" "" "" ""]
  delete ["AS_DataDir_64" "" "" "" ""]
  delete ["AS_DataSubDir_64" "" "" "" ""]
  delete ["AS_OlapDatInst_64" "" "" "" ""]
  delete ["AS_OlapBackupDir_64" "" "" "" ""]
  delete ["AS_msmdsrv_dbg_64" "" "" "" ""]
  delete ["AS_OlapLogDir_64" "" "" "" ""]
Target01ToUpgrade01 _sqlServiceControl: created=false dropped=false records=0 err="schema of table _sqlServiceControl unknown without the target database"
#Target01ToUpgrade01: base {4508D19D-07FE-4722-88C7-27152965756B} 10.0.1075.23 x64;1033 new {4508D19D-07FE-4722-88C7-27152965756B} 10.0.1075.23 x64;1033 upgrade {6CD74176-0C4A-43E2-BC25-A14E5EFEFDAA} validate upgradecode errors addexistingrow,delmissingrow,addexistingtable,updatemissingrow charcount 0x08000017
#Target01ToUpgrade01 AdminExecuteSequence: created=false dropped=false records=1
  insert ["PatchFiles" "" "4001"]
#Target01ToUpgrade01 Media: created=false dropped=false records=1
  insert ["20" "1710" "" "#PCW_CAB_Family01" "" "KatmaiSqlSrcPropName"]
#Target01ToUpgrade01 MsiPatchHeaders: created=true dropped=false records=0
#Target01ToUpgrade01 Patch: created=true dropped=false records=0
#Target01ToUpgrade01 PatchPackage: created=true dropped=false records=1
  insert ["{2DFFC5F8-9B0F-4510-92AE-FA3D38B8A47D}" "20"]
#Target01ToUpgrade01 Property: created=false dropped=false records=3
  insert ["PATCHNEWSUMMARYCOMMENTS" "Microsoft SQL Server Integrated Developer MSI"]
  insert ["PATCHNEWSUMMARYSUBJECT" "Microsoft SQL Server 2008 Analysis Services (64-bit)"]
  insert ["PATCHNEWPACKAGECODE" "{104562BA-3A62-4CAA-8107-036315B3EBC0}"]
`},
	{"WPF2_32.msp", "{09966C32-C34D-4FF4-8C7E-94A9630DDEF8}", "{2BA00471-0328-3743-93BD-FA813353A783}", "", 1, "PCW_CAB_NetFX", `
T1ToU1: base {2BA00471-0328-3743-93BD-FA813353A783} 3.1.21022 Intel;0 new {2BA00471-0328-3743-93BD-FA813353A783} 3.1.21022 Intel;0 upgrade {B7F51CFB-D972-40AE-B176-D4BC2E813A46} validate product,minor,newequal errors addexistingrow,delmissingrow,addexistingtable,updatemissingrow charcount 0x01120017
T1ToU1 ServiceControl: created=false dropped=false records=1
  insert ["WinFXFontCache_X86" "FontCache[FullAvalonAssemblyVersion]" "170" "" "1" "PresentationFontCache_X86"]
#T1ToU1: base {2BA00471-0328-3743-93BD-FA813353A783} 3.1.21022 Intel;0 new {2BA00471-0328-3743-93BD-FA813353A783} 3.1.21022 ; upgrade {B7F51CFB-D972-40AE-B176-D4BC2E813A46} validate language,product,platform,update,newequal,upgradecode errors addexistingrow,delmissingrow,addexistingtable,updatemissingrow charcount 0x09270017
#T1ToU1 AdminExecuteSequence: created=false dropped=false records=1
  insert ["PatchFiles" "" "4001"]
#T1ToU1 Media: created=false dropped=false records=1
  insert ["101" "1001" "" "#PCW_CAB_NetFX" "" "PatchMediaSrc"]
#T1ToU1 MsiPatchHeaders: created=true dropped=false records=0
#T1ToU1 Patch: created=true dropped=false records=0
#T1ToU1 PatchPackage: created=false dropped=false records=1
  insert ["{09966C32-C34D-4FF4-8C7E-94A9630DDEF8}" "101"]
#T1ToU1 Property: created=false dropped=false records=3
  insert ["PATCHNEWPACKAGECODE" "{35D285C5-B4D7-4043-9309-0601E85130E8}"]
  insert ["PATCHNEWSUMMARYSUBJECT" "Microsoft .NET Framework"]
  insert ["PATCHNEWSUMMARYCOMMENTS" "Microsoft .NET Framework; Copyright (C) Microsoft Corporation, All rights reserved."]
`},
}

func TestRealPatches(t *testing.T) {
	dir := corpus(t, "msi/lessmsi")
	for _, c := range realPatches {
		t.Run(c.file, func(t *testing.T) {
			p, err := Open(dir + "/" + c.file)
			if err != nil {
				t.Fatal(err)
			}
			defer p.Close()
			if p.PatchCode != c.code || len(p.Targets) != 1 || p.Targets[0] != c.target || p.MinInstaller != c.words {
				t.Errorf("summary: %s %v %d", p.PatchCode, p.Targets, p.MinInstaller)
			}
			if got := patchLayout(t, p); got != strings.TrimPrefix(c.layout, "\n") {
				t.Errorf("transform pairs:\n%s\nwant:\n%s", got, c.layout)
			}
			// The patch's own rows agree with each other: its PatchPackage
			// row names it and the media row it adds, which holds its
			// cabinet stream.
			pkg := changeOf(t, p, "#", "PatchPackage")
			media := changeOf(t, p, "#", "Media")
			if len(pkg.Records) != 1 || len(media.Records) != 1 {
				t.Fatalf("PatchPackage %d rows, Media %d rows; want 1 each", len(pkg.Records), len(media.Records))
			}
			pp, m := pkg.Records[0].Values, media.Records[0].Values
			if pp[0].String() != c.code || pp[1].String() != m[0].String() || m[3].String() != "#"+c.cab {
				t.Errorf("PatchPackage %v and Media %v disagree with patch %s, cabinet %s", pp, m, c.code, c.cab)
			}
			media2, err := p.Media(nil)
			if err != nil {
				t.Fatal(err)
			}
			if len(media2) != 1 || media2[0].Cabinet != "#"+c.cab || !media2[0].Embedded() {
				t.Errorf("media %v, want one embedded #%s", media2, c.cab)
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

// changeOf returns the change of table in the first pair's transform
// (prefix "") or patch transform ("#").
func changeOf(t *testing.T, p *Patch, prefix, table string) transform.TableChange {
	t.Helper()
	pairs, err := p.Pairs()
	if err != nil || len(pairs) == 0 {
		t.Fatalf("pairs: %v, %v", pairs, err)
	}
	tr := pairs[0].Transform
	if prefix == "#" {
		tr = pairs[0].PatchTransform
	}
	changes, err := tr.Changes(nil)
	if err != nil {
		t.Fatal(err)
	}
	for _, tc := range changes {
		if tc.Name == table {
			return tc
		}
	}
	t.Fatalf("%s%s changes no table %s", prefix, pairs[0].Name, table)
	return transform.TableChange{}
}

// patchLayout describes what a patch's transform pairs carry, one line per
// fact: each transform's summary (products, versions, validation), then
// each table it touches with every record.
func patchLayout(t *testing.T, p *Patch) string {
	t.Helper()
	pairs, err := p.Pairs()
	if err != nil {
		t.Fatal(err)
	}
	var b strings.Builder
	for _, pr := range pairs {
		for _, side := range []struct {
			name string
			tr   *transform.Transform
		}{{pr.Name, pr.Transform}, {"#" + pr.Name, pr.PatchTransform}} {
			in := side.tr.Info
			fmt.Fprintf(&b, "%s: base %s %s %s;%s new %s %s %s;%s upgrade %s validate %s errors %s charcount %#08x\n",
				side.name, in.BaseProductCode, in.BaseVersion, in.BasePlatform, in.BaseLanguage,
				in.NewProductCode, in.NewVersion, in.NewPlatform, in.NewLanguage, in.UpgradeCode,
				in.Validate, in.Errors, in.CharCount)
			changes, err := side.tr.Changes(nil)
			if err != nil {
				t.Fatalf("%s: %v", side.name, err)
			}
			for _, tc := range changes {
				fmt.Fprintf(&b, "%s %s: created=%v dropped=%v records=%d", side.name, tc.Name, tc.Created, tc.Dropped, len(tc.Records))
				if tc.Err != nil {
					fmt.Fprintf(&b, " err=%q", tc.Err)
				}
				b.WriteString("\n")
				for _, r := range tc.Records {
					fmt.Fprintf(&b, "  %s %q\n", r.Op, r.Values)
				}
			}
		}
	}
	return b.String()
}
