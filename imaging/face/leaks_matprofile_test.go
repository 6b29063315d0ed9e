//go:build matprofile

package face

import (
	"fmt"
	"os"

	"gocv.io/x/gocv"
)

// checkMatLeaks reports the Mats still open after the tests (built with
// -tags matprofile, gocv records every Mat's creation).
func checkMatLeaks() int {
	n := gocv.MatProfile.Count()
	if n == 0 {
		fmt.Println("matprofile: 0 Mats left open")
		return 0
	}
	fmt.Fprintf(os.Stderr, "matprofile: %d Mats left open:\n", n)
	gocv.MatProfile.WriteTo(os.Stderr, 1)
	return 1
}
