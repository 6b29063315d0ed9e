// Package matleak proves in tests that every gocv.Mat is closed: built with
// the matprofile tag, gocv records each Mat's creation, and Run fails the
// test binary when any is still open after the tests. Without the tag it
// only runs the tests.
package matleak

import (
	"os"
	"testing"
)

// Run runs the tests, then the leak check; use it as
// func TestMain(m *testing.M) { os.Exit(matleak.Run(m)) }.
func Run(m *testing.M) int {
	code := m.Run()
	if code == 0 {
		code = check(os.Stdout, os.Stderr)
	}
	return code
}
