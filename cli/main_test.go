package cli

import (
	"os"
	"testing"

	"gradphoto/internal/matleak"
	"gradphoto/internal/piilog"
)

// TestMain fails the run if a gocv.Mat is left open (-tags matprofile) or
// the log holds an ID number or a test graduate's name.
func TestMain(m *testing.M) {
	os.Exit(piilog.Run(func() int { return matleak.Run(m) }, piilog.TestNames...))
}
