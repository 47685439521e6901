package checks

import (
	"testing"

	"github.com/ohotfix/ohotfix/exitcode"
)

func TestTargetType(t *testing.T) {
	img := product(pro11, "11.0.5614.0")
	withImage := func(mod func(*AdminImage)) *Facts {
		f := adminFacts(5, img, patch("a.msp", 3, pro11))
		mod(f.Image)
		return f
	}
	for _, tc := range []struct {
		name  string
		facts *Facts
		want  want
	}{
		{"admin image, short names (5)", adminFacts(5, img, patch("a.msp", 3, pro11)),
			want{status: Passed, reason: []string{"/srv/o11/PRO11.MSI", pro11}}},
		{"admin image, long names (4)", adminFacts(4, img, patch("a.msp", 3, pro11)), want{status: Passed}},
		{"admin image, compressed bit too (6)", adminFacts(6, img, patch("a.msp", 3, pro11)), want{status: Passed}},
		{"product code case differs", adminFacts(5, product("{90110409-6000-11d3-8cfe-0150048383c9}", "11.0"), patch("a.msp", 3, pro11)), want{status: Passed}},
		{"original media (0)", adminFacts(0, img, patch("a.msp", 3, pro11)),
			want{status: Failed, code: exitcode.PackageInvalid, reason: []string{"not an administrative image", "ohotfix admin create PRODUCT.msi -d DIR"}}},
		{"compressed media (2)", adminFacts(2, img), want{status: Failed, code: exitcode.PackageInvalid}},
		{"Word Count missing", adminFacts(-1, img), want{status: Failed, code: exitcode.PackageInvalid, reason: []string{"missing"}}},
		{"no AdminPath", &Facts{Mode: Admin}, want{status: Failed, code: exitcode.PackageInvalid, reason: []string{"no AdminPath"}}},
		{"path missing", withImage(func(im *AdminImage) { im.Exists = false }),
			want{status: Failed, code: exitcode.PackageInvalid, reason: []string{"does not exist", "ohotfix admin create"}}},
		{"not a database", withImage(func(im *AdminImage) { im.OpenError = "not a compound file" }),
			want{status: Failed, code: exitcode.PackageInvalid, reason: []string{"not a compound file"}}},
		{"no patch targets the image", adminFacts(5, product(visio, "10.0"), patch("a.msp", 3, pro11)),
			want{status: Warning, reason: []string{visio}}},
		{"client, targeted", clientFacts("3.1", []Product{product(pro11, "11.0"), product(other, "1.0")}, patch("a.msp", 3, pro11)),
			want{status: Passed, reason: []string{"1 targeted", pro11}}},
		{"client, nothing targeted", clientFacts("3.1", []Product{product(other, "1.0")}, patch("a.msp", 3, pro11)),
			want{status: Warning, reason: []string{"none of the 1 installed", "nothing to do"}}},
		{"client, no products", clientFacts("3.1", nil, patch("a.msp", 3, pro11)), want{status: Warning}},
		{"client, patch without Template", clientFacts("3.1", []Product{product(pro11, "11.0")}, patch("a.msp", 3)),
			want{status: Warning}},
		{"unknown mode", &Facts{Mode: "both"}, want{status: Failed, code: exitcode.InvalidCommandLine}},
	} {
		t.Run(tc.name, func(t *testing.T) { tc.want.check(t, TargetType{}.Run(tc.facts)) })
	}
}

func TestSplitTemplate(t *testing.T) {
	got := SplitTemplate(" " + pro11 + ";;" + visio + " ; ")
	if len(got) != 2 || got[0] != pro11 || got[1] != visio {
		t.Fatalf("SplitTemplate = %q", got)
	}
	if SplitTemplate("") != nil || SplitTemplate(" ; ") != nil {
		t.Fatal("empty template yields codes")
	}
}
