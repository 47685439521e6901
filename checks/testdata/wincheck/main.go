//go:build windows

// wincheck prints the Windows measurements of package checks as JSON, for
// wine_test.go to compare with what it set up in the Wine prefix.
package main

import (
	"encoding/json"
	"fmt"
	"os"

	"github.com/ohotfix/ohotfix/checks"
)

func main() {
	free, err := checks.FreeSpace(os.Args[1])
	out := struct {
		Free   uint64             `json:"free"`
		Err    string             `json:"err,omitempty"`
		Volume checks.Volume      `json:"volume"`
		Reboot checks.RebootState `json:"reboot"`
	}{Free: free, Volume: checks.MeasureVolume(checks.RoleTemp, os.Args[1]), Reboot: checks.ProbePendingReboot()}
	if err != nil {
		out.Err = err.Error()
	}
	data, _ := json.Marshal(out)
	fmt.Println(string(data))
}
