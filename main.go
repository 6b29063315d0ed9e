// Command gradphoto is the GradPhoto kiosk: degree-certificate photo capture
// for graduates. Without arguments it opens the kiosk; see "gradphoto help".
package main

import (
	"os"

	_ "cn.edu.gradphoto/localeenv" // first: quiets Fyne's locale parsing under LANG=C.UTF-8

	"gradphoto/capture/opencv"
	"gradphoto/cli"
	"gradphoto/ui"
)

func main() {
	os.Exit(cli.Main(os.Args[1:], os.Stdout, os.Stderr, cli.GUI{Open: openKiosk, Screens: ui.Screens}))
}

// openKiosk opens the kiosk window with the command line's options and the
// OpenCV camera.
func openKiosk(o cli.GUIOptions) error {
	return ui.Run(ui.Options{DB: o.DB, Fullscreen: o.Fullscreen, Screen: o.Screen, Lang: o.Lang,
		Camera: o.Camera, NoCards: o.NoCards}, opencv.New)
}
