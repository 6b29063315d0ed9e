// Package cli parses GradPhoto's command line: the kiosk GUI by default, and
// subcommands for assistants' jobs (roster import, …). It holds no Fyne code:
// the GUI is handed in by main.
package cli

import (
	"flag"
	"fmt"
	"io"
	"os"
)

// Exit codes shared by every subcommand.
const (
	ExitOK         = 0
	ExitFailed     = 1 // ran, but the result is not what was asked (e.g. nothing imported)
	ExitUnreadable = 2 // bad input or bad usage: nothing was done
)

// GUIOptions are the kiosk's flags.
type GUIOptions struct {
	DB         string // database file; "" = default location
	Fullscreen bool
	Screen     string // open one screen with demo data
	Lang       string // "zh-CN" (default) or "en"
	Camera     string // DEVICE|FILE|DIR; "" = the first webcam, else the demo clips
	NoCards    bool   // skip the ID-card photos at the Identity step
}

// GUI is the kiosk's window, handed in by main: cli itself holds no Fyne.
type GUI struct {
	Open    func(GUIOptions) error // opens the kiosk and blocks until it closes
	Screens func() []string        // the names --screen accepts
}

// Main runs the command line and returns the process exit code.
func Main(args []string, stdout, stderr io.Writer, gui GUI) int {
	if len(args) > 0 {
		switch args[0] {
		case "roster":
			return runRoster(args[1:], stdout, stderr)
		case "photo":
			return runPhoto(args[1:], stdout, stderr)
		case "card":
			return runCard(args[1:], stdout, stderr)
		case "enrol":
			return runEnrol(args[1:], stdout, stderr)
		case "sync":
			return runSync(args[1:], stdout, stderr)
		case "manifest":
			return runManifest(args[1:], stdout, stderr)
		case "demo":
			return runDemo(args[1:], stdout, stderr)
		case "pin":
			return runPin(args[1:], os.Stdin, stdout, stderr)
		case "export":
			return runExport(args[1:], stdout, stderr)
		case "backup":
			return runBackup(args[1:], os.Stdin, stdout, stderr)
		case "help", "-h", "--help":
			usage(stdout)
			return ExitOK
		}
	}
	var o GUIOptions
	fs := flag.NewFlagSet("gradphoto", flag.ContinueOnError)
	fs.SetOutput(stderr)
	fs.Usage = func() { usage(stderr) }
	fs.StringVar(&o.DB, "db", "", "database file (default: the user's data dir)")
	fs.BoolVar(&o.Fullscreen, "fullscreen", false, "full screen, for real kiosks")
	fs.StringVar(&o.Screen, "screen", "", "open one screen with demo data")
	fs.StringVar(&o.Lang, "lang", "", "interface language: zh-CN or en (default: the operator's setting, else zh-CN)")
	fs.StringVar(&o.Camera, "camera", "", "camera: a device (0, /dev/video2), a video file or a folder of images; default the first webcam, else the demo clips")
	fs.BoolVar(&o.NoCards, "no-cards", false, "do not photograph the ID card at the Identity step")
	if err := fs.Parse(args); err != nil {
		return ExitUnreadable
	}
	if fs.NArg() > 0 {
		fmt.Fprintf(stderr, "unknown command %q\n", fs.Arg(0))
		usage(stderr)
		return ExitUnreadable
	}
	if o.Screen == "list" {
		for _, n := range gui.Screens() {
			fmt.Fprintln(stdout, n)
		}
		return ExitOK
	}
	if err := gui.Open(o); err != nil {
		fmt.Fprintln(stderr, "gradphoto:", err)
		return ExitFailed
	}
	return ExitOK
}

func usage(w io.Writer) {
	fmt.Fprint(w, `usage:
  gradphoto [--db PATH] [--fullscreen] [--lang zh-CN|en] [--camera DEVICE|FILE|DIR] [--no-cards]
                                                          open the kiosk
  gradphoto --screen NAME [--lang L]                      one screen with demo data ("list" lists them)
  gradphoto roster import [--db PATH] FILE                  import a roster (CSV UTF-8/GBK or XLSX)
  gradphoto photo make [--profile P] [--background B] IN OUT   standardise a photo
  gradphoto photo check [--profile P] [--json] FILE         check a photo against a profile
  gradphoto card IN OUT                                     flatten an ID-card photo to 856x540
  gradphoto enrol [--db PATH] --server URL CODE             register this kiosk with a server
  gradphoto sync [--db PATH] [--once]                       send submissions, pull review results
  gradphoto manifest [--db PATH]                            JSON lines: submission, kind, version, sha256, status
  gradphoto demo seed [--db PATH] --submissions N           N confirmed demo submissions
  gradphoto pin set [--db PATH]   < PIN                     set the operator PIN (6–12 digits, read from stdin)
  gradphoto export [--db PATH] [--school S] [--status S] [--since YYYY-MM-DD] OUT.zip
                                                          the registry's batch: JPEGs by document number + manifest.xlsx
  gradphoto backup [--db PATH] OUT   < PASSPHRASE           every submission in one sealed file, for gradphoto-server import
`)
}
