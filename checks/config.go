package checks

import (
	"strings"

	"github.com/ohotfix/ohotfix/exitcode"
)

// Config is the subset of ohotfix.ini [OHotfix] the checks read, already
// decoded by the ini layer (booleans as bool, everything else as text).
type Config struct {
	MinMsiVersion                  string // MinMsiVersion
	UpgradeMsi                     bool   // UpgradeMsi
	MsiUpgradeURL                  string // MsiUpgradeURL
	MinProductVersion              string // MinProductVersion
	RequireAllProductsAtMinVersion bool   // RequireAllProductsAtMinVersion
	RequireAllPatchesNeeded        bool   // RequireAllPatchesNeeded
	FeatureToCheck                 string // FeatureToCheck
	BlockOnPendingReboot           bool   // extension key BlockOnPendingReboot (default 0)
}

// List returns the standard checks, in the order they are judged, configured
// from cfg. A malformed version in cfg is an invalid ohotfix.ini (1639),
// reported before any check runs.
func List(cfg Config) ([]Check, error) {
	if v := strings.TrimSpace(cfg.MinMsiVersion); v != "" {
		if _, err := ParseVersion(v); err != nil {
			return nil, exitcode.New(exitcode.InvalidCommandLine, "ohotfix.ini MinMsiVersion: %v", err)
		}
	}
	if v := strings.TrimSpace(cfg.MinProductVersion); v != "" {
		if _, err := ParseVersion(v); err != nil {
			return nil, exitcode.New(exitcode.InvalidCommandLine, "ohotfix.ini MinProductVersion: %v", err)
		}
	}
	minProduct := strings.TrimSpace(cfg.MinProductVersion)
	return []Check{
		MinMsiVersion{Min: strings.TrimSpace(cfg.MinMsiVersion), UpgradeMsi: cfg.UpgradeMsi, UpgradeURL: strings.TrimSpace(cfg.MsiUpgradeURL)},
		TargetType{},
		MinProductVersion{Min: minProduct, RequireAll: cfg.RequireAllProductsAtMinVersion},
		PatchInstaller{},
		FeatureToCheck{Feature: cfg.FeatureToCheck},
		NeededRule(cfg),
		DiskSpace{},
		PendingReboot{Block: cfg.BlockOnPendingReboot},
	}, nil
}

// NeededRule is the PatchesNeeded check as ohotfix.ini configures it; the
// planner judges where patches apply with this same rule.
func NeededRule(cfg Config) PatchesNeeded {
	return PatchesNeeded{RequireAll: cfg.RequireAllPatchesNeeded, MinProductVersion: strings.TrimSpace(cfg.MinProductVersion),
		FeatureToCheck: cfg.FeatureToCheck}
}
