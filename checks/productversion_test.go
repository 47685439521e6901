package checks

import (
	"testing"

	"github.com/ohotfix/ohotfix/exitcode"
)

func TestMinProductVersion(t *testing.T) {
	sp1 := product(pro11, "11.0.6361.0")
	rtm := product(visio, "11.0.5614.0")
	both := []Product{sp1, rtm}
	p := patch("a.msp", 3, pro11, visio)
	for _, tc := range []struct {
		name  string
		check MinProductVersion
		facts *Facts
		want  want
	}{
		{"not set", MinProductVersion{}, clientFacts("3.1", both, p), want{status: Skipped}},
		{"all at min", MinProductVersion{Min: "11.0.5614.0"}, clientFacts("3.1", both, p),
			want{status: Passed, reason: []string{"11.0.6361.0", "11.0.5614.0"}}},
		{"one below, one enough", MinProductVersion{Min: "11.0.6361.0"}, clientFacts("3.1", both, p),
			want{status: Warning, reason: []string{"11.0.5614.0, below MinProductVersion 11.0.6361.0", "patching only"}}},
		{"one below, all required", MinProductVersion{Min: "11.0.6361.0", RequireAll: true}, clientFacts("3.1", both, p),
			want{status: Failed, code: exitcode.PatchTargetNotFound, reason: []string{"RequireAllProductsAtMinVersion=1", visio}}},
		{"all below", MinProductVersion{Min: "11.0.7969.0"}, clientFacts("3.1", both, p),
			want{status: Failed, code: exitcode.PatchTargetNotFound, reason: []string{"no targeted product"}}},
		{"untargeted product ignored", MinProductVersion{Min: "11.0.6361.0", RequireAll: true},
			clientFacts("3.1", []Product{sp1, product(other, "1.0")}, patch("a.msp", 3, pro11)), want{status: Passed}},
		{"malformed product version is below", MinProductVersion{Min: "11.0"},
			clientFacts("3.1", []Product{product(pro11, "eleven")}, p),
			want{status: Failed, code: exitcode.PatchTargetNotFound, reason: []string{"unreadable ProductVersion"}}},
		{"malformed min", MinProductVersion{Min: "SP1"}, clientFacts("3.1", both, p),
			want{status: Failed, code: exitcode.InvalidCommandLine, reason: []string{"MinProductVersion"}}},
		{"no targets", MinProductVersion{Min: "11.0"}, clientFacts("3.1", nil, p), want{status: Failed, code: exitcode.PatchTargetNotFound}},
		{"admin image version", MinProductVersion{Min: "11.0.6361.0"}, adminFacts(5, rtm, p),
			want{status: Failed, code: exitcode.PatchTargetNotFound, reason: []string{"11.0.5614.0"}}},
		{"admin image at min", MinProductVersion{Min: "11.0.5614"}, adminFacts(5, rtm, p), want{status: Passed}},
		{"unusable image has no target", MinProductVersion{Min: "11.0"}, adminFacts(0, rtm, p), want{status: Failed, code: exitcode.PatchTargetNotFound}},
	} {
		t.Run(tc.name, func(t *testing.T) { tc.want.check(t, tc.check.Run(tc.facts)) })
	}
}
