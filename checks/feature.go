package checks

import (
	"fmt"
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
	features := splitFeatures(c.Feature)
	if len(features) == 0 {
		return skipped(name, "FeatureToCheck not set")
	}
	want := strings.Join(features, " or ")
	var skip []PatchVerdict
	for _, p := range f.Patches {
		ts := targetsOf(f, p)
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

func splitFeatures(s string) []string {
	return strings.FieldsFunc(s, func(r rune) bool { return r == ',' || r == ';' || r == ' ' || r == '\t' })
}

// targetsOf returns the targeted products p lists.
func targetsOf(f *Facts, p Patch) []Product {
	var out []Product
	for _, t := range f.targets() {
		if containsCode(p.Targets, t.Code) {
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
