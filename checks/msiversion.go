package checks

import (
	"fmt"

	"github.com/ohotfix/ohotfix/exitcode"
)

// MinMsiVersion is ohotfix.ini's MinMsiVersion / UpgradeMsi / MsiUpgradeURL:
// the installer engine must be at least Min (empty: BuiltinMinMsiVersion).
type MinMsiVersion struct {
	Min        string // MinMsiVersion, e.g. "2.0.2600.0"
	UpgradeMsi bool   // UpgradeMsi=1: tell the user where to upgrade
	UpgradeURL string // MsiUpgradeURL
}

func (MinMsiVersion) Name() string { return "MinMsiVersion" }

func (c MinMsiVersion) Run(f *Facts) Result {
	name := c.Name()
	minText := c.Min
	if minText == "" {
		minText = BuiltinMinMsiVersion
	}
	min, err := ParseVersion(minText)
	if err != nil {
		return failed(name, exitcode.InvalidCommandLine, "ohotfix.ini MinMsiVersion: "+err.Error())
	}
	engine := engineLabel(f.Engine)
	if f.Engine.Version == "" {
		return failed(name, exitcode.EngineTooOld,
			fmt.Sprintf("the %s version could not be determined; %s or later is required", engine, minText))
	}
	have, err := ParseVersion(f.Engine.Version)
	if err != nil {
		return failed(name, exitcode.EngineTooOld,
			fmt.Sprintf("the %s reports an unreadable version: %v; %s or later is required", engine, err, minText))
	}
	if have.GreaterThanOrEqual(min) {
		return passed(name, fmt.Sprintf("%s %s meets the minimum %s", engine, f.Engine.Version, minText))
	}
	r := failed(name, exitcode.EngineTooOld,
		fmt.Sprintf("%s %s is older than the required %s", engine, f.Engine.Version, minText))
	switch {
	case f.Mode == Admin:
		// Our own engine cannot be upgraded from a URL: the ini asks for
		// more than this build implements.
		r.Reason += " (the admin engine of this ohotfix build implements " + AdminEngineVersion + ")"
	case c.UpgradeMsi && c.UpgradeURL != "":
		r.Reason += "; upgrade Windows Installer from " + c.UpgradeURL
		r.Link = c.UpgradeURL
	case c.UpgradeMsi:
		r.Reason += "; upgrade Windows Installer (UpgradeMsi=1 but MsiUpgradeURL is empty)"
	}
	return r
}

func engineLabel(e Engine) string {
	if e.Name != "" {
		return e.Name
	}
	return "installer engine"
}
