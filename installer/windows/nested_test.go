package windows

import (
	"reflect"
	"strings"
	"testing"

	"github.com/ohotfix/ohotfix/installer"
	"github.com/ohotfix/ohotfix/msi"
)

func TestNestedInstallsFindsTypes7_23_39(t *testing.T) {
	path := writePackage(t, []string{"Main"}, []customActionRow{
		{name: "NestedSource", typ: 23, table: "InstallExecuteSequence", sequence: 1500, cond: "0"},
		{name: "NestedStorage", typ: 7 | 0x400, table: "InstallUISequence", sequence: 900, cond: nil}, // in-script bit is above 0x3F
		{name: "NestedAdvt", typ: 39}, // not scheduled
		{name: "SetProp", typ: 51, table: "InstallExecuteSequence", sequence: 10, cond: "1"},
		{name: "RunExe", typ: 34 | 0x40, table: "InstallExecuteSequence", sequence: 20}, // 0x40 is outside the base type: 34, not nested
	})
	db, err := msi.Open(path)
	if err != nil {
		t.Fatal(err)
	}
	defer db.Close()
	got, err := NestedInstalls(db)
	if err != nil {
		t.Fatal(err)
	}
	want := []installer.CustomAction{
		{Action: "NestedAdvt", Type: 39},
		{Action: "NestedSource", Type: 23, Table: "InstallExecuteSequence", Sequence: 1500, Condition: "0"},
		{Action: "NestedStorage", Type: 7 | 0x400, Table: "InstallUISequence", Sequence: 900},
	}
	if !reflect.DeepEqual(got, want) {
		t.Fatalf("got %+v\nwant %+v", got, want)
	}
	w := NestedInstallWarning("{P}", want[1])
	for _, s := range []string{"NestedSource", "type 23", "source tree", "InstallExecuteSequence at 1500", `condition "0"`, "_MSIExecute", "1618", "KB 822454"} {
		if !strings.Contains(w, s) {
			t.Errorf("warning lacks %q: %s", s, w)
		}
	}
}

func TestNestedInstallsWithoutCustomActionTable(t *testing.T) {
	db, err := msi.Open(writePackage(t, []string{"Main"}, nil))
	if err != nil {
		t.Fatal(err)
	}
	defer db.Close()
	got, err := NestedInstalls(db)
	if err != nil || got != nil {
		t.Fatalf("got %v, %v; want none", got, err)
	}
}

func BenchmarkNestedInstalls(b *testing.B) {
	rows := make([]customActionRow, 0, 200)
	for i := range 200 {
		rows = append(rows, customActionRow{name: "CA" + string(rune('A'+i%26)) + strings.Repeat("x", i/26), typ: []int{1, 23, 51, 7}[i%4],
			table: "InstallExecuteSequence", sequence: i + 1, cond: "NOT Installed"})
	}
	db, err := msi.Open(writePackage(b, []string{"Main"}, rows))
	if err != nil {
		b.Fatal(err)
	}
	defer db.Close()
	b.ResetTimer()
	for b.Loop() {
		if _, err := NestedInstalls(db); err != nil {
			b.Fatal(err)
		}
	}
}
