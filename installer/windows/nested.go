package windows

import (
	"fmt"
	"sort"

	"github.com/ohotfix/ohotfix/installer"
	"github.com/ohotfix/ohotfix/msi"
)

// Base custom action types (Type & 0x3F) that start a nested installation
// (MSI "Concurrent Installations"): from a substorage of the package, from
// the source tree, of an advertised product.
const (
	nestedFromSubstorage = 7
	nestedFromSource     = 23
	nestedAdvertised     = 39
	customActionBaseMask = 0x3F
)

// NestedKind says what kind of nested installation a custom action type
// starts ("" when it starts none).
func NestedKind(typ int) string {
	switch typ & customActionBaseMask {
	case nestedFromSubstorage:
		return "nested installation of a package stored in a substorage"
	case nestedFromSource:
		return "nested installation of a package in the source tree"
	case nestedAdvertised:
		return "nested installation of an advertised product"
	}
	return ""
}

// sequenceTables are the tables that schedule actions, in the order a
// report lists them.
var sequenceTables = []string{
	"InstallExecuteSequence", "InstallUISequence", "AdminExecuteSequence", "AdminUISequence",
	"AdvtExecuteSequence", "AdvtUISequence",
}

// NestedInstalls lists the nested-installation custom actions of a package
// with where they are scheduled: one entry per sequence table that holds the
// action, or one with no table when no sequence schedules it (a dialog's
// DoAction may still run it). A package without a CustomAction table has
// none.
func NestedInstalls(db *msi.Database) ([]installer.CustomAction, error) {
	if !db.HasTable("CustomAction") {
		return nil, nil
	}
	ca, err := db.Table("CustomAction")
	if err != nil {
		return nil, fmt.Errorf("CustomAction table: %w", err)
	}
	var out []installer.CustomAction
	for _, row := range ca.Rows() {
		name := ca.Get(row, "Action").Str()
		typ, ok := ca.Get(row, "Type").Int()
		if !ok || NestedKind(int(typ)) == "" {
			continue
		}
		found := false
		for _, tn := range sequenceTables {
			if !db.HasTable(tn) {
				continue
			}
			seq, err := db.Table(tn)
			if err != nil {
				return nil, fmt.Errorf("%s table: %w", tn, err)
			}
			for _, s := range seq.Rows() {
				if seq.Get(s, "Action").Str() != name {
					continue
				}
				n, _ := seq.Get(s, "Sequence").Int()
				out = append(out, installer.CustomAction{Action: name, Type: int(typ), Table: tn,
					Sequence: int(n), Condition: seq.Get(s, "Condition").Str()})
				found = true
			}
		}
		if !found {
			out = append(out, installer.CustomAction{Action: name, Type: int(typ)})
		}
	}
	sort.SliceStable(out, func(i, j int) bool { return out[i].Action < out[j].Action })
	return out, nil
}

// NestedInstallWarning is the warning ohotfix logs and reports for one
// nested-installation custom action of a product it is about to patch: the
// explanation of KB 822454.
func NestedInstallWarning(product string, ca installer.CustomAction) string {
	where := "not scheduled by any sequence table (a dialog may run it)"
	if ca.Table != "" {
		cond := ca.Condition
		if cond == "" {
			cond = "none (always runs)"
		} else {
			cond = fmt.Sprintf("%q", cond)
		}
		where = fmt.Sprintf("scheduled in %s at %d, condition %s", ca.Table, ca.Sequence, cond)
	}
	return fmt.Sprintf("product %s: custom action %s (type %d, %s) is %s; while a nested installation runs it holds "+
		"Windows Installer's _MSIExecute mutex, and a patch whose maintenance installation runs it fails with 1618 "+
		"(ERROR_INSTALL_ALREADY_RUNNING, KB 822454)", product, ca.Action, ca.Type, NestedKind(ca.Type), where)
}
