//go:build !matprofile

package face

// checkMatLeaks is a no-op without -tags matprofile.
func checkMatLeaks() int { return 0 }
