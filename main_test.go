package main

import (
	"bytes"
	"fmt"
	"image"
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"sync"
	"testing"

	"gocv.io/x/gocv"

	"gradphoto/app"
	"gradphoto/internal/fixture"
)

var (
	buildOnce sync.Once
	builtBin  string
	buildErr  error
)

// buildKiosk builds the gradphoto binary once per test run.
func buildKiosk(t *testing.T) string {
	t.Helper()
	buildOnce.Do(func() {
		dir, err := os.MkdirTemp("", "gradphoto-bin-")
		if err != nil {
			buildErr = err
			return
		}
		builtBin = filepath.Join(dir, "gradphoto")
		out, err := exec.Command("go", "build", "-tags", "migrated_fynedo", "-o", builtBin, ".").CombinedOutput()
		if err != nil {
			buildErr = fmt.Errorf("go build: %v\n%s", err, out)
		}
	})
	if buildErr != nil {
		t.Fatal(buildErr)
	}
	return builtBin
}

// kioskStill writes a 1920×1080 still of a real portrait, as the kiosk
// camera takes it.
func kioskStill(t *testing.T) string {
	t.Helper()
	ph, err := fixture.Load("pigo_sample")
	if err != nil {
		t.Fatal(err)
	}
	defer ph.Close()
	fr, err := fixture.Compose(ph, fixture.Scene{Size: image.Pt(1920, 1080), FaceWidth: 330, ExtendBody: true, Seed: 3})
	if err != nil {
		t.Fatal(err)
	}
	defer fr.Close()
	path := filepath.Join(t.TempDir(), "still.jpg")
	if !gocv.IMWrite(path, fr.Img) {
		t.Fatal("cannot write", path)
	}
	return path
}

// rosterFile writes a one-graduate roster.
func rosterFile(t *testing.T) string {
	t.Helper()
	n := "11010520010312123"
	n += string(app.CheckChar(n))
	path := filepath.Join(t.TempDir(), "roster.csv")
	data := "姓名,身份证号,学号,学校,学院,专业,学位,毕业年份\n张三," + n + ",2021001,北京理工大学,计算机学院,计算机科学与技术,工学学士,2025\n"
	if err := os.WriteFile(path, []byte(data), 0o600); err != nil {
		t.Fatal(err)
	}
	return path
}

// Every command prints only its own output under any locale: nothing on
// stderr when it succeeds (Fyne, linked into the same binary for the kiosk,
// must not log its locale parsing).
func TestQuietCommandLine(t *testing.T) {
	bin := buildKiosk(t)
	dir := t.TempDir()
	still, roster := kioskStill(t), rosterFile(t)
	commands := [][]string{
		{"help"},
		{"--screen", "list"},
		{"roster", "import", "--db", filepath.Join(dir, "k.db"), roster},
		{"photo", "make", still, filepath.Join(dir, "photo.jpg")},
		{"photo", "check", filepath.Join(dir, "photo.jpg")},
		{"card", "testdata/cards/front.jpg", filepath.Join(dir, "card.jpg")},
	}
	locales := []map[string]string{
		{}, {"LANG": "C"}, {"LANG": "POSIX"}, {"LANG": "C.UTF-8"}, {"LANG": "zh_CN.UTF-8"},
		{"LC_ALL": "C.UTF-8"}, {"LANGUAGE": "C.UTF-8", "LANG": "en_US.UTF-8"},
	}
	for _, loc := range locales {
		for _, args := range commands {
			name := fmt.Sprintf("%v %s", loc, strings.Join(args, " "))
			cmd := exec.Command(bin, args...)
			cmd.Env = localeEnv(loc)
			var stdout, stderr bytes.Buffer
			cmd.Stdout, cmd.Stderr = &stdout, &stderr
			if err := cmd.Run(); err != nil {
				t.Errorf("%s: %v\nstderr: %s", name, err, stderr.String())
				continue
			}
			if stderr.Len() != 0 {
				t.Errorf("%s: stderr %q, want nothing", name, stderr.String())
			}
			if stdout.Len() == 0 {
				t.Errorf("%s: no output", name)
			}
		}
	}
}

// localeEnv is the test's environment without any locale variable, plus loc.
func localeEnv(loc map[string]string) []string {
	var env []string
	for _, kv := range os.Environ() {
		k, _, _ := strings.Cut(kv, "=")
		switch k {
		case "LANG", "LANGUAGE", "LC_ALL", "LC_MESSAGES":
			continue
		}
		env = append(env, kv)
	}
	for k, v := range loc {
		env = append(env, k+"="+v)
	}
	return env
}
