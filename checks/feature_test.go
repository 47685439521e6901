package checks

import (
	"slices"
	"testing"

	"github.com/ohotfix/ohotfix/exitcode"
)

func TestFeatureToCheck(t *testing.T) {
	word := Feature{Name: "WORDFiles", Installed: true}
	wordAbsent := Feature{Name: "WORDFiles"}
	xl := Feature{Name: "EXCELFiles", Installed: true}
	wp := patch("winword.msp", 3, pro11)
	xp := patch("excel.msp", 3, pro11)
	vp := patch("visio.msp", 3, visio)
	for _, tc := range []struct {
		name    string
		feature string
		facts   *Facts
		want    want
	}{
		{"not set", "", clientFacts("3.1", []Product{product(pro11, "11.0")}, wp), want{status: Skipped}},
		{"installed", "WORDFiles", clientFacts("3.1", []Product{product(pro11, "11.0", word)}, wp), want{status: Passed}},
		{"absent state", "WORDFiles", clientFacts("3.1", []Product{product(pro11, "11.0", wordAbsent, xl)}, wp, xp),
			want{status: Passed, reason: []string{"2 of 2 patches not needed"},
				patches: map[string]Status{"winword.msp": Skipped, "excel.msp": Skipped}}},
		{"not listed at all", "WORDFiles", clientFacts("3.1", []Product{product(pro11, "11.0")}, wp),
			want{status: Passed, patches: map[string]Status{"winword.msp": Skipped}}},
		{"names are case-sensitive", "wordfiles", clientFacts("3.1", []Product{product(pro11, "11.0", word)}, wp),
			want{status: Passed, patches: map[string]Status{"winword.msp": Skipped}}},
		{"list: any feature is enough", "ACCESSFiles, WORDFiles;EXCELFiles", clientFacts("3.1", []Product{product(pro11, "11.0", word)}, wp),
			want{status: Passed, reason: []string{"ACCESSFiles or WORDFiles or EXCELFiles"}}},
		{"only the product lacking it is skipped", "VisioCore",
			clientFacts("3.1", []Product{product(pro11, "11.0", word), product(visio, "11.0")}, wp, vp),
			want{status: Passed, patches: map[string]Status{"winword.msp": Skipped, "visio.msp": Skipped}}},
		{"untargeted patch left to other checks", "WORDFiles", clientFacts("3.1", []Product{product(pro11, "11.0", word)}, vp),
			want{status: Passed}},
		{"admin level 1", "WORDFiles", adminFacts(5, product(pro11, "11.0", Feature{Name: "WORDFiles", Level: 1}), wp), want{status: Passed}},
		{"admin level 0 is not in the image", "WORDFiles", adminFacts(5, product(pro11, "11.0", Feature{Name: "WORDFiles", Level: 0, Installed: true}), wp),
			want{status: Passed, reason: []string{"absent"}, patches: map[string]Status{"winword.msp": Skipped}}},
		{"admin ignores Installed", "WORDFiles", adminFacts(5, product(pro11, "11.0", Feature{Name: "WORDFiles", Level: 3}), wp), want{status: Passed}},
	} {
		t.Run(tc.name, func(t *testing.T) { tc.want.check(t, FeatureToCheck{Feature: tc.feature}.Run(tc.facts)) })
	}
}

func TestPatchesNeeded(t *testing.T) {
	word := Feature{Name: "WORDFiles", Installed: true}
	sp1 := product(pro11, "11.0.6361.0", word)
	rtm := product(visio, "11.0.5614.0")
	a := patch("a.msp", 3, pro11, visio)
	applied := patch("applied.msp", 3, pro11)
	applied.AppliedTo = []string{pro11}
	stray := patch("stray.msp", 3, other)
	for _, tc := range []struct {
		name  string
		check PatchesNeeded
		facts *Facts
		want  want
	}{
		{"all needed", PatchesNeeded{RequireAll: true}, clientFacts("3.1", []Product{sp1, rtm}, a), want{status: Passed, reason: []string{"all 1"}}},
		{"one applied already", PatchesNeeded{}, clientFacts("3.1", []Product{sp1}, a, applied),
			want{status: Passed, reason: []string{"1 of 2", "already applied to"}, patches: map[string]Status{"applied.msp": Skipped}}},
		{"one applied, all required", PatchesNeeded{RequireAll: true}, clientFacts("3.1", []Product{sp1}, a, applied),
			want{status: Failed, code: exitcode.PatchTargetNotFound, reason: []string{"RequireAllPatchesNeeded=1", "applied.msp"},
				patches: map[string]Status{"applied.msp": Failed}}},
		{"patch for a product not installed", PatchesNeeded{RequireAll: true}, clientFacts("3.1", []Product{sp1}, a, stray),
			want{status: Failed, code: exitcode.PatchTargetNotFound, reason: []string{"targets none"}, patches: map[string]Status{"stray.msp": Failed}}},
		{"nothing to do", PatchesNeeded{}, clientFacts("3.1", []Product{sp1}, applied),
			want{status: Passed, reason: []string{"nothing to do"}, patches: map[string]Status{"applied.msp": Skipped}}},
		{"below min everywhere", PatchesNeeded{MinProductVersion: "11.0.7969.0"}, clientFacts("3.1", []Product{sp1, rtm}, a),
			want{status: Passed, reason: []string{"below MinProductVersion"}, patches: map[string]Status{"a.msp": Skipped}}},
		{"feature absent everywhere", PatchesNeeded{FeatureToCheck: "VisioCore"}, clientFacts("3.1", []Product{sp1, rtm}, a),
			want{status: Passed, reason: []string{"feature VisioCore"}, patches: map[string]Status{"a.msp": Skipped}}},
		{"no patches", PatchesNeeded{}, clientFacts("3.1", []Product{sp1}), want{status: Skipped}},
		{"no patches, all required", PatchesNeeded{RequireAll: true}, clientFacts("3.1", []Product{sp1}), want{status: Failed, code: exitcode.PatchTargetNotFound}},
		{"admin: not for this image", PatchesNeeded{RequireAll: true}, adminFacts(5, rtm, patch("word.msp", 3, pro11)),
			want{status: Failed, code: exitcode.PatchTargetNotFound, reason: []string{"image's product " + rtm.Name}, patches: map[string]Status{"word.msp": Failed}}},
	} {
		t.Run(tc.name, func(t *testing.T) { tc.want.check(t, tc.check.Run(tc.facts)) })
	}

	// Where: the patch goes only to products passing every condition.
	f := clientFacts("3.1", []Product{sp1, rtm}, a)
	for _, tc := range []struct {
		check PatchesNeeded
		want  []string
	}{
		{PatchesNeeded{}, []string{pro11, visio}},
		{PatchesNeeded{MinProductVersion: "11.0.6361.0"}, []string{pro11}},
		{PatchesNeeded{FeatureToCheck: "WORDFiles"}, []string{pro11}},
		{PatchesNeeded{FeatureToCheck: "Nope"}, nil},
	} {
		if got := tc.check.Where(f, a); !slices.Equal(got, tc.want) {
			t.Errorf("%+v.Where = %q, want %q", tc.check, got, tc.want)
		}
	}
}
