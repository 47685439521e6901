package bootstrap

import (
	"context"
	"os"
	"path/filepath"
	"sort"
	"strings"

	"go.uber.org/zap"

	"github.com/ohotfix/ohotfix/exitcode"
	"github.com/ohotfix/ohotfix/installer"
)

// FindPatches lists the .msp files in dir, sorted by name.
func FindPatches(dir string) ([]string, error) {
	entries, err := os.ReadDir(dir)
	if err != nil {
		return nil, err
	}
	var out []string
	for _, e := range entries {
		if !e.IsDir() && strings.EqualFold(filepath.Ext(e.Name()), ".msp") {
			out = append(out, filepath.Join(dir, e.Name()))
		}
	}
	sort.Strings(out)
	return out, nil
}

// Detect reads the patches and takes the backend's inventory. It changes
// nothing.
func (p *Pipeline) Detect(ctx context.Context) (*installer.Inventory, []installer.PatchInfo, error) {
	files, err := FindPatches(p.Dir)
	if err != nil {
		return nil, nil, exitcode.New(exitcode.PatchOpenFailed, "cannot list patches in %s: %v", p.Dir, err)
	}
	p.log().Info("detect", zap.String("dir", p.Dir), zap.Int("patches", len(files)))
	var patches []installer.PatchInfo
	for _, f := range files {
		pi := p.ReadPatch(f)
		if pi.OpenError != "" {
			p.log().Warn("patch unreadable", zap.String("file", f), zap.String("error", pi.OpenError))
		} else {
			p.log().Info("patch", zap.String("file", f), zap.String("patch_code", pi.PatchCode),
				zap.Strings("targets", pi.Targets), zap.Int("min_installer", pi.MinInstaller))
		}
		patches = append(patches, pi)
	}
	// The free space and the reboot probe need no inventory: measured
	// meanwhile (under Wine, while msi.dll finishes loading).
	machine := make(chan machineFacts, 1)
	if p.Measure {
		go func() { machine <- measureMachine() }()
	}
	inv, err := p.Backend.Inventory(ctx, patches)
	if err != nil {
		return nil, patches, err
	}
	if p.Measure {
		target := ""
		if inv.Image != nil {
			target = filepath.Dir(inv.Image.Path)
		}
		addMachineFacts(inv, <-machine, target)
	}
	for _, pr := range inv.Targets {
		p.log().Info("target", zap.String("product_code", pr.Code), zap.String("version", pr.Version),
			zap.String("path", pr.Path), zap.Strings("applied", pr.Applied))
	}
	return inv, patches, nil
}
