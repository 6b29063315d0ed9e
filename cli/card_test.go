package cli

import (
	"bytes"
	"os"
	"path/filepath"
	"regexp"
	"strings"
	"testing"

	"gocv.io/x/gocv"

	"gradphoto/imaging/card"
)

// cardPhoto copies a synthetic ID-card photo from testdata/cards (see its
// README) into a fresh temporary directory and returns its path there.
func cardPhoto(t *testing.T, name string) string {
	t.Helper()
	data, err := os.ReadFile(filepath.Join("..", "testdata", "cards", name))
	if err != nil {
		t.Fatal(err)
	}
	p := filepath.Join(t.TempDir(), name)
	if err := os.WriteFile(p, data, 0o600); err != nil {
		t.Fatal(err)
	}
	return p
}

// runCardCmd runs "gradphoto card ARGS…" through Main.
func runCardCmd(t *testing.T, args ...string) (code int, stdout, stderr string) {
	t.Helper()
	r := runCLI(t, append([]string{"card"}, args...)...)
	return r.code, r.stdout, r.stderr
}

var cardLine = regexp.MustCompile(`^card: (front|back|unknown), sharpness [0-9]+, glare [0-9]+\.[0-9]%\n$`)

// cardOutput decodes the written card and checks its size.
func cardOutput(t *testing.T, path string) gocv.Mat {
	t.Helper()
	m := gocv.IMRead(path, gocv.IMReadColor)
	if m.Empty() {
		t.Fatalf("%s: not an image", path)
	}
	if m.Cols() != card.Width || m.Rows() != card.Height {
		t.Errorf("%s: %d×%d, want %d×%d", path, m.Cols(), m.Rows(), card.Width, card.Height)
	}
	return m
}

func TestCardFront(t *testing.T) {
	in := cardPhoto(t, "front.jpg")
	out := filepath.Join(t.TempDir(), "card.jpg")
	code, stdout, stderr := runCardCmd(t, in, out)
	if code != ExitOK {
		t.Fatalf("exit %d, stdout %q, stderr %q", code, stdout, stderr)
	}
	if !cardLine.MatchString(stdout) || !strings.HasPrefix(stdout, "card: front,") {
		t.Errorf("stdout %q, want card: front, sharpness S, glare G%%", stdout)
	}
	data, err := os.ReadFile(out)
	if err != nil {
		t.Fatal(err)
	}
	if !bytes.HasPrefix(data, []byte{0xff, 0xd8}) {
		t.Errorf("%s is not a JPEG", out)
	}
	m := cardOutput(t, out)
	m.Close()
}

func TestCardBackUpsideDownAsPNG(t *testing.T) {
	in := cardPhoto(t, "back-upside-down.jpg")
	out := filepath.Join(t.TempDir(), "card.PNG")
	code, stdout, stderr := runCardCmd(t, in, out)
	if code != ExitOK || !strings.HasPrefix(stdout, "card: back,") || !cardLine.MatchString(stdout) {
		t.Fatalf("exit %d, stdout %q, stderr %q", code, stdout, stderr)
	}
	data, err := os.ReadFile(out)
	if err != nil {
		t.Fatal(err)
	}
	if !bytes.HasPrefix(data, []byte("\x89PNG")) {
		t.Errorf("%s is not a PNG", out)
	}
	m := cardOutput(t, out)
	defer m.Close()
	// Turned upright: the red emblem is top-left, not bottom-right.
	tl, br := cardRedShare(m, 0, 0), cardRedShare(m, m.Cols()*2/3, m.Rows()/2)
	if tl < 0.05 || br > tl/3 {
		t.Errorf("red top-left %.3f, bottom-right %.3f: not upright", tl, br)
	}
}

// cardRedShare is the share of strongly red pixels in the third-wide,
// half-high block at (x, y).
func cardRedShare(m gocv.Mat, x, y int) float64 {
	red, all := 0, 0
	for j := y; j < y+m.Rows()/2; j++ {
		for i := x; i < x+m.Cols()/3; i++ {
			v := m.GetVecbAt(j, i)
			if int(v[2]) >= 140 && int(v[2])-int(v[1]) >= 100 && int(v[2])-int(v[0]) >= 100 {
				red++
			}
			all++
		}
	}
	return float64(red) / float64(all)
}

func TestCardRefused(t *testing.T) {
	for _, tc := range []struct{ file, reason string }{
		{"no-card.jpg", "refused: no ID card found\n"},
		{"cut-off.jpg", "refused: ID card cut off by the frame edge: move it into the picture\n"},
	} {
		in := cardPhoto(t, tc.file)
		out := filepath.Join(t.TempDir(), "card.jpg")
		code, stdout, stderr := runCardCmd(t, in, out)
		if code != ExitUnreadable || stdout != tc.reason || stderr != "" {
			t.Errorf("%s: exit %d, stdout %q, stderr %q; want 2, %q", tc.file, code, stdout, stderr, tc.reason)
		}
		if _, err := os.Stat(out); !os.IsNotExist(err) {
			t.Errorf("%s: OUT was written (%v)", tc.file, err)
		}
		if entries, _ := os.ReadDir(filepath.Dir(out)); len(entries) != 0 {
			t.Errorf("%s: left %d files behind", tc.file, len(entries))
		}
	}
}

func TestCardUnreadable(t *testing.T) {
	dir := t.TempDir()
	garbage := filepath.Join(dir, "garbage.jpg")
	empty := filepath.Join(dir, "empty.png")
	truncated := filepath.Join(dir, "truncated.jpg")
	front, err := os.ReadFile(filepath.Join("..", "testdata", "cards", "front.jpg"))
	if err != nil {
		t.Fatal(err)
	}
	for p, data := range map[string][]byte{garbage: []byte("not an image at all"), empty: nil, truncated: front[:200]} {
		if err := os.WriteFile(p, data, 0o600); err != nil {
			t.Fatal(err)
		}
	}
	for _, in := range []string{filepath.Join(dir, "missing.jpg"), garbage, empty, truncated, dir} {
		out := filepath.Join(t.TempDir(), "card.jpg")
		code, stdout, stderr := runCardCmd(t, in, out)
		if code != ExitUnreadable || stdout != "" || !strings.HasPrefix(stderr, "card: cannot read "+in+": ") {
			t.Errorf("%s: exit %d, stdout %q, stderr %q", filepath.Base(in), code, stdout, stderr)
		}
		if _, err := os.Stat(out); !os.IsNotExist(err) {
			t.Errorf("%s: OUT was written", filepath.Base(in))
		}
	}
}

func TestCardUsage(t *testing.T) {
	in := cardPhoto(t, "front.jpg")
	out := filepath.Join(t.TempDir(), "card.jpg")
	for _, args := range [][]string{{}, {in}, {in, out, "extra"}, {"--bogus", in, out}} {
		code, stdout, stderr := runCardCmd(t, args...)
		if code != ExitUnreadable || stdout != "" || !strings.HasPrefix(stderr, "usage: gradphoto card") {
			t.Errorf("%q: exit %d, stdout %q, stderr %q", args, code, stdout, stderr)
		}
	}
	code, stdout, _ := runCardCmd(t, "-h")
	if code != ExitOK || !strings.HasPrefix(stdout, "usage: gradphoto card") {
		t.Errorf("-h: exit %d, stdout %q", code, stdout)
	}
	gif := filepath.Join(t.TempDir(), "card.gif")
	code, stdout, stderr := runCardCmd(t, in, gif)
	if code != ExitUnreadable || stdout != "" || !strings.Contains(stderr, "OUT must end in .jpg, .jpeg or .png") {
		t.Errorf("OUT .gif: exit %d, stdout %q, stderr %q", code, stdout, stderr)
	}
	if _, err := os.Stat(gif); !os.IsNotExist(err) {
		t.Error("OUT .gif was written")
	}
}

func TestCardUnwritableOut(t *testing.T) {
	in := cardPhoto(t, "front.jpg")
	out := filepath.Join(t.TempDir(), "no-such-dir", "card.jpg")
	code, stdout, stderr := runCardCmd(t, in, out)
	if code != ExitFailed || stdout != "" || !strings.HasPrefix(stderr, "card: write "+out) {
		t.Errorf("exit %d, stdout %q, stderr %q", code, stdout, stderr)
	}
}
