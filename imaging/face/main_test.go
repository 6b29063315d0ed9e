package face

import (
	"os"
	"testing"
)

// TestMain runs the tests, then (with -tags matprofile) fails the run if
// any gocv.Mat is left open.
func TestMain(m *testing.M) {
	code := m.Run()
	if code == 0 {
		code = checkMatLeaks()
	}
	os.Exit(code)
}
