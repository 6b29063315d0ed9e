// Command gradphoto is the GradPhoto kiosk: degree-certificate photo capture
// for graduates. Without arguments it opens the kiosk; see "gradphoto help".
package main

import (
	"os"

	"gradphoto/cli"
	"gradphoto/ui"
)

func main() {
	os.Exit(cli.Main(os.Args[1:], os.Stdout, os.Stderr, ui.Run))
}
