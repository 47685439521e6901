package bootstrap

import (
	"os"
	"path/filepath"
	"strings"

	"github.com/ohotfix/ohotfix/installer"

	"github.com/ohotfix/ohotfix/checks"
	"github.com/ohotfix/ohotfix/exitcode"
)

// checksConfig hands the checks the ini keys they judge by.
func checksConfig(cfg *Config) checks.Config {
	return checks.Config{
		MinMsiVersion: cfg.MinMsiVersion, UpgradeMsi: cfg.UpgradeMsi, MsiUpgradeURL: cfg.MsiUpgradeURL,
		MinProductVersion: cfg.MinProductVersion, RequireAllProductsAtMinVersion: cfg.RequireAllProductsAtMinVersion,
		RequireAllPatchesNeeded: cfg.RequireAllPatchesNeeded, FeatureToCheck: cfg.FeatureToCheck,
		BlockOnPendingReboot: cfg.BlockOnPendingReboot,
	}
}

// Facts turns the inventory into the plain facts the checks judge.
func Facts(inv *installer.Inventory, patches []installer.PatchInfo) *checks.Facts {
	f := &checks.Facts{Mode: checks.Client, Engine: checks.Engine{Name: "Windows Installer", Version: inv.EngineVersion},
		Image: inv.Image, Volumes: inv.Volumes, Reboot: inv.Reboot}
	if inv.Mode == installer.ModeAdmin {
		// The image's product is in f.Image; Products is for installed ones.
		f.Mode, f.Engine.Name = checks.Admin, "ohotfix admin-image engine"
	} else {
		for _, t := range inv.Targets {
			cp := checks.Product{Code: t.Code, Name: t.Name, Version: t.Version, Baseline: t.Baseline}
			for _, ft := range t.Features {
				cp.Features = append(cp.Features, checks.Feature{Name: ft.Name, Level: ft.Level, Installed: ft.Installed})
			}
			f.Products = append(f.Products, cp)
		}
	}
	for _, pi := range patches {
		if pi.OpenError != "" {
			continue // refused by the planner with its own code
		}
		cp := checks.Patch{Name: filepath.Base(pi.File), Code: pi.PatchCode, Targets: pi.Targets,
			WordCount: pi.MinInstaller, CabinetBytes: uint64(pi.PayloadSize), Transforms: pi.Transforms}
		if sp, ok := inv.Space[pi.File]; ok {
			cp.Counted, cp.TempBytes, cp.TargetBytes = true, sp.Temp, sp.Target
		}
		for _, pr := range inv.Targets {
			if containsFold(pr.Applied, pi.PatchCode) {
				cp.AppliedTo = append(cp.AppliedTo, pr.Code)
			}
		}
		f.Patches = append(f.Patches, cp)
	}
	return f
}

// plannedFacts are Facts with what the set of patches itself drops marked
// on each patch (markDropped): what the checks and the planner judge.
func plannedFacts(cfg *Config, inv *installer.Inventory, patches []installer.PatchInfo) *checks.Facts {
	f := Facts(inv, patches)
	markDropped(checks.NeededRule(checksConfig(cfg)), f, patches)
	return f
}

// markDropped records, per patch and per product, what the set of patches
// drops: a patch obsoleted by another of the folder, or superseded within
// its patch family (MsiPatchSequence). As Windows Installer does, only a
// patch that applies to the product on its own — judged alone by the same
// rule, against the product as it is — or is already applied there can drop
// another, and only on that product: an inapplicable patch obsoletes
// nothing, and a hotfix for two products stays needed on the one a
// cumulative patch does not target.
func markDropped(rule checks.PatchesNeeded, f *checks.Facts, patches []installer.PatchInfo) {
	infoOf := make(map[string]installer.PatchInfo, len(patches))
	for _, pi := range patches {
		infoOf[filepath.Base(pi.File)] = pi
	}
	appliesOn := map[string][]string{} // product code → names of the patches that apply there alone
	for _, p := range f.Patches {
		alone := *f
		alone.Patches = []checks.Patch{p}
		for _, v := range rule.Verdicts(&alone)[p.Name] {
			if v.Needed || v.AlreadyApplied {
				code := strings.ToUpper(v.Product.Code)
				appliesOn[code] = append(appliesOn[code], p.Name)
			}
		}
	}
	for code, names := range appliesOn {
		var live []installer.PatchInfo
		for _, n := range names {
			live = append(live, infoOf[n])
		}
		for i := range f.Patches {
			q := &f.Patches[i]
			if !containsFold(q.Targets, code) {
				continue
			}
			for _, d := range live {
				if filepath.Base(d.File) != q.Name && containsFold(d.Obsoletes, q.Code) {
					q.Drop(code, "obsoleted by "+filepath.Base(d.File)+" in the same set")
				}
			}
		}
		for file, by := range supersededPatches(live) {
			for i := range f.Patches {
				if f.Patches[i].Name == filepath.Base(file) {
					f.Patches[i].Drop(code, "superseded by "+by+" (same patch family, higher sequence)")
				}
			}
		}
	}
}

// RunChecks evaluates the standard checks on facts (plannedFacts) and
// translates their verdicts for the planner: blocking failures stop the
// run; per-patch verdicts skip or refuse single patches.
func RunChecks(cfg *Config, facts *checks.Facts, patches []installer.PatchInfo) CheckOutcome {
	out := CheckOutcome{PatchSkip: map[string]string{}, PatchRefuse: map[string]CheckVerdict{}}
	list, err := checks.List(checksConfig(cfg))
	if err != nil {
		out.Code, out.Reason = exitcode.Of(err), err.Error()
		return out
	}
	rep := checks.Run(facts, list)
	for _, r := range rep.Results {
		out.Verdicts = append(out.Verdicts, CheckVerdict{Name: r.Name, Status: string(r.Status), Passed: r.Passed, Reason: r.Reason, Code: r.Code, Link: r.Link})
		if r.Name == rep.Blocking {
			out.Reason = r.Name + ": " + r.Reason
		}
	}
	out.Code = rep.Code            // the first blocking failure's (never Success for a failure)
	fileOf := filesByName(patches) // checks name patches by base name
	for _, v := range rep.Excluded {
		if v.Status == checks.Failed {
			out.PatchRefuse[fileOf[v.Patch]] = CheckVerdict{Name: v.Patch, Status: string(v.Status), Reason: v.Reason, Code: v.Code}
		} else {
			out.PatchSkip[fileOf[v.Patch]] = v.Reason
		}
	}
	return out
}

// TargetVerdicts asks checks.PatchesNeeded where each readable patch
// applies, per target (keyed by file), on facts (plannedFacts): a product
// below MinProductVersion or without FeatureToCheck is skipped even when
// another target of the same patch is patched; a target that records the
// patch is "already applied".
func TargetVerdicts(cfg *Config, facts *checks.Facts, patches []installer.PatchInfo) map[string][]checks.TargetVerdict {
	byName := checks.NeededRule(checksConfig(cfg)).Verdicts(facts)
	fileOf := filesByName(patches)
	where := make(map[string][]checks.TargetVerdict, len(byName))
	for name, vs := range byName {
		where[fileOf[name]] = vs
	}
	return where
}

// filesByName maps the base names checks use for patches back to files.
func filesByName(patches []installer.PatchInfo) map[string]string {
	fileOf := make(map[string]string, len(patches))
	for _, pi := range patches {
		fileOf[filepath.Base(pi.File)] = pi.File
	}
	return fileOf
}

// machineFacts are the measurements that need no inventory: Detect takes
// them while the backend takes its inventory.
type machineFacts struct {
	temp   checks.Volume
	reboot checks.RebootState
}

func measureMachine() machineFacts {
	return machineFacts{temp: checks.MeasureVolume(checks.RoleTemp, os.TempDir()), reboot: checks.ProbePendingReboot()}
}

// addMachineFacts adds m, and the target folder's free space, to inv.
func addMachineFacts(inv *installer.Inventory, m machineFacts, target string) {
	inv.Volumes = append(inv.Volumes, m.temp)
	if target != "" {
		inv.Volumes = append(inv.Volumes, checks.MeasureVolume(checks.RoleTarget, target))
	}
	inv.Reboot = &m.reboot
}
