package cli

import (
	"fmt"
	"io"
)

// runCard runs "gradphoto card IN OUT".
func runCard(args []string, stdout, stderr io.Writer) int {
	fmt.Fprintln(stderr, "card: not built yet")
	return ExitUnreadable
}
