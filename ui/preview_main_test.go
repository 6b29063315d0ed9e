package ui

import (
	"os"
	"testing"

	"gradphoto/internal/matleak"
)

// onMain runs functions on the main goroutine (the OS main thread GLFW
// needs) while the tests run on theirs: only with GRADPHOTO_GL=1, for
// TestPreviewOnScreen's real window.
var onMain = make(chan func())

// TestMain fails the run, under -tags matprofile, if any gocv.Mat is left
// open. With GRADPHOTO_GL=1 it keeps the main goroutine free for a real
// Fyne GL window (run that test alone: -run TestPreviewOnScreen).
func TestMain(m *testing.M) {
	if os.Getenv("GRADPHOTO_GL") != "1" {
		os.Exit(matleak.Run(m))
	}
	done := make(chan int, 1)
	go func() { done <- matleak.Run(m) }()
	for {
		select {
		case f := <-onMain:
			f()
		case code := <-done:
			os.Exit(code)
		}
	}
}
