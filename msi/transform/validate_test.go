package transform

import (
	"errors"
	"testing"
)

func TestSplitCharCount(t *testing.T) {
	for _, c := range []struct {
		cc   uint32
		v    ValidateFlags
		e    ErrorFlags
		wine bool
	}{
		{0x0922001F, 0x0922, 0x1F, false},   // WiX / documented
		{0x09270017, 0x0927, 0x17, false},   // Wine's test patch transform
		{0x00000922, 0x0922, 0, true},       // validation in the low word (Wine order)
		{0x0000001F, 0, 0x1F, false},        // error flags only
		{0x00000000, 0, 0, false},           // nothing
		{0x00000140, 0x0140, 0, true},       // newless|newequal: not error bits
		{0x01000020, 0x0100, 0x0020, false}, // changecodepage only
	} {
		v, e, w := SplitCharCount(int32(c.cc))
		if v != c.v || e != c.e || w != c.wine {
			t.Errorf("%#08x: got %v %v %v", c.cc, v, e, w)
		}
	}
	if CharCount(PatchValidate, PatchErrors) != 0x0922001F {
		t.Errorf("CharCount %#x", CharCount(PatchValidate, PatchErrors))
	}
}

func TestParseFlags(t *testing.T) {
	v, err := ParseValidateFlags("product,upgradecode,update,newequal")
	if err != nil || v != PatchValidate {
		t.Errorf("validate %v %v", v, err)
	}
	if v, err := ParseValidateFlags("0x922"); err != nil || v != PatchValidate {
		t.Errorf("numeric %v %v", v, err)
	}
	if _, err := ParseValidateFlags("bogus"); err == nil {
		t.Error("bogus accepted")
	}
	e, err := ParseErrorFlags("addexistingrow, delmissingrow,addexistingtable,delmissingtable,updatemissingrow")
	if err != nil || e != PatchErrors {
		t.Errorf("errors %v %v", e, err)
	}
	if e, _ := ParseErrorFlags("all"); e != ErrAll {
		t.Errorf("all = %v", e)
	}
	if s := PatchValidate.String(); s != "product,update,newequal,upgradecode" {
		t.Errorf("String %q", s)
	}
}

func TestCheck(t *testing.T) {
	base := Info{BaseProductCode: "{P}", BaseVersion: "1.2.3", UpgradeCode: "{U}", BaseLanguage: "1033", BasePlatform: "Intel"}
	facts := Facts{ProductCode: "{p}", ProductVersion: "1.2.3.4", UpgradeCode: "{U}", Language: "1033", Platform: "Intel"}
	cases := []struct {
		name  string
		v     ValidateFlags
		f     func(*Facts)
		fails ValidateFlags
	}{
		{"all match", ValProduct | ValUpgradeCode | ValLanguage | ValPlatform | ValUpdateVersion | ValNewEqualBase, nil, 0},
		{"product", ValProduct, func(f *Facts) { f.ProductCode = "{Q}" }, ValProduct},
		{"upgrade code", ValUpgradeCode, func(f *Facts) { f.UpgradeCode = "{V}" }, ValUpgradeCode},
		{"language", ValLanguage, func(f *Facts) { f.Language = "1031" }, ValLanguage},
		{"platform", ValPlatform, func(f *Facts) { f.Platform = "x64" }, ValPlatform},
		{"update equal fails", ValUpdateVersion | ValNewEqualBase, func(f *Facts) { f.ProductVersion = "1.2.4" }, ValNewEqualBase},
		{"minor ignores update", ValMinorVersion | ValNewEqualBase, func(f *Facts) { f.ProductVersion = "1.2.9" }, 0},
		{"major ignores minor", ValMajorVersion, func(f *Facts) { f.ProductVersion = "1.9.9" }, 0},
		{"major differs", ValMajorVersion, func(f *Facts) { f.ProductVersion = "2.0" }, ValNewEqualBase},
		{"greater", ValUpdateVersion | ValNewGreaterBase, func(f *Facts) { f.ProductVersion = "1.2.4" }, 0},
		{"not greater", ValUpdateVersion | ValNewGreaterBase, nil, ValNewGreaterBase},
		{"greater-equal", ValUpdateVersion | ValNewGreaterEqualBase, nil, 0},
		{"less", ValUpdateVersion | ValNewLessBase, func(f *Facts) { f.ProductVersion = "1.1" }, 0},
		{"less-equal fails", ValUpdateVersion | ValNewLessEqualBase, func(f *Facts) { f.ProductVersion = "1.3" }, ValNewLessEqualBase},
		{"no checks", 0, func(f *Facts) { *f = Facts{} }, 0},
	}
	for _, c := range cases {
		in := base
		in.Validate = c.v
		f := facts
		if c.f != nil {
			c.f(&f)
		}
		err := in.Check(f)
		var na *NotApplicable
		switch {
		case c.fails == 0 && err != nil:
			t.Errorf("%s: %v", c.name, err)
		case c.fails != 0 && (!errors.As(err, &na) || na.Check != c.fails || na.Reason == ""):
			t.Errorf("%s: got %v, want failure of %v", c.name, err, c.fails)
		}
	}
}
