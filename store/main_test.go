package store

import (
	"os"
	"testing"

	"gradphoto/internal/piilog"
)

// TestMain fails the run if the log holds an ID number or a test
// graduate's name.
func TestMain(m *testing.M) { os.Exit(piilog.Run(m.Run, piilog.TestNames...)) }
