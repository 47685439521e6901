package watson

import "testing"

func TestFillFromResult(t *testing.T) {
	for _, c := range []struct {
		name, doc                      string
		phase, step, patch, prod, code string
	}{
		{"unreadable patch", `{"ohotfix_version":"1.2","mode":"admin","exit_code":1636,"patches":[{"file":"/u/fix.msp","targets":[],"decision":"refuse","per_target":[{"decision":"refuse","exit_code":1636}]}],"logs":{"main":"/t/a.log","msi":"/t/a_Msi.log"}}`,
			PhaseDetect, "read-patch", "fix.msp", "", "1636"},
		{"failed apply", `{"mode":"admin","exit_code":1603,"patches":[{"file":"C:\\u\\a.msp","patch_code":"{P}","targets":["{X}"],"decision":"apply","per_target":[{"product_code":"{X}","decision":"apply","exit_code":0}]},{"file":"b.msp","patch_code":"{Q}","targets":["{X}"],"decision":"apply","per_target":[{"product_code":"{X}","decision":"apply","exit_code":1624}]}]}`,
			PhaseApply, "admin-apply", "{Q}", "{X}", "1624"},
		{"refused target", `{"mode":"client","exit_code":1642,"patches":[{"file":"a.msp","patch_code":"{P}","targets":["{X}"],"decision":"refuse","per_target":[{"product_code":"{X}","decision":"refuse","exit_code":1642}]}]}`,
			PhasePlan, "refuse", "{P}", "{X}", "1642"},
		{"failed check", `{"mode":"client","exit_code":1613,"checks":[{"name":"MinMsiVersion","status":"failed","code":1613}]}`,
			PhasePlan, "check-MinMsiVersion", "", "", "1613"},
		{"nothing known", `{"exit_code":1603}`, PhaseDetect, "", "", "", ""},
	} {
		in := Input{ResultJSON: []byte(c.doc)}
		in.FillFromResult()
		if in.Phase != c.phase || in.Step != c.step || in.PatchCode != c.patch || in.ProductCode != c.prod || in.InnerError != c.code {
			t.Errorf("%s: %+v", c.name, in)
		}
		if in.Code == 0 {
			t.Errorf("%s: no code", c.name)
		}
	}
	in := Input{ResultJSON: []byte(`{"ohotfix_version":"1.2","exit_code":1636,"logs":{"main":"/t/a.log","msi":"/t/a_Msi.log"}}`), Phase: PhaseApply}
	in.FillFromResult()
	if in.ToolVersion != "1.2" || in.MainLogPath != "/t/a.log" || in.MsiLogPath != "/t/a_Msi.log" || in.Phase != PhaseApply || in.Code != 1636 {
		t.Errorf("fill: %+v", in)
	}
}
