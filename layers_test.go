package main

import (
	"os/exec"
	"strings"
	"testing"
)

// The rules of the house (docs/ARCHITECTURE.md): which package may reach
// which, through any chain of imports (go list -deps).
func TestImportRules(t *testing.T) {
	out, err := exec.Command("go", "list", "-tags", "migrated_fynedo", "-f",
		`{{.ImportPath}}:{{join .Deps " "}}`, "./...").Output()
	if err != nil {
		t.Fatalf("go list: %v", err)
	}
	deps := map[string][]string{}
	for _, line := range strings.Split(strings.TrimSpace(string(out)), "\n") {
		pkg, list, _ := strings.Cut(line, ":")
		deps[pkg] = strings.Fields(list)
	}
	// An entry ending in "/" forbids everything under it; others are exact.
	// (database/sql/driver is allowed: github.com/google/uuid implements
	// its Valuer, which is not talking to a database.)
	const (
		fyne  = "fyne.io/fyne/"
		gocv  = "gocv.io/x/gocv/"
		sql   = "database/sql"
		sqlit = "github.com/mattn/go-sqlite3/"
	)
	ours := func(names ...string) []string {
		var out []string
		for _, n := range names {
			out = append(out, "gradphoto/"+n)
		}
		return out
	}
	rules := []struct {
		pkg       string // a package, or a prefix ending in "/..."
		forbidden []string
	}{
		{"gradphoto/app", []string{fyne, gocv, sql, sqlit}},
		{"gradphoto/spec", []string{fyne, gocv, sql, sqlit}},
		{"gradphoto/capture", append([]string{fyne, gocv, sql, sqlit}, ours("store", "ui")...)},
		{"gradphoto/ui", []string{gocv, "gradphoto/capture/opencv/", "gradphoto/imaging/"}},
		{"gradphoto/imaging/...", append([]string{fyne, sql, sqlit}, ours("store", "camera", "capture", "cli", "ui", "roster", "app")...)},
		{"gradphoto/store", []string{fyne, gocv}},
		{"gradphoto/roster", []string{fyne, gocv, sql, sqlit}},
		{"gradphoto/camera", []string{fyne, sql, sqlit}},
		{"gradphoto/capture/opencv", []string{fyne, sql, sqlit}},
		{"gradphoto/cli", []string{fyne}},
		{"gradphoto/tools/...", []string{fyne}},
		{"gradphoto/server/...", append([]string{fyne, gocv}, ours("app", "store", "camera", "capture", "cli", "ui", "remote", "imaging", "roster", "spec")...)},
		// the server binary carries the load test, a kiosk without a screen or camera
		{"gradphoto/cmd/gradphoto-server", append([]string{fyne, gocv}, ours("camera", "capture", "cli", "ui", "imaging")...)},
		{"gradphoto/loadtest", append([]string{fyne, gocv}, ours("camera", "capture", "cli", "ui", "imaging")...)},
		{"gradphoto/remote", []string{fyne, gocv}},
		{"gradphoto/api", append([]string{fyne, gocv, sql, sqlit}, ours("app", "store", "server")...)},
	}
	checked := map[string]bool{}
	for _, r := range rules {
		for pkg, ds := range deps {
			if !matches(pkg, r.pkg) {
				continue
			}
			checked[pkg] = true
			for _, d := range ds {
				for _, f := range r.forbidden {
					if d == f || d+"/" == f || strings.HasSuffix(f, "/") && strings.HasPrefix(d, f) {
						t.Errorf("%s reaches %s", pkg, d)
					}
				}
			}
		}
	}
	// only ui and main reach Fyne
	for pkg, ds := range deps {
		if pkg == "gradphoto" || pkg == "gradphoto/ui" {
			continue
		}
		for _, d := range ds {
			if strings.HasPrefix(d, fyne) {
				t.Errorf("%s reaches Fyne (%s): only ui and main may", pkg, d)
				break
			}
		}
	}
	for _, r := range rules {
		found := false
		for pkg := range checked {
			found = found || matches(pkg, r.pkg)
		}
		if !found {
			t.Errorf("rule for %s matched no package", r.pkg)
		}
	}
}

// matches reports whether pkg is pattern, or under it for "x/...".
func matches(pkg, pattern string) bool {
	if p, ok := strings.CutSuffix(pattern, "/..."); ok {
		return pkg == p || strings.HasPrefix(pkg, p+"/")
	}
	return pkg == pattern
}
