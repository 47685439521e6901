package admin

import (
	"bufio"
	"context"
	"os"
	"path"
	"path/filepath"
	"strconv"
	"strings"
	"testing"

	"github.com/ohotfix/ohotfix/internal/testcorpus"
	"github.com/ohotfix/ohotfix/internal/testtools"
	"github.com/ohotfix/ohotfix/msi"
)

// TestCreateFromWixl builds the product with wixl (32- and 64-bit), makes
// long- and short-name images and checks every path and byte, the Level-0
// rule and the database changes with msitools.
func TestCreateFromWixl(t *testing.T) {
	for _, x64 := range []bool{false, true} {
		for _, short := range []bool{false, true} {
			name := map[bool]string{false: "x86", true: "x64"}[x64] + map[bool]string{false: "-long", true: "-short"}[short]
			t.Run(name, func(t *testing.T) {
				work := t.TempDir()
				pkg, src := buildFixture(t, work, "product", "1.0.0", x64)
				img := filepath.Join(work, "image")
				res := mustCreate(t, pkg, img, short)
				if res.Files != 5 || res.Skipped != 1 {
					t.Errorf("Create: %d files, %d skipped; want 5 copied and 1 (Level 0) skipped", res.Files, res.Skipped)
				}
				want := map[string]string{"product.msi": ""}
				for key, p := range fixturePaths {
					rel := p[0]
					if short {
						rel = p[1]
					}
					want[rel] = string(src[fixtureSource[key]])
				}
				got := treeSnapshot(t, img)
				delete(got, "product.msi")
				delete(want, "product.msi")
				if d := diffTrees(want, got); d != "" {
					t.Fatalf("image layout differs from the expected one:\n%s", d)
				}
				checkImageDatabase(t, filepath.Join(img, "product.msi"), short, x64)
			})
		}
	}
}

// checkImageDatabase reads an image database with msitools and our reader.
func checkImageDatabase(t *testing.T, dbPath string, short, x64 bool) {
	t.Helper()
	testtools.LookPath(t, "msiinfo")
	sum := run(t, "", "msiinfo", "suminfo", dbPath)
	wantWC := "Source: 4 (4)"
	if short {
		wantWC = "Source: 5 (5)"
	}
	if !strings.Contains(sum, wantWC) {
		t.Errorf("msiinfo suminfo: want %q in\n%s", wantWC, sum)
	}
	if x64 && !strings.Contains(sum, "Template: x64;1033") {
		t.Errorf("64-bit template lost:\n%s", sum)
	}
	media := run(t, "", "msiinfo", "export", dbPath, "Media")
	for _, line := range strings.Split(strings.TrimSpace(media), "\n")[3:] {
		if f := strings.Split(line, "\t"); len(f) >= 4 && f[3] != "" {
			t.Errorf("Media row still names a cabinet: %q", line)
		}
	}
	if streams := run(t, "", "msiinfo", "streams", dbPath); strings.Contains(streams, "prod.cab") {
		t.Errorf("the image database still holds the cabinet stream:\n%s", streams)
	}
	files := run(t, "", "msiinfo", "export", dbPath, "File")
	for _, line := range strings.Split(strings.TrimSpace(files), "\n")[3:] {
		f := strings.Split(line, "\t")
		a, _ := strconv.Atoi(f[6])
		if a&(attrCompressed|attrNoncompressed) != 0 {
			t.Errorf("File row keeps compression bits: %q", line)
		}
	}
	testtools.LookPath(t, "msidump")
	run(t, "", "msidump", "-d", t.TempDir(), "-t", dbPath)

	im, err := OpenImage(dbPath)
	if err != nil {
		t.Fatal(err)
	}
	if !im.IsAdmin || im.ShortNames != short || im.ProductCode != "{11111111-2222-3333-4444-555555555555}" ||
		im.ProductVersion != "1.0.0" || im.UpgradeCode != "{66666666-7777-8888-9999-AAAAAAAAAAAA}" ||
		im.ProductName != "Admin Test" || im.Features["Off"] != 0 || im.Features["Main"] != 1 || len(im.AppliedPatches) != 0 {
		t.Errorf("OpenImage facts: %+v", im)
	}
}

// TestCreateRefusesOwnFolder: the image database must not overwrite the package.
func TestCreateRefusesOwnFolder(t *testing.T) {
	work := t.TempDir()
	pkg, _ := buildFixture(t, work, "product", "1.0.0", false)
	if _, err := Create(context.Background(), pkg, work, CreateOptions{}); err == nil {
		t.Fatal("Create into the package's own folder succeeded")
	}
}

// lessmsiExpected reads lessmsi's expected listing: image-relative path → size.
func lessmsiExpected(t *testing.T, csv string) (map[string]int64, int) {
	t.Helper()
	f, err := os.Open(csv)
	if err != nil {
		t.Fatal(err)
	}
	defer f.Close()
	out := map[string]int64{}
	lines := 0
	sc := bufio.NewScanner(f)
	for first := true; sc.Scan(); first = false {
		if first || strings.TrimSpace(sc.Text()) == "" {
			continue
		}
		lines++
		fields := strings.Split(sc.Text(), ",")
		if len(fields) < 2 || strings.Contains(fields[0], "duplicate") {
			continue // lessmsi renames colliding files; the installer does not
		}
		p := strings.TrimPrefix(strings.TrimPrefix(strings.ReplaceAll(fields[0], `\`, "/"), "/SourceDir"), "/")
		n, _ := strconv.ParseInt(fields[1], 10, 64)
		out[p] = n
	}
	return out, lines
}

// hasSourceSplit reports whether any Directory row has a target:source split.
func hasSourceSplit(t *testing.T, pkg string) bool {
	db, err := msi.Open(pkg)
	if err != nil {
		t.Fatal(err)
	}
	defer db.Close()
	tab, err := db.Table("Directory")
	if err != nil {
		t.Fatal(err)
	}
	for _, r := range tab.Rows() {
		if strings.Contains(stringCol(tab, r, "DefaultDir"), ":") {
			return true
		}
	}
	return false
}

// TestCreateLessmsiLayouts compares our images of real packages with
// lessmsi's expected listings where the README says they coincide (no
// target:source split), and otherwise checks sizes and completeness.
func TestCreateLessmsiLayouts(t *testing.T) {
	dir := testcorpus.Dir(t, "msi/lessmsi")
	cases := []struct {
		msi    string
		subset bool // the listing is a chosen subset of the files
	}{
		{"msi_with_external_cab.msi", false},
		{"IviNetSharedComponents32_Fx20_1.3.0.msi", false},
		{"ExtractOnlySomeFiles.msi", true},
		{"vcredist.msi", false},
	}
	for _, c := range cases {
		t.Run(c.msi, func(t *testing.T) {
			pkg := filepath.Join(dir, c.msi)
			img := t.TempDir()
			res, err := Create(context.Background(), pkg, img, CreateOptions{})
			if err != nil {
				t.Fatalf("Create: %v", err)
			}
			got := map[string]int64{}
			filepath.WalkDir(img, func(p string, d os.DirEntry, err error) error {
				if err == nil && !d.IsDir() {
					rel, _ := filepath.Rel(img, p)
					if fi, err := d.Info(); err == nil && rel != c.msi && !strings.HasPrefix(rel, ".ohotfix") {
						got[filepath.ToSlash(rel)] = fi.Size()
					}
				}
				return nil
			})
			if len(got) != res.Files {
				t.Errorf("%d files on disk, Create reported %d", len(got), res.Files)
			}
			split := hasSourceSplit(t, pkg)
			want, listed := lessmsiExpected(t, filepath.Join(dir, "expected", c.msi+".expected.csv"))
			if split {
				// msiexec /a uses the source halves of DefaultDir, lessmsi the
				// target halves: folders differ, file names and sizes do not.
				names := map[string]int{}
				for p, size := range got {
					names[path.Base(p)+"|"+strconv.FormatInt(size, 10)]++
				}
				for p, size := range want {
					k := path.Base(p) + "|" + strconv.FormatInt(size, 10)
					if names[k] == 0 {
						t.Errorf("no file %s of %d bytes in the image (lessmsi: %s)", path.Base(p), size, p)
					}
					names[k]--
				}
				if !c.subset && len(got) != listed {
					t.Errorf("image has %d files, lessmsi lists %d", len(got), listed)
				}
				t.Logf("%s has target:source splits; compared names and sizes of %d files", c.msi, len(want))
				return
			}
			for p, size := range want {
				if g, ok := got[p]; !ok {
					t.Errorf("missing %s", p)
				} else if g != size {
					t.Errorf("%s: %d bytes, lessmsi says %d", p, g, size)
				}
			}
			if !c.subset && len(got) != len(want) {
				t.Errorf("image has %d files, lessmsi lists %d", len(got), len(want))
			}
			im, err := OpenImage(filepath.Join(img, c.msi))
			if err != nil || !im.IsAdmin {
				t.Fatalf("OpenImage: %v %+v", err, im)
			}
		})
	}
}

// TestCreateFromUncompressedSource makes an image of an image: the source is
// then uncompressed (Word Count 4/5), files are read from its layout, with
// its own short or long names, and laid out with the requested ones.
func TestCreateFromUncompressedSource(t *testing.T) {
	work := t.TempDir()
	pkg, src := buildFixture(t, work, "product", "1.0.0", false)
	first := filepath.Join(work, "short-image")
	mustCreate(t, pkg, first, true)
	second := filepath.Join(work, "long-image")
	res := mustCreate(t, filepath.Join(first, "product.msi"), second, false)
	if res.Files != 5 {
		t.Fatalf("copied %d files from the image, want 5", res.Files)
	}
	want := map[string]string{}
	for key, p := range fixturePaths {
		want[p[0]] = string(src[fixtureSource[key]])
	}
	got := treeSnapshot(t, second)
	delete(got, "product.msi")
	if d := diffTrees(want, got); d != "" {
		t.Fatalf("image of an image:\n%s", d)
	}
	checkImageDatabase(t, filepath.Join(second, "product.msi"), false, false)
}
