package cli

import (
	"fmt"
	"io"
)

// runRoster runs "gradphoto roster …".
func runRoster(args []string, stdout, stderr io.Writer) int {
	fmt.Fprintln(stderr, "roster import: not built yet")
	return ExitUnreadable
}
