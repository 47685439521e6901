package watson

import (
	"encoding/json"
	"path"
	"strconv"
	"strings"
)

// resultDoc is the part of ohotfix's JSON result (schema 1) a report reads;
// watson reads the document, not the bootstrap types, so that it stays a
// leaf the session calls.
type resultDoc struct {
	Version  string `json:"ohotfix_version"`
	Mode     string `json:"mode"`
	ExitCode *int   `json:"exit_code"`
	Checks   []struct {
		Name   string `json:"name"`
		Status string `json:"status"`
		Passed bool   `json:"passed"`
		Code   int    `json:"code"`
	} `json:"checks"`
	Patches []struct {
		File      string   `json:"file"`
		PatchCode string   `json:"patch_code"`
		Targets   []string `json:"targets"`
		Decision  string   `json:"decision"`
		PerTarget []struct {
			Product  string `json:"product_code"`
			Decision string `json:"decision"`
			ExitCode *int   `json:"exit_code"`
		} `json:"per_target"`
	} `json:"patches"`
	Logs struct {
		Main string `json:"main"`
		Msi  string `json:"msi"`
	} `json:"logs"`
}

// FillFromResult completes the fields of in that are still empty from the
// run's JSON result (in.ResultJSON): code, tool version, log paths, and
// where the run failed — a failed apply step (phase apply), a refused
// target or a failed check (phase plan), or a patch that could not be read
// (phase detect). An unreadable document changes nothing.
func (in *Input) FillFromResult() {
	var doc resultDoc
	if len(in.ResultJSON) == 0 || json.Unmarshal(in.ResultJSON, &doc) != nil {
		return
	}
	setIfEmpty(&in.ToolVersion, doc.Version)
	setIfEmpty(&in.MainLogPath, doc.Logs.Main)
	setIfEmpty(&in.MsiLogPath, doc.Logs.Msi)
	if in.Code == 0 && doc.ExitCode != nil {
		in.Code = *doc.ExitCode
	}
	fill := func(phase, step, patch, product, inner string) {
		setIfEmpty(&in.Phase, phase)
		setIfEmpty(&in.Step, step)
		setIfEmpty(&in.PatchCode, patch)
		setIfEmpty(&in.ProductCode, product)
		setIfEmpty(&in.InnerError, inner)
	}
	mode := doc.Mode
	if mode == "" || mode == "unknown" {
		mode = "run"
	}
	// The first failed application, else the first refusal.
	for _, refusal := range []bool{false, true} {
		for _, p := range doc.Patches {
			patch := p.PatchCode
			if patch == "" {
				patch = baseName(p.File)
			}
			for _, t := range p.PerTarget {
				if t.ExitCode == nil || isSuccess(*t.ExitCode) {
					continue
				}
				code := strconv.Itoa(*t.ExitCode)
				if !refusal && t.Decision == "apply" {
					fill(PhaseApply, mode+"-apply", patch, t.Product, code)
					return
				}
				if refusal && t.Decision == "refuse" {
					if t.Product == "" && len(p.Targets) == 0 && p.PatchCode == "" {
						// The patch itself could not be read.
						fill(PhaseDetect, "read-patch", patch, "", code)
					} else {
						fill(PhasePlan, "refuse", patch, t.Product, code)
					}
					return
				}
			}
		}
	}
	for _, c := range doc.Checks {
		if c.Status == "failed" {
			inner := ""
			if c.Code != 0 {
				inner = strconv.Itoa(c.Code)
			}
			fill(PhasePlan, "check-"+c.Name, "", "", inner)
			return
		}
	}
	for _, p := range doc.Patches {
		if p.Decision == "refuse" && len(p.PerTarget) == 0 {
			fill(PhaseDetect, "read-patch", firstNonEmpty(p.PatchCode, baseName(p.File)), "", "")
			return
		}
	}
	setIfEmpty(&in.Phase, PhaseDetect)
}

func isSuccess(code int) bool { return code == 0 || code == 3010 || code == 1641 }

func setIfEmpty(dst *string, v string) {
	if *dst == "" {
		*dst = v
	}
}

func firstNonEmpty(a, b string) string {
	if a != "" {
		return a
	}
	return b
}

// baseName is the file name of a path written on any OS.
func baseName(p string) string {
	return path.Base(strings.ReplaceAll(p, `\`, "/"))
}
