package admin

import (
	"context"
	"errors"
	"io"
	"os"
	"path/filepath"
	"strings"
	"syscall"
	"testing"
	"time"

	"github.com/ohotfix/ohotfix/exitcode"
	"github.com/ohotfix/ohotfix/installer/lock"
	"github.com/ohotfix/ohotfix/internal/testcorpus"
	"github.com/ohotfix/ohotfix/internal/testtools"
	"github.com/ohotfix/ohotfix/msi/patch"
)

// patchFixture is v1 and v2 of the test product, the patch between them and
// what an image of each holds.
type patchFixture struct {
	V1, V2, Patch string
	V2Src         map[string][]byte
	Created       *patch.Created
}

func buildPatchFixture(t testing.TB, work string) *patchFixture {
	return buildPatchFixtureWith(t, work, patch.CreateOptions{})
}

// buildPatchFixtureWith is buildPatchFixture with the patch made with opt.
func buildPatchFixtureWith(t testing.TB, work string, opt patch.CreateOptions) *patchFixture {
	t.Helper()
	v1, _ := buildFixtureExtra(t, filepath.Join(work, "v1"), "product", "1.0.0", false, false)
	v2, src2 := buildFixtureExtra(t, filepath.Join(work, "v2"), "product", "1.0.1", false, true)
	p := filepath.Join(work, "P.msp")
	cr, err := patch.Create(v1, v2, p, opt)
	if err != nil {
		t.Fatalf("patch.Create: %v", err)
	}
	return &patchFixture{V1: v1, V2: v2, Patch: p, V2Src: src2, Created: cr}
}

// v2Files is what the files of a patched image must hold.
func (f *patchFixture) v2Files(short bool) map[string]string {
	idx := 0
	if short {
		idx = 1
	}
	out := map[string]string{newFilePaths[idx]: string(f.V2Src["new.txt"])}
	for key, p := range fixturePaths {
		out[p[idx]] = string(f.V2Src[fixtureSource[key]])
	}
	return out
}

// v1Image builds the patch fixture in a temporary folder and, in its
// "image" subfolder, an administrative image (long names) of the fixture's
// v1 product.
func v1Image(t *testing.T) (work string, fx *patchFixture, img string) {
	t.Helper()
	work = t.TempDir()
	fx = buildPatchFixture(t, work)
	img = filepath.Join(work, "image")
	mustCreate(t, fx.V1, img, false)
	return work, fx, img
}

// requireSameTree stops the test when the tree at dir differs from the
// snapshot before, saying what changed.
func requireSameTree(t *testing.T, before map[string]string, dir, what string) {
	t.Helper()
	if d := diffTrees(before, treeSnapshot(t, dir)); d != "" {
		t.Fatalf("%s:\n%s", what, d)
	}
}

func withoutDB(m map[string]string) map[string]string {
	out := map[string]string{}
	for k, v := range m {
		if !strings.HasSuffix(k, ".msi") {
			out[k] = v
		}
	}
	return out
}

func TestApplyPatchToImage(t *testing.T) {
	work := t.TempDir()
	fx := buildPatchFixture(t, work)
	for _, short := range []bool{false, true} {
		name := map[bool]string{false: "long", true: "short"}[short]
		t.Run(name, func(t *testing.T) {
			img := filepath.Join(t.TempDir(), "image")
			mustCreate(t, fx.V1, img, short)
			imgMsi := filepath.Join(img, "product.msi")
			idx := map[bool]int{false: 0, true: 1}[short]
			untouched := filepath.Join(img, filepath.FromSlash(fixturePaths["Readme"][idx]))
			stBefore, err := os.Stat(untouched)
			if err != nil {
				t.Fatal(err)
			}
			res, err := ApplyPatch(context.Background(), imgMsi, fx.Patch, ApplyOptions{})
			if err != nil {
				t.Fatalf("ApplyPatch: %v", err)
			}
			// application.exe, library.dll, data.bin change; opt.txt changes
			// too but belongs to a Level-0 feature, not in the image.
			if res.FilesReplaced != 3 || res.FilesAdded != 1 || res.AlreadyApplied || len(res.AppliedPairs) != 1 {
				t.Errorf("result %+v: want 3 replaced, 1 added, one pair", res)
			}
			// Files the patch does not deliver are left alone: same inode,
			// same modification time.
			if stAfter, err := os.Stat(untouched); err != nil || !os.SameFile(stBefore, stAfter) || !stAfter.ModTime().Equal(stBefore.ModTime()) {
				t.Errorf("an unchanged file was rewritten: %v", err)
			}
			got := treeSnapshot(t, img)
			if d := diffTrees(fx.v2Files(short), withoutDB(got)); d != "" {
				t.Fatalf("patched image files differ from v2:\n%s", d)
			}
			// The same files as an image made from v2 directly.
			img2 := filepath.Join(t.TempDir(), "image2")
			mustCreate(t, fx.V2, img2, short)
			if d := diffTrees(withoutDB(treeSnapshot(t, img2)), withoutDB(got)); d != "" {
				t.Fatalf("patched v1 image differs from the v2 image:\n%s", d)
			}
			checkPatchedDatabase(t, imgMsi, fx, short)

			// A second run is a no-op that says so, and changes nothing.
			again, err := ApplyPatch(context.Background(), imgMsi, fx.Patch, ApplyOptions{})
			if err != nil || !again.AlreadyApplied || !strings.Contains(again.Message, "already applied") {
				t.Fatalf("second run: %+v, %v", again, err)
			}
			if d := diffTrees(got, treeSnapshot(t, img)); d != "" {
				t.Fatalf("second run changed the image:\n%s", d)
			}
			// A copy of the image carries its state.
			cp := filepath.Join(t.TempDir(), "copy")
			copyTree(t, img, cp)
			third, err := ApplyPatch(context.Background(), filepath.Join(cp, "product.msi"), fx.Patch, ApplyOptions{})
			if err != nil || !third.AlreadyApplied {
				t.Fatalf("copied image: %+v, %v", third, err)
			}
		})
	}
}

func checkPatchedDatabase(t *testing.T, imgMsi string, fx *patchFixture, short bool) {
	t.Helper()
	im, err := OpenImage(imgMsi)
	if err != nil {
		t.Fatal(err)
	}
	if im.ProductVersion != "1.0.1" || !im.IsAdmin || im.ShortNames != short || !containsFold(im.AppliedPatches, fx.Created.PatchCode) {
		t.Errorf("patched image facts: %+v (patch %s)", im, fx.Created.PatchCode)
	}
	testtools.LookPath(t, "msiinfo")
	media := run(t, "", "msiinfo", "export", imgMsi, "Media")
	rows := strings.Split(strings.TrimSpace(media), "\n")[3:]
	if len(rows) < 2 {
		t.Errorf("patched Media table should hold the product's and the patch's rows:\n%s", media)
	}
	for _, line := range rows {
		if f := strings.Split(line, "\t"); len(f) >= 4 && f[3] != "" {
			t.Errorf("Media row names a cabinet: %q", line)
		}
	}
	rec := run(t, "", "msiinfo", "export", imgMsi, AppliedPatchTable)
	if !strings.Contains(strings.ToUpper(rec), strings.ToUpper(fx.Created.PatchCode)) {
		t.Errorf("%s does not record the patch:\n%s", AppliedPatchTable, rec)
	}
	if streams := run(t, "", "msiinfo", "streams", imgMsi); strings.Contains(streams, fx.Created.Cabinet) {
		t.Errorf("the image database holds the patch cabinet:\n%s", streams)
	}
	run(t, "", "msidump", "-d", t.TempDir(), "-t", imgMsi)
}

func copyTree(t testing.TB, src, dst string) {
	t.Helper()
	writeTree(t, dst, treeSnapshot(t, src))
}

// TestApplyPatchRefusals: a patch for another product (1642), a package that
// is not an admin image (1620): nothing changes.
func TestApplyPatchRefusals(t *testing.T) {
	work, fx, img := v1Image(t)

	// Another product: the same packages with another ProductCode.
	other := filepath.Join(work, "other")
	var pkgs [2]string
	for i, src := range []string{fx.V1, fx.V2} {
		d := filepath.Join(other, []string{"v1", "v2"}[i])
		b, err := os.ReadFile(src)
		if err != nil {
			t.Fatal(err)
		}
		pkgs[i] = filepath.Join(d, "product.msi")
		writeTree(t, d, map[string]string{"product.msi": string(b)})
		run(t, d, "msibuild", pkgs[i], "-q", "UPDATE `Property` SET `Value`='{99999999-2222-3333-4444-555555555555}' WHERE `Property`='ProductCode'")
	}
	otherMsp := filepath.Join(work, "other.msp")
	if _, err := patch.Create(pkgs[0], pkgs[1], otherMsp, patch.CreateOptions{}); err != nil {
		t.Fatal(err)
	}
	before := treeSnapshot(t, img)
	_, err := ApplyPatch(context.Background(), filepath.Join(img, "product.msi"), otherMsp, ApplyOptions{})
	if exitcode.Of(err) != exitcode.PatchTargetNotFound {
		t.Fatalf("patch for another product: %v (code %v), want 1642", err, exitcode.Of(err))
	}
	requireSameTree(t, before, img, "refused patch changed the image")

	// Not an admin image: the product package itself.
	_, err = ApplyPatch(context.Background(), fx.V1, fx.Patch, ApplyOptions{})
	if exitcode.Of(err) != exitcode.PackageInvalid || !strings.Contains(err.Error(), "admin create") {
		t.Fatalf("non-admin package: %v (code %v), want 1620 saying how to make an image", err, exitcode.Of(err))
	}

	// A file that is no patch.
	_, err = ApplyPatch(context.Background(), filepath.Join(img, "product.msi"), fx.V2, ApplyOptions{})
	if c := exitcode.Of(err); c != exitcode.PatchInvalid {
		t.Fatalf("an .msi given as patch: %v (code %v), want 1636", err, c)
	}
}

// TestApplyPatchDiskFull: a write failing with ENOSPC rolls back; 1632
// (not enough space in the target folder); a denied rename: 1603.
func TestApplyPatchDiskFull(t *testing.T) {
	_, fx, img := v1Image(t)
	before := treeSnapshot(t, img)
	testHookWrap = func(w io.Writer) io.Writer { return &errWriter{w: w, limit: 1000} }
	_, err := ApplyPatch(context.Background(), filepath.Join(img, "product.msi"), fx.Patch, ApplyOptions{})
	testHookWrap = nil
	if exitcode.Of(err) != exitcode.TempUnwritable || !errors.Is(err, syscall.ENOSPC) {
		t.Fatalf("err = %v, want 1632 wrapping ENOSPC", err)
	}
	requireSameTree(t, before, img, "image changed")
	// Permission denied while switching (injected: root ignores modes).
	testHookFileOp = func(_ int64, kind, path string) error {
		if kind == "switch" {
			return &os.PathError{Op: "rename", Path: path, Err: syscall.EACCES}
		}
		return nil
	}
	_, err = ApplyPatch(context.Background(), filepath.Join(img, "product.msi"), fx.Patch, ApplyOptions{})
	testHookFileOp = nil
	if exitcode.Of(err) != exitcode.Fatal || !errors.Is(err, syscall.EACCES) {
		t.Fatalf("err = %v, want 1603 wrapping EACCES", err)
	}
	requireSameTree(t, before, img, "image changed")
	if _, err := ApplyPatch(context.Background(), filepath.Join(img, "product.msi"), fx.Patch, ApplyOptions{}); err != nil {
		t.Fatalf("a run after the failures: %v", err)
	}
}

// TestApplyPatchLocked: while another process holds the image, a run with no
// wait fails with 1618 naming the holder; with a wait it proceeds once freed.
func TestApplyPatchLocked(t *testing.T) {
	_, fx, img := v1Image(t)
	before := treeSnapshot(t, img)
	h, err := lock.AcquireFile(context.Background(), filepath.Join(img, lock.ImageLockName), lock.Options{Command: []string{"holder-under-test"}})
	if err != nil {
		t.Fatal(err)
	}
	_, err = ApplyPatch(context.Background(), filepath.Join(img, "product.msi"), fx.Patch, ApplyOptions{LockWait: lock.NoWait})
	if exitcode.Of(err) != exitcode.AlreadyRunning {
		h.Release()
		t.Fatalf("err = %v, want 1618", err)
	}
	var be *lock.BusyError
	if !errors.As(err, &be) || be.Holder.PID == 0 {
		t.Errorf("the 1618 error does not name the holder: %v", err)
	}
	requireSameTree(t, before, img, "image changed")
	done := make(chan error, 1)
	go func() {
		_, err := ApplyPatch(context.Background(), filepath.Join(img, "product.msi"), fx.Patch, ApplyOptions{LockWait: 30 * time.Second})
		done <- err
	}()
	time.Sleep(300 * time.Millisecond)
	h.Release()
	if err := <-done; err != nil {
		t.Fatalf("waiting run: %v", err)
	}
	if d := diffTrees(fx.v2Files(false), withoutDB(treeSnapshot(t, img))); d != "" {
		t.Fatalf("image after the waiting run:\n%s", d)
	}
}

// TestApplyPatchConcurrentProcesses: two worker processes patch one image at
// once; one applies, the other waits and finds it applied; the image is v2.
func TestApplyPatchConcurrentProcesses(t *testing.T) {
	_, fx, img := v1Image(t)
	spec := "apply:" + filepath.Join(img, "product.msi") + "|" + fx.Patch
	errs := make(chan error, 2)
	for range 2 {
		go func() { errs <- runWorkerProcess(spec, 0) }()
	}
	for range 2 {
		if err := <-errs; err != nil {
			t.Fatal(err)
		}
	}
	if d := diffTrees(fx.v2Files(false), withoutDB(treeSnapshot(t, img))); d != "" {
		t.Fatalf("image after two concurrent runs:\n%s", d)
	}
}

// TestApplyPatchCrashAtEveryStep kills a worker at every journaled file
// operation of a patch run; after recovery the image is byte for byte the
// old or the new one.
func TestApplyPatchCrashAtEveryStep(t *testing.T) {
	work := t.TempDir()
	crashAtEveryStep(t, work, buildPatchFixture(t, work))
}

// referencePatchRun makes an administrative image of fx's v1 at
// work/pristine and patches a copy of it (work/ref) once, cleanly: it
// returns the pristine image's folder, its files, the patched image's files
// without the database, and how many journaled operations the run took (the
// points a crash or fault test injects at).
func referencePatchRun(t *testing.T, work string, fx *patchFixture) (pristine string, oldTree, newFiles map[string]string, ops int64) {
	t.Helper()
	pristine = filepath.Join(work, "pristine")
	mustCreate(t, fx.V1, pristine, false)
	oldTree = treeSnapshot(t, pristine)

	ref := filepath.Join(work, "ref")
	copyTree(t, pristine, ref)
	before := opCount.Load()
	if _, err := ApplyPatch(context.Background(), filepath.Join(ref, "product.msi"), fx.Patch, ApplyOptions{}); err != nil {
		t.Fatal(err)
	}
	ops = opCount.Load() - before
	return pristine, oldTree, withoutDB(treeSnapshot(t, ref)), ops
}

// crashAtEveryStep kills ApplyPatch of fx's patch to an image of fx's v1 at
// each journaled operation in turn: after recovery the image must be the
// old one or the patched one.
func crashAtEveryStep(t *testing.T, work string, fx *patchFixture) {
	pristine, oldTree, newFiles, total := referencePatchRun(t, work, fx)

	sawOld, sawNew := 0, 0
	for n := int64(1); n <= total; n++ {
		img := filepath.Join(work, "crash", strings.Repeat("x", 1)+time.Now().Format("150405.000000"))
		copyTree(t, pristine, img)
		msiPath := filepath.Join(img, "product.msi")
		if !runCrashWorker(t, "apply:"+msiPath+"|"+fx.Patch, n) {
			t.Fatalf("crash point %d of %d: the worker was not killed", n, total)
		}
		if err := Recover(img); err != nil {
			t.Fatalf("crash point %d: recover: %v", n, err)
		}
		got := treeSnapshot(t, img)
		switch {
		case diffTrees(oldTree, got) == "":
			sawOld++
		case diffTrees(newFiles, withoutDB(got)) == "" && patchedDB(t, msiPath, fx):
			sawNew++
		default:
			t.Fatalf("crash point %d: image is neither old nor new:\nvs old:\n%s\nvs new:\n%s", n,
				diffTrees(oldTree, got), diffTrees(newFiles, withoutDB(got)))
		}
		os.RemoveAll(img)
	}
	if sawOld == 0 || sawNew == 0 {
		t.Errorf("crash points gave %d old and %d new images; want both", sawOld, sawNew)
	}
	t.Logf("%d crash points: %d old images, %d new images", total, sawOld, sawNew)
}

// patchedDB reports whether the image database records the patch (the new
// database is written at each run, so it is compared by content, not bytes).
func patchedDB(t *testing.T, msiPath string, fx *patchFixture) bool {
	im, err := OpenImage(msiPath)
	return err == nil && containsFold(im.AppliedPatches, fx.Created.PatchCode) && im.ProductVersion == "1.0.1"
}

func init() {
	workerApplyFunc = func(spec string) error {
		img, msp, ok := strings.Cut(spec, "|")
		if !ok {
			return errors.New("apply worker: want IMAGE|PATCH")
		}
		_, err := ApplyPatch(context.Background(), img, msp, ApplyOptions{LockWait: time.Minute})
		return err
	}
}

// TestApplyRealPatchToOtherProduct: Microsoft's SQL2008_AS.msp (PatchWiz)
// read by the patch engine, applied to an image of another product: 1642
// and nothing changes.
func TestApplyRealPatchToOtherProduct(t *testing.T) {
	dir := testcorpus.Dir(t, "msi/lessmsi")
	img := filepath.Join(t.TempDir(), "image")
	mustCreate(t, filepath.Join(dir, "msi_with_external_cab.msi"), img, false)
	before := treeSnapshot(t, img)
	_, err := ApplyPatch(context.Background(), filepath.Join(img, "msi_with_external_cab.msi"), filepath.Join(dir, "SQL2008_AS.msp"), ApplyOptions{})
	if exitcode.Of(err) != exitcode.PatchTargetNotFound || !strings.Contains(err.Error(), "{4508D19D-07FE-4722-88C7-27152965756B}") {
		t.Fatalf("err = %v (code %v), want 1642 naming the patch's target", err, exitcode.Of(err))
	}
	requireSameTree(t, before, img, "image changed")
}

// TestApplyObsoletedPatch: once a patch that obsoletes P1 is applied, P1 is a
// no-op that names the obsoleting patch.
func TestApplyObsoletedPatch(t *testing.T) {
	work, fx, img := v1Image(t)
	v3, _ := buildFixtureExtra(t, filepath.Join(work, "v3"), "product", "1.0.2", false, true)
	p2 := filepath.Join(work, "P2.msp")
	cr2, err := patch.Create(fx.V1, v3, p2, patch.CreateOptions{Obsoletes: []string{fx.Created.PatchCode}})
	if err != nil {
		t.Fatal(err)
	}
	imgMsi := filepath.Join(img, "product.msi")
	if _, err := ApplyPatch(context.Background(), imgMsi, p2, ApplyOptions{}); err != nil {
		t.Fatal(err)
	}
	before := treeSnapshot(t, img)
	res, err := ApplyPatch(context.Background(), imgMsi, fx.Patch, ApplyOptions{})
	if err != nil || !strings.EqualFold(res.ObsoletedBy, cr2.PatchCode) || !strings.Contains(res.Message, "obsoleted") {
		t.Fatalf("obsoleted patch: %+v, %v", res, err)
	}
	requireSameTree(t, before, img, "an obsoleted patch changed the image")
}

// TestApplyPatchNameOption: an explicit --short-names places the delivered
// files by short names even in a long-name image (SHORTFILENAMES=TRUE does
// the same to msiexec); the image's other files stay where they are.
func TestApplyPatchNameOption(t *testing.T) {
	_, fx, img := v1Image(t)
	short := true
	res, err := ApplyPatch(context.Background(), filepath.Join(img, "product.msi"), fx.Patch, ApplyOptions{ShortNames: &short})
	if err != nil {
		t.Fatal(err)
	}
	if res.FilesAdded != 4 || res.FilesReplaced != 0 {
		t.Fatalf("result %+v: want the 4 delivered files added under short names", res)
	}
	got := treeSnapshot(t, img)
	for _, key := range []string{"AppExe", "LibDll", "DataBin"} {
		if got[fixturePaths[key][1]] != string(fx.V2Src[fixtureSource[key]]) {
			t.Errorf("%s not at its short path %s", key, fixturePaths[key][1])
		}
	}
	if _, ok := got[fixturePaths["Readme"][0]]; !ok {
		t.Errorf("the untouched long-name file disappeared")
	}
}
