package checks

import (
	"fmt"
	"slices"
	"strings"
)

// FeatureToCheck is ohotfix.ini's FeatureToCheck: a patch is needed only
// where the feature is present (admin: in the image's Feature table with a
// non-zero Level; client: installed). Several features may be listed,
// separated by commas or semicolons (feature names cannot contain either);
// any one of them present is enough. Patches whose targets all lack the
// feature are skipped — that is "nothing to do", not a failure.
type FeatureToCheck struct {
	Feature string
}

func (FeatureToCheck) Name() string { return "FeatureToCheck" }

func (c FeatureToCheck) Run(f *Facts) Result {
	name := c.Name()
	features := FeatureNames(c.Feature)
	if len(features) == 0 {
		return skipped(name, "FeatureToCheck not set")
	}
	want := strings.Join(features, " or ")
	idx := indexTargets(f.targets())
	var skip []PatchVerdict
	for _, p := range f.Patches {
		ts := idx.targetsOf(p)
		if len(ts) == 0 {
			continue // no target at all: TargetType / PatchesNeeded say so
		}
		if !anyFeature(f, ts, features) {
			skip = append(skip, PatchVerdict{Patch: p.Name, Status: Skipped,
				Reason: fmt.Sprintf("feature %s is not present in %s", want, productList(ts))})
		}
	}
	if len(skip) == 0 {
		return passed(name, fmt.Sprintf("feature %s is present where the patches apply", want))
	}
	r := passed(name, fmt.Sprintf("%d of %d patches not needed: feature %s absent", len(skip), len(f.Patches), want))
	r.Patches = skip
	return r
}

// FeatureNames splits ohotfix.ini FeatureToCheck into feature names (comma,
// semicolon or blank separated).
func FeatureNames(s string) []string {
	return strings.FieldsFunc(s, func(r rune) bool { return r == ',' || r == ';' || r == ' ' || r == '\t' })
}

// targetIndex finds targeted products by product code.
type targetIndex map[string]Product

func indexTargets(ts []Product) targetIndex {
	idx := make(targetIndex, len(ts))
	for _, t := range ts {
		idx[normCode(t.Code)] = t
	}
	return idx
}

// targetsOf returns the targeted products p lists, in p's order, once each.
func (idx targetIndex) targetsOf(p Patch) []Product {
	var out []Product
	for _, c := range p.Targets {
		t, ok := idx[normCode(c)]
		if ok && !slices.ContainsFunc(out, func(o Product) bool { return sameCode(o.Code, t.Code) }) {
			out = append(out, t)
		}
	}
	return out
}

func anyFeature(f *Facts, ps []Product, features []string) bool {
	for _, p := range ps {
		for _, ft := range features {
			if f.featurePresent(p, ft) {
				return true
			}
		}
	}
	return false
}
