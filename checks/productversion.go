package checks

import (
	"fmt"
	"strings"

	version "github.com/hashicorp/go-version"

	"github.com/ohotfix/ohotfix/exitcode"
)

// MinProductVersion is ohotfix.ini's MinProductVersion and
// RequireAllProductsAtMinVersion: a targeted product (client: the installed
// version; admin: the image's ProductVersion) must be at least Min. With
// RequireAll every targeted product must be, otherwise one is enough.
type MinProductVersion struct {
	Min        string
	RequireAll bool
}

func (MinProductVersion) Name() string { return "MinProductVersion" }

func (c MinProductVersion) Run(f *Facts) Result {
	name := c.Name()
	if strings.TrimSpace(c.Min) == "" {
		return skipped(name, "MinProductVersion not set")
	}
	min, err := ParseVersion(c.Min)
	if err != nil {
		return failed(name, exitcode.InvalidCommandLine, "ohotfix.ini MinProductVersion: "+err.Error())
	}
	ts := f.targets()
	if len(ts) == 0 {
		return failed(name, exitcode.PatchTargetNotFound, "no targeted product to compare with MinProductVersion "+c.Min)
	}
	var ok, low []string
	for _, p := range ts {
		if why := belowMin(p, min, c.Min); why != "" {
			low = append(low, why)
		} else {
			ok = append(ok, p.label()+" "+p.Version)
		}
	}
	switch {
	case len(low) == 0:
		return passed(name, fmt.Sprintf("all targeted products are at %s or later: %s", c.Min, strings.Join(ok, ", ")))
	case c.RequireAll:
		return failed(name, exitcode.PatchTargetNotFound,
			fmt.Sprintf("RequireAllProductsAtMinVersion=1 and %s", strings.Join(low, "; ")))
	case len(ok) == 0:
		return failed(name, exitcode.PatchTargetNotFound,
			fmt.Sprintf("no targeted product is at MinProductVersion %s: %s", c.Min, strings.Join(low, "; ")))
	}
	return warning(name, fmt.Sprintf("%s; patching only %s", strings.Join(low, "; "), strings.Join(ok, ", ")))
}

// belowMin returns why p does not meet min, or "" when it does. A product
// version that is not a version never meets a minimum.
func belowMin(p Product, want *version.Version, min string) string {
	have, err := ParseVersion(p.Version)
	if err != nil {
		return fmt.Sprintf("%s has an unreadable ProductVersion (%v)", p.label(), err)
	}
	if have.LessThan(want) {
		return fmt.Sprintf("%s is at %s, below MinProductVersion %s", p.label(), p.Version, min)
	}
	return ""
}
