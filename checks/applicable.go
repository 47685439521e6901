package checks

import (
	"errors"
	"fmt"
	"strings"

	msipatch "github.com/ohotfix/ohotfix/msi/patch"
	"github.com/ohotfix/ohotfix/msi/transform"
)

// TransformInfo is one product transform of a patch: its substorage name
// and its summary (the base it validates against, what it leaves behind),
// as msi/patch reads it.
type TransformInfo = msipatch.TransformInfo

// validatingTransform returns the first of ts that validates against base,
// as the installer tries a patch's transforms in order and applies the
// first that validates; ok is false when none does, and why then says, per
// transform, which check failed.
func validatingTransform(ts []TransformInfo, base transform.Facts) (t TransformInfo, ok bool, why string) {
	var reasons []string
	for _, t := range ts {
		err := t.Info.Check(base)
		if err == nil {
			return t, true, ""
		}
		var na *transform.NotApplicable
		if errors.As(err, &na) {
			reasons = append(reasons, t.Name+": "+na.Reason)
		} else {
			reasons = append(reasons, t.Name+": "+err.Error())
		}
	}
	return TransformInfo{}, false, strings.Join(reasons, "; ")
}

// leaves is base as applying the transform leaves it: the new product code,
// version, language and platform where the transform names them (an empty
// value or language 0 changes nothing). The upgrade code is the product
// family; a patch does not change it.
func leaves(in transform.Info, base transform.Facts) transform.Facts {
	set := func(dst *string, v string) {
		if v = strings.TrimSpace(v); v != "" {
			*dst = v
		}
	}
	set(&base.ProductCode, in.NewProductCode)
	set(&base.ProductVersion, in.NewVersion)
	set(&base.Platform, in.NewPlatform)
	if in.NewLanguage != "0" {
		set(&base.Language, in.NewLanguage)
	}
	return base
}

// baselines are the targets' validation facts as the patches judged so far
// in this run leave them (see PatchesNeeded.Verdicts), by product code.
type baselines struct {
	now map[string]transform.Facts
	by  map[string]string // product code → the patch of this run that last changed it
}

func newBaselines(ts []Product) baselines {
	b := baselines{now: map[string]transform.Facts{}, by: map[string]string{}}
	for _, t := range ts {
		if t.Baseline != nil {
			b.now[normCode(t.Code)] = *t.Baseline
		}
	}
	return b
}

// judge applies the validation rule to patch p on target t: "" when one of
// p's transforms validates (and the target's baseline then moves to what
// that transform leaves), else why none does. Without a known baseline or
// without the patch's transforms there is nothing to validate: "".
// PatchesNeeded never asks about a patch the set drops on t: it is not
// applied, so it moves nothing.
func (b baselines) judge(p Patch, t Product) string {
	code := normCode(t.Code)
	base, known := b.now[code]
	if !known || len(p.Transforms) == 0 {
		return ""
	}
	tr, ok, why := validatingTransform(p.Transforms, base)
	if !ok {
		state := ""
		if by := b.by[code]; by != "" {
			state = " (as " + by + " leaves it in this run)"
		}
		return fmt.Sprintf("no transform of the patch applies to %s %s%s: %s", t.label(), base.ProductVersion, state, why)
	}
	b.now[code], b.by[code] = leaves(tr.Info, base), p.Name
	return ""
}
