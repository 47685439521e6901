// Command hello is the smallest Go program that exercises what Wine 8 lacks for Go 1.24+
// binaries: the runtime seeds itself from bcryptprimitives!ProcessPrng at start-up, and
// crypto/rand reads from it again, so it only runs when the winetest shim DLL is installed.
// It prints its arguments and 16 random bytes, and exits with status 7 when asked, so the
// test can check arguments, output and full exit codes end to end.
package main

import (
	"crypto/rand"
	"encoding/hex"
	"fmt"
	"os"
	"runtime"
	"strconv"
)

func main() {
	var b [16]byte
	if _, err := rand.Read(b[:]); err != nil {
		fmt.Fprintln(os.Stderr, "rand:", err)
		os.Exit(2)
	}
	fmt.Printf("hello from %s/%s\n", runtime.GOOS, runtime.GOARCH)
	fmt.Printf("args %q\n", os.Args[1:])
	fmt.Printf("random %s\n", hex.EncodeToString(b[:]))
	if len(os.Args) > 2 && os.Args[1] == "exit" {
		code, err := strconv.Atoi(os.Args[2])
		if err != nil {
			fmt.Fprintln(os.Stderr, "exit code:", err)
			os.Exit(2)
		}
		os.Exit(code)
	}
}
