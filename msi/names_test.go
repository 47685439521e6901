package msi

import "testing"

func TestSplitDefaultDirAndPickName(t *testing.T) {
	cases := []struct {
		dd, target, source, srcShort, srcLong string
	}{
		{"PROGRA~1|Program Files:SRC~1|Source Files", "PROGRA~1|Program Files", "SRC~1|Source Files", "SRC~1", "Source Files"},
		{"CONTOS~1|Contoso Demo", "CONTOS~1|Contoso Demo", "CONTOS~1|Contoso Demo", "CONTOS~1", "Contoso Demo"},
		{".:Docs", ".", "Docs", "Docs", "Docs"},
		{"TARGETDIR", "TARGETDIR", "TARGETDIR", "TARGETDIR", "TARGETDIR"},
		{"a:b:c", "a", "b:c", "b:c", "b:c"}, // only the first colon splits
	}
	for _, c := range cases {
		tg, src := SplitDefaultDir(c.dd)
		if tg != c.target || src != c.source {
			t.Errorf("SplitDefaultDir(%q) = %q, %q; want %q, %q", c.dd, tg, src, c.target, c.source)
		}
		if s, l := PickName(src, true), PickName(src, false); s != c.srcShort || l != c.srcLong {
			t.Errorf("PickName(%q) = %q / %q; want %q / %q", src, s, l, c.srcShort, c.srcLong)
		}
	}
}
