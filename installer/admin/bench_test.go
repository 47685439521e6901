package admin

import (
	"context"
	"fmt"
	"math/rand/v2"
	"os"
	"path/filepath"
	"strconv"
	"strings"
	"testing"
	"time"

	"go.uber.org/zap"

	"github.com/ohotfix/ohotfix/internal/testtools"
	"github.com/ohotfix/ohotfix/msi/patch"
)

// Benchmark sizes: OHOTFIX_ADMIN_BENCH_FILES files totalling
// OHOTFIX_ADMIN_BENCH_MB MiB, every 10th file changed by the patch; the data
// goes to OHOTFIX_ADMIN_BENCH_DIR (default /dev/shm when present). bench/admin.sh
// runs 5000 files / 500 MiB; the defaults keep `go test -bench .` quick.
func benchSizes() (files, mib int, dir string) {
	files, mib = 500, 50
	if v, err := strconv.Atoi(os.Getenv("OHOTFIX_ADMIN_BENCH_FILES")); err == nil && v > 0 {
		files = v
	}
	if v, err := strconv.Atoi(os.Getenv("OHOTFIX_ADMIN_BENCH_MB")); err == nil && v > 0 {
		mib = v
	}
	dir = os.Getenv("OHOTFIX_ADMIN_BENCH_DIR")
	if dir == "" {
		if st, err := os.Stat("/dev/shm"); err == nil && st.IsDir() {
			dir = "/dev/shm"
		}
	}
	return files, mib, dir
}

// largeFixture builds v1 and v2 of a product with n files (100 per folder,
// one component per folder) with wixl, the patch between them with
// patch.Create, and an admin image of v1.
type largeFixture struct {
	root, v1, v2, msp, image string
	changed                  int
}

// benchFixtures caches fixtures by size: the testing package calls a
// benchmark function several times (b.N = 1, then more). TestMain removes
// them at exit.
var benchFixtures = map[string]*largeFixture{}

func removeBenchFixtures() {
	for _, fx := range benchFixtures {
		os.RemoveAll(fx.root)
	}
}

func buildLargeFixture(b *testing.B, n, mib int, base string) *largeFixture {
	b.Helper()
	key := fmt.Sprint(n, mib, base)
	if fx := benchFixtures[key]; fx != nil {
		return fx
	}
	testtools.LookPath(b, "wixl")
	root, err := os.MkdirTemp(base, "ohotfix-admin-bench-")
	if err != nil {
		b.Fatal(err)
	}
	fx := &largeFixture{root: root}
	benchFixtures[key] = fx
	avg := int64(mib) << 20 / int64(n)
	rng := rand.New(rand.NewPCG(1, 2))
	sizes := make([]int64, n)
	for i := range sizes {
		sizes[i] = avg/2 + rng.Int64N(avg+1) // mean avg
	}
	for v, name := range []string{"v1", "v2"} {
		dir := filepath.Join(root, name)
		var wxs strings.Builder
		fmt.Fprintf(&wxs, `<?xml version="1.0" encoding="utf-8"?>
<Wix xmlns="http://schemas.microsoft.com/wix/2006/wi">
 <Product Id="{22222222-2222-3333-4444-555555555555}" Name="Admin Bench" Language="1033" Version="1.0.%d"
  Manufacturer="Ohotfix Bench" UpgradeCode="{77777777-7777-8888-9999-AAAAAAAAAAAA}">
  <Package InstallerVersion="200" Compressed="yes"/>
  <Media Id="1" Cabinet="bench.cab" EmbedCab="yes"/>
  <Directory Id="TARGETDIR" Name="SourceDir"><Directory Id="ProgramFilesFolder"><Directory Id="INSTALLDIR" Name="Admin Bench">
`, v)
		var refs strings.Builder
		for d := 0; d*100 < n; d++ {
			sub := filepath.Join(dir, "src", fmt.Sprintf("d%03d", d))
			if err := os.MkdirAll(sub, 0o755); err != nil {
				b.Fatal(err)
			}
			fmt.Fprintf(&wxs, "   <Directory Id=\"D%03d\" Name=\"folder %03d\"><Component Id=\"C%03d\" Guid=\"{B0000000-0000-0000-0000-%012d}\">\n", d, d, d, d)
			fmt.Fprintf(&refs, "<ComponentRef Id=\"C%03d\"/>", d)
			for i := d * 100; i < min(n, (d+1)*100); i++ {
				// File i's content: seeded by its index, and by the version
				// for every 10th file (the ones the patch delivers).
				seed := uint64(i)
				if i%10 == 0 && v == 1 {
					seed += 1 << 40
				}
				data := make([]byte, sizes[i])
				fill := rand.New(rand.NewPCG(seed, 7))
				for j := 0; j+8 <= len(data); j += 8 {
					u := fill.Uint64()
					for k := range 8 {
						data[j+k] = byte(u >> (8 * k))
					}
				}
				if err := os.WriteFile(filepath.Join(sub, fmt.Sprintf("f%05d.bin", i)), data, 0o644); err != nil {
					b.Fatal(err)
				}
				keyPath := ""
				if i == d*100 {
					keyPath = ` KeyPath="yes"`
				}
				fmt.Fprintf(&wxs, "    <File Id=\"F%05d\" Name=\"file %05d.bin\" Source=\"src/d%03d/f%05d.bin\"%s/>\n", i, i, d, i, keyPath)
			}
			wxs.WriteString("   </Component></Directory>\n")
		}
		fmt.Fprintf(&wxs, "  </Directory></Directory></Directory>\n  <Feature Id=\"Main\" Level=\"1\">%s</Feature>\n </Product>\n</Wix>\n", refs.String())
		wxsPath := filepath.Join(dir, "product.wxs")
		if err := os.WriteFile(wxsPath, []byte(wxs.String()), 0o644); err != nil {
			b.Fatal(err)
		}
		out := filepath.Join(dir, "product.msi")
		run(b, dir, "wixl", "-o", out, wxsPath)
		os.RemoveAll(filepath.Join(dir, "src"))
		if v == 0 {
			fx.v1 = out
		} else {
			fx.v2 = out
		}
	}
	fx.msp = filepath.Join(root, "P.msp")
	cr, err := patch.Create(fx.v1, fx.v2, fx.msp, patch.CreateOptions{})
	if err != nil {
		b.Fatal(err)
	}
	fx.changed = len(cr.Delivered)
	fx.image = filepath.Join(root, "image")
	mustCreate(b, fx.v1, fx.image, false)
	return fx
}

// linkTree makes dst a copy of src made of hard links: ApplyPatch never
// writes a file in place (it renames new files in), so the pristine image
// stays intact, and a fresh image per iteration costs almost nothing.
func linkTree(b *testing.B, src, dst string) {
	b.Helper()
	err := filepath.WalkDir(src, func(p string, d os.DirEntry, err error) error {
		if err != nil {
			return err
		}
		rel, _ := filepath.Rel(src, p)
		t := filepath.Join(dst, rel)
		if d.IsDir() {
			return os.MkdirAll(t, 0o755)
		}
		return os.Link(p, t)
	})
	if err != nil {
		b.Fatal(err)
	}
}

// patchCabinet writes the patch's cabinet stream to a file (once).
func patchCabinet(b *testing.B, fx *largeFixture) string {
	b.Helper()
	cabPath := filepath.Join(fx.root, "patch.cab")
	if _, err := os.Stat(cabPath); err == nil {
		return cabPath
	}
	p, err := patch.Open(fx.msp)
	if err != nil {
		b.Fatal(err)
	}
	defer p.Close()
	for _, s := range p.Database().Streams() {
		if data, err := p.Database().ReadStream(s); err == nil && len(data) > 4 && string(data[:4]) == "MSCF" {
			if err := os.WriteFile(cabPath, data, 0o644); err != nil {
				b.Fatal(err)
			}
			return cabPath
		}
	}
	b.Fatal("no cabinet stream in the patch")
	return ""
}

// physicalFloor times what any tool must do at least: extract the patch's
// cabinet into a folder (cabextract) and copy the database.
func physicalFloor(b *testing.B, fx *largeFixture, cabPath string) time.Duration {
	b.Helper()
	out := filepath.Join(fx.root, "floor")
	os.MkdirAll(out, 0o755)
	defer os.RemoveAll(out)
	start := time.Now()
	run(b, "", "cabextract", "-q", "-d", out, cabPath)
	run(b, "", "cp", filepath.Join(fx.image, "product.msi"), filepath.Join(out, "product.msi"))
	return time.Since(start)
}

// BenchmarkApplyPatch patches a fresh (hard-linked) copy of the v1 image per
// iteration and reports the ratio to the physical floor, measured in the
// same iteration (the machine is shared: interleaving keeps both under the
// same load).
func BenchmarkApplyPatch(b *testing.B) {
	n, mib, base := benchSizes()
	testtools.LookPath(b, "cabextract")
	fx := buildLargeFixture(b, n, mib, base)
	cabPath := patchCabinet(b, fx)
	b.ResetTimer()
	var total, floor time.Duration
	bestRun, bestFloor := time.Duration(1<<62), time.Duration(1<<62)
	for i := 0; i < b.N; i++ {
		b.StopTimer()
		f := physicalFloor(b, fx, cabPath)
		floor += f
		bestFloor = min(bestFloor, f)
		img := filepath.Join(fx.root, fmt.Sprintf("run%d", i))
		linkTree(b, fx.image, img)
		b.StartTimer()
		start := time.Now()
		res, err := ApplyPatch(context.Background(), filepath.Join(img, "product.msi"), fx.msp, ApplyOptions{Logger: benchLogger()})
		took := time.Since(start)
		total += took
		bestRun = min(bestRun, took)
		if err != nil {
			b.Fatal(err)
		}
		b.StopTimer()
		if res.FilesReplaced != fx.changed {
			b.Fatalf("replaced %d files, the patch delivers %d", res.FilesReplaced, fx.changed)
		}
		os.RemoveAll(img)
		b.StartTimer()
	}
	per, fl := total/time.Duration(b.N), floor/time.Duration(b.N)
	b.ReportMetric(float64(fx.changed), "patched-files")
	b.ReportMetric(fl.Seconds(), "floor-s")
	b.ReportMetric(per.Seconds()/fl.Seconds(), "x-floor")
	b.ReportMetric(bestRun.Seconds()/bestFloor.Seconds(), "x-floor-best")
	fmt.Fprintf(os.Stderr, "admin patch: %d files / %d MiB image, %d patched, %d runs: mean %v vs floor (cabextract + cp) %v = %.2fx; best %v vs %v = %.2fx\n",
		n, mib, fx.changed, b.N, per.Round(time.Millisecond), fl.Round(time.Millisecond), per.Seconds()/fl.Seconds(),
		bestRun.Round(time.Millisecond), bestFloor.Round(time.Millisecond), bestRun.Seconds()/bestFloor.Seconds())
}

// benchLogger prints the phase timings to stderr when
// OHOTFIX_ADMIN_BENCH_TRACE=1.
func benchLogger() *zap.Logger {
	if os.Getenv("OHOTFIX_ADMIN_BENCH_TRACE") != "1" {
		return nil
	}
	l, _ := zap.NewDevelopment(zap.IncreaseLevel(zap.DebugLevel))
	return l
}

// BenchmarkCreate makes an admin image of a generated package and compares
// with msiextract (msitools), which extracts the same files (by target
// names) without writing a database.
func BenchmarkCreate(b *testing.B) {
	n, mib, base := benchSizes()
	fx := buildLargeFixture(b, n, mib, base)
	b.ResetTimer()
	var total time.Duration
	for i := 0; i < b.N; i++ {
		img := filepath.Join(fx.root, fmt.Sprintf("create%d", i))
		start := time.Now()
		mustCreate(b, fx.v1, img, false)
		total += time.Since(start)
		b.StopTimer()
		os.RemoveAll(img)
		b.StartTimer()
	}
	b.SetBytes(int64(mib) << 20)
	b.StopTimer()
	testtools.LookPath(b, "msiextract")
	out := filepath.Join(fx.root, "msiextract")
	start := time.Now()
	run(b, "", "msiextract", "-C", out, fx.v1)
	peer := time.Since(start)
	os.RemoveAll(out)
	per := total / time.Duration(b.N)
	b.ReportMetric(per.Seconds()/peer.Seconds(), "x-msiextract")
	fmt.Fprintf(os.Stderr, "admin create: %d files / %d MiB: %v per run; msiextract %v; ratio %.2fx\n",
		n, mib, per.Round(time.Millisecond), peer.Round(time.Millisecond), per.Seconds()/peer.Seconds())
}
