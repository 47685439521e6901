package checks

import "testing"

func TestParseVersion(t *testing.T) {
	for _, tc := range []struct {
		in   string
		want string // canonical form; "" = must be rejected
	}{
		{"2.0.2600.0", "2.0.2600.0"},
		{" 3.1.4000.2435 ", "3.1.4000.2435"},
		{"11", "11.0.0"},
		{"11.0.6361", "11.0.6361"},
		{"", ""},
		{"   ", ""},
		{"1.2.3.4.5", ""},
		{"1..2", ""},
		{"1.2.", ""},
		{".1", ""},
		{"+1.0", ""},
		{"-1.0", ""},
		{"v2.0", ""},
		{"1.0-beta", ""},
		{"1.0+meta", ""},
		{"1_0.0", ""},
		{"70000.0", ""},
		{"99999999999999999999", ""},
		{"1.0\x00", ""},
	} {
		v, err := ParseVersion(tc.in)
		switch {
		case tc.want == "" && err == nil:
			t.Errorf("ParseVersion(%q) = %s, want error", tc.in, v)
		case tc.want != "" && err != nil:
			t.Errorf("ParseVersion(%q): %v", tc.in, err)
		case tc.want != "" && v.String() != tc.want:
			t.Errorf("ParseVersion(%q) = %s, want %s", tc.in, v, tc.want)
		}
	}
	// Four-field comparison, and trailing zero fields are insignificant.
	a, _ := ParseVersion("2.0.2600.1106")
	b, _ := ParseVersion("2.0.2600.2")
	c, _ := ParseVersion("2.0.2600")
	d, _ := ParseVersion("2.0.2600.0")
	if !a.GreaterThan(b) || !c.Equal(d) {
		t.Error("MSI version ordering wrong")
	}
	if _, err := ParseVersion(AdminEngineVersion); err != nil {
		t.Fatalf("AdminEngineVersion: %v", err)
	}
}

func TestWordCountInstaller(t *testing.T) {
	for wc, want := range map[int]string{0: "", 1: "", 2: "1.2", 3: "2.0", 4: "3.0", 5: "3.1"} {
		if got, ok := wordCountInstaller(wc); !ok || got != want {
			t.Errorf("Word Count %d → %q, %v; want %q", wc, got, ok, want)
		}
	}
	for _, wc := range []int{-1, 6, 1 << 20} {
		if _, ok := wordCountInstaller(wc); ok {
			t.Errorf("Word Count %d accepted", wc)
		}
	}
	// The admin engine must accept every defined Word Count.
	eng, _ := ParseVersion(AdminEngineVersion)
	for wc := 1; wc <= 5; wc++ {
		if m, _ := wordCountInstaller(wc); m != "" {
			if v, _ := ParseVersion(m); eng.LessThan(v) {
				t.Errorf("AdminEngineVersion %s below Word Count %d's %s", AdminEngineVersion, wc, m)
			}
		}
	}
}
