//go:build !linux

package camera

// canCapture cannot tell outside Linux.
func canCapture(string) (yes, known bool) { return false, false }
