package ui

import (
	"os"
	"testing"

	"gradphoto/internal/matleak"
	"gradphoto/internal/piilog"
)

// onMain runs functions on the main goroutine (the OS main thread GLFW
// needs) while the tests run on theirs: only with GRADPHOTO_GL=1, for
// TestPreviewOnScreen's real window.
var onMain = make(chan func())

// TestMain fails the run, under -tags matprofile, if any gocv.Mat is left
// open, and if the log holds an ID number or a test graduate's name. With GRADPHOTO_GL=1 it keeps the main goroutine free for a real
// Fyne GL window (run that test alone: -run TestPreviewOnScreen).
func TestMain(m *testing.M) {
	run := func() int { return piilog.Run(func() int { return matleak.Run(m) }, piilog.TestNames...) }
	if os.Getenv("GRADPHOTO_GL") != "1" {
		os.Exit(run())
	}
	done := make(chan int, 1)
	go func() { done <- run() }()
	for {
		select {
		case f := <-onMain:
			f()
		case code := <-done:
			os.Exit(code)
		}
	}
}
