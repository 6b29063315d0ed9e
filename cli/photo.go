package cli

import (
	"encoding/json"
	"flag"
	"fmt"
	"gradphoto/spec"
	"io"
	"os"
	"path/filepath"
	"strings"

	"gradphoto/assets"
	"gradphoto/imaging"
)

const photoUsage = `usage: gradphoto photo make [--profile P] [--background B] [--profiles DIR] IN OUT
       gradphoto photo check [--profile P] [--profiles DIR] [--json] FILE`

// runPhoto runs "gradphoto photo make|check".
func runPhoto(args []string, stdout, stderr io.Writer) int {
	return dispatch("photo", photoUsage, map[string]command{"make": photoMake, "check": photoCheck}, args, stdout, stderr)
}

// photoFlags are the flags make and check share.
type photoFlags struct {
	profile, background, profiles string
	json                          bool
}

func parsePhotoFlags(name string, args []string, withBackground, withJSON bool) (photoFlags, []string, error) {
	var f photoFlags
	fs := flag.NewFlagSet(name, flag.ContinueOnError)
	fs.SetOutput(io.Discard)
	fs.StringVar(&f.profile, "profile", spec.DefaultProfile, "photo profile")
	fs.StringVar(&f.profiles, "profiles", defaultProfilesDir(), "directory of the operator's profile files")
	if withBackground {
		fs.StringVar(&f.background, "background", "", "background option of the profile (blue, white, grey…)")
	}
	if withJSON {
		fs.BoolVar(&f.json, "json", false, "print the report as JSON")
	}
	rest, err := parseInterspersed(fs, args)
	return f, rest, err
}

// defaultProfilesDir is where an operator puts extra profiles:
// $XDG_CONFIG_HOME/gradphoto/profiles (~/.config/gradphoto/profiles).
func defaultProfilesDir() string {
	dir, err := os.UserConfigDir()
	if err != nil {
		return ""
	}
	return filepath.Join(dir, "gradphoto", "profiles")
}

func loadProfile(f photoFlags) (spec.Profile, error) {
	var dirs []string
	if f.profiles != "" {
		dirs = append(dirs, f.profiles)
	}
	ps, err := spec.LoadProfiles(assets.Profiles, "profiles", dirs...)
	if err != nil {
		return spec.Profile{}, err
	}
	return ps.Get(f.profile)
}

// photoMake runs "photo make": OUT is written only when the result passes
// every check; otherwise one line "refused: REASON" and exit 2.
func photoMake(args []string, stdout, stderr io.Writer) int {
	f, files, err := parsePhotoFlags("photo make", args, true, false)
	if err != nil || len(files) != 2 {
		fmt.Fprintln(stderr, photoUsage)
		return ExitUnreadable
	}
	refuse := func(reason string) int {
		fmt.Fprintln(stdout, "refused:", oneLine(reason))
		return ExitUnreadable
	}
	p, err := loadProfile(f)
	if err != nil {
		return refuse(err.Error())
	}
	img, err := readImage(files[0])
	if err != nil {
		return refuse(err.Error())
	}
	defer img.Close()
	eng, err := imaging.NewEngine()
	if err != nil {
		return refuse(err.Error())
	}
	defer eng.Close()
	res, err := eng.Standardise(img, p, imaging.Options{Background: f.background})
	if err != nil {
		return refuse(strings.TrimPrefix(err.Error(), "imaging: standardise: "))
	}
	if failed := res.Report.Failed(); len(failed) > 0 {
		return refuse(describeFailure(failed[0]))
	}
	if err := writeFileAtomic(files[1], res.JPEG); err != nil {
		fmt.Fprintln(stderr, "photo make:", err)
		return ExitFailed
	}
	fmt.Fprintf(stdout, "ok: %s %d×%d, %.1f KB, quality %d, %s\n", files[1], p.Width, p.Height,
		float64(len(res.JPEG))/1024, res.Quality, p.Name)
	return ExitOK
}

// photoCheck runs "photo check": every check with its value and limits;
// exit 0 all pass, 1 some fail, 2 unreadable.
func photoCheck(args []string, stdout, stderr io.Writer) int {
	f, files, err := parsePhotoFlags("photo check", args, false, true)
	if err != nil || len(files) != 1 {
		fmt.Fprintln(stderr, photoUsage)
		return ExitUnreadable
	}
	p, err := loadProfile(f)
	if err != nil {
		fmt.Fprintln(stderr, "photo check:", err)
		return ExitUnreadable
	}
	data, err := os.ReadFile(files[0])
	if err != nil {
		fmt.Fprintln(stderr, "photo check:", err)
		return ExitUnreadable
	}
	eng, err := imaging.NewEngine()
	if err != nil {
		fmt.Fprintln(stderr, "photo check:", err)
		return ExitUnreadable
	}
	defer eng.Close()
	rep, err := eng.CheckPhoto(data, p)
	if err != nil {
		fmt.Fprintln(stderr, "photo check:", err)
		return ExitUnreadable
	}
	if f.json {
		writeJSONReport(stdout, files[0], p.Name, rep)
	} else {
		writeTextReport(stdout, rep)
	}
	if !rep.Pass() {
		return ExitFailed
	}
	return ExitOK
}

// CheckReport is the JSON printed by "photo check --json" (see README).
type CheckReport struct {
	File    string       `json:"file"`
	Profile string       `json:"profile"`
	Pass    bool         `json:"pass"`
	Checks  []spec.Check `json:"checks"`
}

func writeJSONReport(w io.Writer, file, profile string, r spec.Report) {
	enc := json.NewEncoder(w)
	enc.SetIndent("", "  ")
	enc.Encode(CheckReport{File: file, Profile: profile, Pass: r.Pass(), Checks: r.Checks})
}

func writeTextReport(w io.Writer, r spec.Report) {
	for _, c := range r.Checks {
		verdict := "PASS"
		if !c.Pass {
			verdict = "FAIL"
		}
		fmt.Fprintf(w, "%s  %-18s %s", verdict, c.ID, formatValue(c))
		if c.Note != "" {
			fmt.Fprintf(w, "  (%s)", c.Note)
		}
		fmt.Fprintln(w)
	}
}

// formatValue writes "251.3 px from top, limit 200–300".
func formatValue(c spec.Check) string {
	s := fmt.Sprintf("%g %s", c.Value, c.Unit)
	if l := c.Limits(); l != "" {
		s += ", limit " + l
	}
	return s
}

func describeFailure(c spec.Check) string {
	s := fmt.Sprintf("%s check failed: %s", c.ID, formatValue(c))
	if c.Note != "" {
		s += " (" + c.Note + ")"
	}
	return s
}

// oneLine keeps a message on one line.
func oneLine(s string) string { return strings.Join(strings.Fields(s), " ") }
