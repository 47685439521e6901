package checks

import (
	"fmt"
	"strings"

	"github.com/ohotfix/ohotfix/exitcode"
)

// ExpansionFactor estimates a patch's uncompressed payload from its cabinet
// size when the pipeline could not sum the cabinets' file sizes. Office patch
// cabinets are LZX/MSZIP-compressed binaries and deltas; 3× is a conservative
// ratio for them.
const ExpansionFactor = 3

// DiskSpace requires enough free space for the payload: the temp folder holds
// the extracted cabinets and the expanded files; the target folder (install
// folder or admin image) receives the expanded files. Volumes that share an
// ID share their free space, so their needs are added up. All patches count
// (the estimate is made before the plan, and errs on the safe side).
type DiskSpace struct{}

func (DiskSpace) Name() string { return "DiskSpace" }

// Need returns the bytes the run needs in the temp and the target folder.
func (DiskSpace) Need(ps []Patch) (temp, target uint64) {
	for _, p := range ps {
		if p.Counted {
			temp, target = satAdd(temp, p.TempBytes), satAdd(target, p.TargetBytes)
			continue
		}
		expanded := p.ExpandedBytes
		if expanded == 0 {
			expanded = satMul(p.CabinetBytes, ExpansionFactor)
		}
		temp = satAdd(temp, satAdd(p.CabinetBytes, expanded))
		target = satAdd(target, expanded)
	}
	return temp, target
}

func (c DiskSpace) Run(f *Facts) Result {
	name := c.Name()
	if len(f.Volumes) == 0 {
		return skipped(name, "free space not measured")
	}
	temp, target := c.Need(f.Patches)
	need := map[string]uint64{RoleTemp: temp, RoleTarget: target}

	// Group volumes that share an ID; each group must cover the sum of its
	// members' needs.
	type group struct {
		free  uint64
		need  uint64
		paths []string
	}
	var order []string
	groups := map[string]*group{}
	var unmeasured []string
	for i, v := range f.Volumes {
		if v.Err != "" {
			unmeasured = append(unmeasured, fmt.Sprintf("%s folder %s: %s", v.Role, v.Path, v.Err))
			continue
		}
		key := v.ID
		if key == "" {
			key = fmt.Sprintf("#%d", i)
		}
		g, ok := groups[key]
		if !ok {
			g = &group{free: v.Free}
			groups[key] = g
			order = append(order, key)
		}
		g.need = satAdd(g.need, need[v.Role])
		need[v.Role] = 0 // a role's need counts once even if measured twice
		g.paths = append(g.paths, fmt.Sprintf("%s folder %s", v.Role, v.Path))
	}
	var short, ok []string
	for _, k := range order {
		g := groups[k]
		line := fmt.Sprintf("%s: %s free, %s needed", strings.Join(g.paths, " and "), mib(g.free), mib(g.need))
		if g.free < g.need {
			short = append(short, line)
		} else {
			ok = append(ok, line)
		}
	}
	switch {
	case len(short) > 0:
		return failed(name, exitcode.TempUnwritable, "not enough free space: "+strings.Join(short, "; "))
	case len(unmeasured) > 0:
		return warning(name, "could not measure free space: "+strings.Join(unmeasured, "; "))
	}
	return passed(name, strings.Join(ok, "; "))
}

// mib renders a byte count for people: MiB with one decimal, plus the exact
// bytes so logs can be compared.
func mib(n uint64) string {
	return fmt.Sprintf("%.1f MiB (%d bytes)", float64(n)/(1<<20), n)
}

func satAdd(a, b uint64) uint64 {
	if a+b < a {
		return ^uint64(0)
	}
	return a + b
}

func satMul(a, k uint64) uint64 {
	if k != 0 && a > ^uint64(0)/k {
		return ^uint64(0)
	}
	return a * k
}
