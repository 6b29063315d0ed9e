package ocr

import (
	"os"
	"testing"

	"gradphoto/internal/matleak"
)

// TestMain fails the run, under -tags matprofile, if any gocv.Mat is left open.
func TestMain(m *testing.M) { os.Exit(matleak.Run(m)) }
