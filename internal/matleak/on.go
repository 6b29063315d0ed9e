//go:build matprofile

package matleak

import (
	"fmt"
	"io"

	"gocv.io/x/gocv"
)

// check reports the Mats left open.
func check(stdout, stderr io.Writer) int {
	n := gocv.MatProfile.Count()
	if n == 0 {
		fmt.Fprintln(stdout, "matprofile: 0 Mats left open")
		return 0
	}
	fmt.Fprintf(stderr, "matprofile: %d Mats left open:\n", n)
	gocv.MatProfile.WriteTo(stderr, 1)
	return 1
}
