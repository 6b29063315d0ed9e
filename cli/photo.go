package cli

import (
	"fmt"
	"io"
)

// runPhoto runs "gradphoto photo …".
func runPhoto(args []string, stdout, stderr io.Writer) int {
	fmt.Fprintln(stderr, "photo: not built yet")
	return ExitUnreadable
}
