// Command acceptance runs the photo engine over its acceptance set
// (internal/acceptance) and prints the Markdown table README shows: each
// photo, its backdrop and framing, the profile, what came out and what was
// expected. With -out DIR it writes the standardised photos there; with
// -readme FILE it replaces the table between the markers in FILE.
//
//	go run -tags migrated_fynedo ./tools/acceptance -readme README.md -out /tmp/acceptance
package main

import (
	"bytes"
	"flag"
	"fmt"
	"os"
	"path/filepath"
	"strings"

	"gradphoto/assets"
	"gradphoto/imaging"
	"gradphoto/internal/acceptance"
	"gradphoto/spec"
)

const (
	begin = "<!-- acceptance table: make acceptance -->"
	end   = "<!-- end of the acceptance table -->"
)

func main() {
	out := flag.String("out", "", "write the standardised photos into this folder")
	readme := flag.String("readme", "", "replace the table between the markers of this file")
	flag.Parse()
	if err := run(*out, *readme); err != nil {
		fmt.Fprintln(os.Stderr, "acceptance:", err)
		os.Exit(1)
	}
}

func run(out, readme string) error {
	cases, err := acceptance.Cases()
	if err != nil {
		return err
	}
	ps, err := spec.LoadProfiles(assets.Profiles, "profiles")
	if err != nil {
		return err
	}
	e, err := imaging.NewEngine()
	if err != nil {
		return err
	}
	defer e.Close()
	var b bytes.Buffer
	fmt.Fprintln(&b, "| photo | backdrop | framing | profile | result | reason | expected |")
	fmt.Fprintln(&b, "|---|---|---|---|---|---|---|")
	good := 0
	for _, c := range cases {
		r, err := acceptance.Run(e, ps, c)
		if err != nil {
			return err
		}
		mark := "✗"
		if r.OK() {
			mark, good = "✓", good+1
		}
		name := c.Name // a composed case says so in its name
		if c.Real {
			name += " (real)"
		}
		fmt.Fprintf(&b, "| %s | %s | %s | %s | %s %s | %s | %s |\n", name, c.Backdrop, c.Framing, c.Profile,
			mark, r.Outcome, reason(r), c.Expect)
		if !r.OK() {
			fmt.Fprintf(os.Stderr, "%s: %s\n", c.Name, r.Detail)
		}
		if out != "" && len(r.JPEG) > 0 {
			name := c.Name
			if !c.Real {
				name += " " + c.Backdrop
			}
			name = strings.NewReplacer(" ", "_", "(", "", ")", "", ",", "", "→", "-").Replace(name)
			if err := os.WriteFile(filepath.Join(out, name+".out.jpg"), r.JPEG, 0o644); err != nil {
				return err
			}
		}
	}
	fmt.Fprintf(&b, "\n%d of %d as expected.\n", good, len(cases))
	os.Stdout.Write(b.Bytes())
	if readme == "" {
		return nil
	}
	return replaceTable(readme, b.String())
}

// replaceTable puts table between the markers of file.
func replaceTable(file, table string) error {
	data, err := os.ReadFile(file)
	if err != nil {
		return err
	}
	s := string(data)
	i, j := strings.Index(s, begin), strings.Index(s, end)
	if i < 0 || j < i {
		return fmt.Errorf("%s has no %q … %q markers", file, begin, end)
	}
	s = s[:i+len(begin)] + "\n\n" + table + "\n" + s[j:]
	return os.WriteFile(file, []byte(s), 0o644)
}

// reason is the measurement behind an outcome, short enough for a table
// cell: the refusal's own words after the kind, or the failed checks'
// values; "—" for a compliant photo.
func reason(r acceptance.Result) string {
	d := r.Detail
	if i := strings.LastIndex(d, r.Outcome); i >= 0 && !strings.HasPrefix(r.Outcome, "failed:") {
		d = strings.TrimLeft(d[i+len(r.Outcome):], " :")
	}
	d = strings.TrimSuffix(strings.TrimSpace(d), ";")
	if d == "" {
		return "—"
	}
	d = strings.ReplaceAll(d, "|", "/")
	if len([]rune(d)) > 110 {
		d = string([]rune(d)[:110]) + "…"
	}
	return d
}
