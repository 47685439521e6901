package transform

import (
	"strconv"
	"strings"

	"github.com/ohotfix/ohotfix/msi"
)

// Standard schemas of the tables patches and transforms usually touch, in
// IDT notation (a trailing '*' marks a key column). They let a transform be
// decoded without the database it targets (patch inspection). Where
// Windows Installer changed a width between schema versions (File.Sequence
// and Media.LastSequence were i2 before installer 2.0), the alternatives
// are listed; the decoder keeps the first one that parses the whole stream.
var standardIDT = map[string][]string{
	"File":                   {"File s72*, Component_ s72, FileName l255, FileSize i4, Version S72, Language S20, Attributes I2, Sequence i4", "File s72*, Component_ s72, FileName l255, FileSize i4, Version S72, Language S20, Attributes I2, Sequence i2"},
	"Media":                  {"DiskId i2*, LastSequence i4, DiskPrompt L64, Cabinet S255, VolumeLabel S32, Source S72", "DiskId i2*, LastSequence i2, DiskPrompt L64, Cabinet S255, VolumeLabel S32, Source S32"},
	"Property":               {"Property s72*, Value l0"},
	"PatchPackage":           {"PatchId s38*, Media_ i2"},
	"Patch":                  {"File_ s72*, Sequence i4*, PatchSize i4, Attributes i2, Header V0, StreamRef_ S38", "File_ s72*, Sequence i2*, PatchSize i4, Attributes i2, Header V0"},
	"MsiPatchHeaders":        {"StreamRef s38*, Header v0"},
	"InstallExecuteSequence": {"Action s72*, Condition S255, Sequence I2"},
	"InstallUISequence":      {"Action s72*, Condition S255, Sequence I2"},
	"AdminExecuteSequence":   {"Action s72*, Condition S255, Sequence I2"},
	"AdminUISequence":        {"Action s72*, Condition S255, Sequence I2"},
	"AdvtExecuteSequence":    {"Action s72*, Condition S255, Sequence I2"},
	"Component":              {"Component s72*, ComponentId S38, Directory_ s72, Attributes i2, Condition S255, KeyPath S72"},
	"Feature":                {"Feature s38*, Feature_Parent S38, Title L64, Description L255, Display I2, Level i2, Directory_ S72, Attributes i2"},
	"FeatureComponents":      {"Feature_ s38*, Component_ s72*"},
	"Directory":              {"Directory s72*, Directory_Parent S72, DefaultDir l255"},
	"Registry":               {"Registry s72*, Root i2, Key l255, Name L255, Value L0, Component_ s72"},
	"RemoveFile":             {"FileKey s72*, Component_ s72, FileName L255, DirProperty s72, InstallMode i2"},
	"ServiceControl":         {"ServiceControl s72*, Name l255, Event i2, Arguments L255, Wait I2, Component_ s72"},
	"MsiFileHash":            {"File_ s72*, Options i2, HashPart1 i4, HashPart2 i4, HashPart3 i4, HashPart4 i4"},
	"Upgrade":                {"UpgradeCode s38*, VersionMin S20*, VersionMax S20*, Language S255*, Attributes i4*, Remove S255, ActionProperty s72"},
	"CustomAction":           {"Action s72*, Type i2, Source S72, Target S255, ExtendedType I4", "Action s72*, Type i2, Source S72, Target S255"},
	"Binary":                 {"Name s72*, Data v0"},
	"MsiPatchSequence":       {"PatchFamily s72*, ProductCode S38*, Sequence s72, Attributes I4"},
	"MsiPatchMetadata":       {"Company S72*, Property s72*, Value L0"},
}

// StandardSchema returns the (first) standard schema of a Windows Installer
// table, or nil.
func StandardSchema(table string) []msi.Column {
	s := standardSchemas(table)
	if len(s) == 0 {
		return nil
	}
	return s[0]
}

func standardSchemas(table string) [][]msi.Column {
	var out [][]msi.Column
	for _, def := range standardIDT[table] {
		out = append(out, parseSchema(def))
	}
	return out
}

// parseSchema turns "Name type[*], ..." into columns. The definitions above
// are constants, so a bad one is a programming error.
func parseSchema(def string) []msi.Column {
	var cols []msi.Column
	for _, f := range strings.Split(def, ",") {
		parts := strings.Fields(f)
		code := parts[1]
		key := strings.HasSuffix(code, "*")
		code = strings.TrimSuffix(code, "*")
		t, err := msi.ParseIDTType(code, key)
		if err != nil {
			panic("transform: bad built-in schema " + strconv.Quote(def))
		}
		cols = append(cols, msi.Column{Name: parts[0], Type: t | msi.TypeValid})
	}
	return cols
}
