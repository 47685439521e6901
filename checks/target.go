package checks

import (
	"fmt"

	"github.com/ohotfix/ohotfix/exitcode"
)

// TargetType validates what the run will patch. Admin mode: AdminPath must be
// an existing, openable installer database whose Word Count carries the
// administrative-image bit, and a patch must target its product. Client mode:
// at least one installed product must be targeted by a patch.
type TargetType struct{}

func (TargetType) Name() string { return "TargetType" }

// makeImageHint tells the user how to turn a product .msi into an image.
const makeImageHint = "create one with `ohotfix admin create PRODUCT.msi -d DIR` and point AdminPath at DIR's .msi"

func (c TargetType) Run(f *Facts) Result {
	name := c.Name()
	switch f.Mode {
	case Admin:
		return c.admin(name, f)
	case Client:
		return c.client(name, f)
	}
	return failed(name, exitcode.InvalidCommandLine, fmt.Sprintf("unknown update mode %q (IsNormalUpdate must be 0 or 1)", f.Mode))
}

func (c TargetType) admin(name string, f *Facts) Result {
	im := f.Image
	switch {
	case im == nil || im.Path == "":
		return failed(name, exitcode.PackageInvalid, "admin update (IsNormalUpdate=0) but no AdminPath was given; "+makeImageHint)
	case !im.Exists:
		return failed(name, exitcode.PackageInvalid, fmt.Sprintf("AdminPath %s does not exist; %s", im.Path, makeImageHint))
	case im.OpenError != "":
		return failed(name, exitcode.PackageInvalid, fmt.Sprintf("AdminPath %s is not an installer database (%s); %s", im.Path, im.OpenError, makeImageHint))
	case im.WordCount < 0 || im.WordCount&adminImageBit == 0:
		return failed(name, exitcode.PackageInvalid, fmt.Sprintf("%s is not an administrative image (Word Count %s lacks bit 4); %s", im.Path, wordCountText(im.WordCount), makeImageHint))
	}
	for _, p := range f.Patches {
		if containsCode(p.Targets, im.Product.Code) {
			return passed(name, fmt.Sprintf("administrative image %s of %s (Word Count %d)", im.Path, im.Product.label(), im.WordCount))
		}
	}
	// Not an error by itself: the run has nothing to do (exit 0) unless
	// RequireAllPatchesNeeded=1, which PatchesNeeded judges (1642).
	return warning(name, fmt.Sprintf("administrative image %s of %s: no patch targets its product, nothing to do here", im.Path, im.Product.label()))
}

func wordCountText(wc int) string {
	if wc < 0 {
		return "missing"
	}
	return fmt.Sprint(wc)
}

func (c TargetType) client(name string, f *Facts) Result {
	ts := f.targets()
	if len(ts) == 0 {
		return warning(name, fmt.Sprintf("none of the %d installed products is targeted by a patch: nothing to do here", len(f.Products)))
	}
	return passed(name, fmt.Sprintf("client update of %d targeted product(s): %s", len(ts), productList(ts)))
}

func productList(ps []Product) string {
	s := ""
	for i, p := range ps {
		if i > 0 {
			s += ", "
		}
		s += p.label()
	}
	return s
}
