// Command kioskwalk walks the kiosk's real window as a graduate alone at
// a touch screen would: it only looks (a screenshot, read with Tesseract)
// and taps (xdotool clicks on the words it reads), never types. It runs
// against a kiosk already on the X display $DISPLAY and writes a
// screenshot of every step into the output folder. It exits non-zero, with
// the last screenshot and what it read, when a step's words never appear:
// the place where a graduate would be stuck.
//
//	kioskwalk -lang zh-CN -out DIR
package main

import (
	"bufio"
	"bytes"
	"errors"
	"flag"
	"fmt"
	"image"
	"image/png"
	"os"
	"os/exec"
	"path/filepath"
	"sort"
	"strconv"
	"strings"
	"time"
	"unicode"
)

// step waits until the screen shows want (or the step's timeout passes),
// saves the screenshot as name, then taps tap ("" taps nothing; payOnPhone
// reads the QR code on the screen and pays it, as the graduate's phone).
type step struct {
	name, want, tap string
	within          time.Duration
}

// walks are the graduate's way through the kiosk in each language: start,
// accept the notice, the ID card read off the demo camera, "是我本人",
// the emblem side and the photo by themselves, accept, submit, the
// receipt, done — back at the start.
var walks = map[string][]step{
	"zh-CN": {
		{"welcome", "开始采集", "开始采集", 60 * time.Second},
		{"consent", "个人信息保护告知", "我已阅读并同意", 10 * time.Second},
		{"consent-ticked", "同意并继续", "同意并继续", 10 * time.Second},
		{"identity-read", "已从身份证读取号码", "下一步", 60 * time.Second},
		{"eligibility", "是您本人吗", "是我本人", 10 * time.Second},
		{"standardise", "使用这张照片", "使用这张照片", 90 * time.Second},
		{"confirm", "审核通过后照片将无法更改", "确认提交", 10 * time.Second},
		{"receipt", "提交码", "完成", 10 * time.Second},
		{"welcome-again", "开始采集", "", 10 * time.Second},
	},
	"en": {
		{"welcome", "Start", "Start", 60 * time.Second},
		{"consent", "Privacy notice", "I have read", 10 * time.Second},
		{"consent-ticked", "Accept and continue", "Accept and continue", 10 * time.Second},
		{"identity-read", "was read from your ID card", "Next", 60 * time.Second},
		{"eligibility", "Is this you", "Yes, it's me", 10 * time.Second},
		{"standardise", "Use this photo", "Use this photo", 90 * time.Second},
		{"confirm", "no longer be changed", "Submit", 10 * time.Second},
		{"receipt", "Submission code", "Done", 10 * time.Second},
		{"welcome-again", "Start", "", 10 * time.Second},
	},
}

// payOnPhone is the tap of the payment step: the phone, not the screen.
const payOnPhone = "<phone pays>"

// paid inserts the Service and Payment screens after "是我本人" into a
// walk: the kiosk is enrolled with a server that takes payment (sandbox).
func paid(lang string, steps []step) []step {
	extra := map[string][]step{
		"zh-CN": {{"services", "选择服务", "去缴费", 30 * time.Second}, {"payment", "扫码缴费", payOnPhone, 30 * time.Second}},
		"en":    {{"services", "Choose your services", "Go to payment", 30 * time.Second}, {"payment", "Pay by QR code", payOnPhone, 30 * time.Second}},
	}[lang]
	var out []step
	for _, s := range steps {
		out = append(out, s)
		if s.name == "eligibility" {
			out = append(out, extra...)
		}
	}
	return out
}

func main() {
	lang := flag.String("lang", "zh-CN", "the kiosk's language: zh-CN or en")
	out := flag.String("out", "/tmp/gradphoto-walk", "folder for the screenshots")
	flag.BoolVar(&keepAll, "keep", false, "keep every screenshot taken while waiting, not only each step's last")
	pay := flag.Bool("pay", false, "the kiosk takes payment: walk the Service and Payment screens, pay the QR code as a phone")
	flag.Parse()
	steps, ok := walks[*lang]
	if *pay {
		steps = paid(*lang, steps)
	}
	if !ok {
		fmt.Fprintf(os.Stderr, "kioskwalk: no walk in %q\n", *lang)
		os.Exit(2)
	}
	if err := os.MkdirAll(*out, 0o755); err != nil {
		fmt.Fprintln(os.Stderr, "kioskwalk:", err)
		os.Exit(1)
	}
	ocrLang := "chi_sim" // (+eng reads the Chinese buttons worse)
	if *lang == "en" {
		ocrLang = "eng"
	}
	for i, s := range steps {
		shot := filepath.Join(*out, fmt.Sprintf("%02d-%s-%s.png", i+1, s.name, *lang))
		start := time.Now()
		words, err := waitFor(s.want, s.within, shot, ocrLang)
		if err != nil {
			fmt.Fprintf(os.Stderr, "kioskwalk: %s (%s): %v\nread on screen: %s\n", s.name, shot, err, line(words))
			os.Exit(1)
		}
		fmt.Printf("%-15s %5.1f s  %s\n", s.name, time.Since(start).Seconds(), shot)
		if s.tap == "" {
			continue
		}
		if s.tap == payOnPhone {
			if err := payQR(shot); err != nil {
				fmt.Fprintf(os.Stderr, "kioskwalk: %s (%s): %v\n", s.name, shot, err)
				os.Exit(1)
			}
			continue
		}
		at, ok := findTap(words, s.tap)
		if !ok {
			fmt.Fprintf(os.Stderr, "kioskwalk: %s: no %q to tap\nread on screen: %s\n", s.name, s.tap, line(words))
			os.Exit(1)
		}
		if err := run("xdotool", "mousemove", strconv.Itoa(at.X), strconv.Itoa(at.Y), "click", "1"); err != nil {
			fmt.Fprintln(os.Stderr, "kioskwalk:", err)
			os.Exit(1)
		}
		time.Sleep(700 * time.Millisecond) // the tap's screen paints
	}
}

// word is a word Tesseract read, with its box on the screen.
type word struct {
	text string
	box  image.Rectangle
	line string // Tesseract's block.paragraph.line, or "button.N" for a button read alone
}

// keepAll: -keep.
var keepAll bool

// waitFor screenshots the screen into shot until its words contain want.
func waitFor(want string, within time.Duration, shot, lang string) ([]word, error) {
	deadline := time.Now().Add(within)
	for try := 1; ; try++ {
		if keepAll && try > 1 {
			os.Rename(shot, fmt.Sprintf("%s.%02d.png", strings.TrimSuffix(shot, ".png"), try-1))
		}
		if err := run("import", "-window", "root", shot); err != nil {
			return nil, err
		}
		words, err := readBoth(shot, lang)
		if err != nil {
			return nil, err
		}
		if _, ok := find(words, want); ok {
			return words, nil
		}
		if time.Now().After(deadline) {
			return words, fmt.Errorf("%q not on screen after %v", want, within)
		}
		time.Sleep(500 * time.Millisecond)
	}
}

// readBoth reads the screenshot, then each filled button on it alone:
// Tesseract misses white words on the kiosk's blue buttons in a whole
// screen, and reads them well cut out, negated, as black on white.
func readBoth(png, lang string) ([]word, error) {
	words, err := read(png, lang, "11")
	if err != nil {
		return nil, err
	}
	img, err := decodePNG(png)
	if err != nil {
		return nil, err
	}
	for i, r := range filledButtons(img) {
		cut := fmt.Sprintf("%s.button%d.png", strings.TrimSuffix(png, ".png"), i)
		in := r.Inset(8) // inside the rounded corners, which the negative makes black
		err := run("convert", png, "-crop", fmt.Sprintf("%dx%d+%d+%d", in.Dx(), in.Dy(), in.Min.X, in.Min.Y), "+repage",
			"-colorspace", "Gray", "-negate", "-threshold", "45%", cut)
		if err != nil {
			return nil, err
		}
		got, err := read(cut, lang, "7")
		os.Remove(cut)
		if err != nil {
			return nil, err
		}
		var text strings.Builder
		for _, w := range got {
			text.WriteString(w.text)
		}
		if text.Len() > 0 {
			words = append(words, word{text: text.String(), box: r, line: fmt.Sprintf("button.%d", i)})
		}
	}
	return words, nil
}

func decodePNG(path string) (image.Image, error) {
	f, err := os.Open(path)
	if err != nil {
		return nil, err
	}
	defer f.Close()
	img, err := png.Decode(f)
	if err != nil {
		return nil, fmt.Errorf("%s: %w", path, err)
	}
	return img, nil
}

// primary is the kiosk's button blue (ui's colPrimary).
var primary = [3]int{0x15, 0x65, 0xC0}

// filledButtons finds the blue buttons: connected areas of the primary
// colour at least 80×40 px, most of their box filled.
func filledButtons(img image.Image) []image.Rectangle {
	b := img.Bounds()
	const step = 2 // look at every other pixel: buttons are large
	w, h := b.Dx()/step, b.Dy()/step
	blue := make([]bool, w*h)
	for y := range h {
		for x := range w {
			r, g, bb, _ := img.At(b.Min.X+x*step, b.Min.Y+y*step).RGBA()
			d := abs(int(r>>8)-primary[0]) + abs(int(g>>8)-primary[1]) + abs(int(bb>>8)-primary[2])
			blue[y*w+x] = d < 60
		}
	}
	seen := make([]bool, w*h)
	var out []image.Rectangle
	for start := range blue {
		if !blue[start] || seen[start] {
			continue
		}
		box := image.Rect(start%w, start/w, start%w+1, start/w+1)
		n, stack := 0, []int{start}
		seen[start] = true
		for len(stack) > 0 {
			p := stack[len(stack)-1]
			stack = stack[:len(stack)-1]
			n++
			x, y := p%w, p/w
			box = box.Union(image.Rect(x, y, x+1, y+1))
			for _, q := range []int{p - 1, p + 1, p - w, p + w} {
				if q < 0 || q >= len(blue) || seen[q] || !blue[q] || (q == p-1 && x == 0) || (q == p+1 && x == w-1) {
					continue
				}
				seen[q] = true
				stack = append(stack, q)
			}
		}
		if box.Dx()*step >= 80 && box.Dy()*step >= 40 && n*10 >= box.Dx()*box.Dy()*6 {
			out = append(out, image.Rect(b.Min.X+box.Min.X*step, b.Min.Y+box.Min.Y*step,
				b.Min.X+box.Max.X*step, b.Min.Y+box.Max.Y*step))
		}
	}
	return out
}

// read runs Tesseract on the screenshot with a sparse-text page
// segmentation (psm 11 or 12), as a screen is.
func read(png, lang, psm string) ([]word, error) {
	cmd := exec.Command("tesseract", png, "stdout", "-l", lang, "--psm", psm, "tsv")
	cmd.Env = append(os.Environ(), "OMP_THREAD_LIMIT=1") // its threads only slow it down here
	var out, errb bytes.Buffer
	cmd.Stdout, cmd.Stderr = &out, &errb
	if err := cmd.Run(); err != nil {
		return nil, fmt.Errorf("tesseract: %v: %s", err, errb.String())
	}
	var words []word
	sc := bufio.NewScanner(&out)
	for sc.Scan() {
		f := strings.Split(sc.Text(), "\t")
		if len(f) < 12 || f[0] != "5" || strings.TrimSpace(f[11]) == "" {
			continue
		}
		n := make([]int, 4)
		for i := range n {
			n[i], _ = strconv.Atoi(f[6+i])
		}
		words = append(words, word{text: f[11], box: image.Rect(n[0], n[1], n[0]+n[2], n[1]+n[3]),
			line: f[2] + "." + f[3] + "." + f[4]})
	}
	return words, sc.Err()
}

// find looks for text in one row of words (letters and digits compared,
// case folded: Tesseract's stray marks and spaces do not matter) and
// returns the middle of the words that hold it. Rows are made from where
// the words are, not from Tesseract's blocks, which split a button's word.
func find(words []word, text string) (image.Point, bool) {
	return findExact(words, squash(text))
}

// findTap is find for a word to tap. A filled button that says it wins,
// else the lowest place on the screen (buttons are at the bottom; the same
// words higher up are a sentence quoting the button). When the whole word
// is not read, its longest beginning of at least 60 % (2 characters or
// more) is taken: Tesseract often misreads a button's last character
// ("下一步" as "下一纱").
func findTap(words []word, text string) (image.Point, bool) {
	want := []rune(squash(text))
	least := max(2, (len(want)*6+9)/10)
	var buttons, others []word
	for _, w := range words {
		if pass(w) {
			buttons = append(buttons, w)
		} else {
			others = append(others, w)
		}
	}
	for n := len(want); n >= least; n-- {
		if at, ok := findLowest(buttons, string(want[:n])); ok {
			return at, true
		}
		if at, ok := findLowest(others, string(want[:n])); ok {
			return at, true
		}
	}
	return image.Point{}, false
}

// findLowest is the lowest of the places where want is read.
func findLowest(words []word, want string) (image.Point, bool) {
	var best image.Point
	found := false
	for _, row := range rows(words) {
		if at, ok := findExact(row, want); ok && (!found || at.Y > best.Y) {
			best, found = at, true
		}
	}
	return best, found
}

func findExact(words []word, want string) (image.Point, bool) {
	for _, row := range rows(words) {
		var letters []rune
		var from []int
		for k, w := range row {
			for _, r := range squash(w.text) {
				letters, from = append(letters, r), append(from, k)
			}
		}
		s := string(letters)
		at := strings.Index(s, want)
		if at < 0 {
			continue
		}
		start := len([]rune(s[:at]))
		end := start + len([]rune(want)) - 1
		box := row[from[start]].box
		for k := from[start]; k <= from[end]; k++ {
			box = box.Union(row[k].box)
		}
		return image.Pt((box.Min.X+box.Max.X)/2, (box.Min.Y+box.Max.Y)/2), true
	}
	return image.Point{}, false
}

// rows groups the words of each pass (see readBoth) into rows: a word joins
// a row when its vertical middle is within half its height of the row's;
// each row runs left to right.
func rows(words []word) [][]word {
	sorted := append([]word(nil), words...)
	sort.SliceStable(sorted, func(i, j int) bool {
		if pi, pj := pass(sorted[i]), pass(sorted[j]); pi != pj {
			return !pi
		}
		return sorted[i].box.Min.Y+sorted[i].box.Max.Y < sorted[j].box.Min.Y+sorted[j].box.Max.Y
	})
	var out [][]word
	for _, w := range sorted {
		mid, half := (w.box.Min.Y+w.box.Max.Y)/2, max(4, w.box.Dy()/2)
		if n := len(out); n > 0 {
			last := out[n-1]
			r := last[0]
			if pass(r) == pass(w) && abs(mid-(r.box.Min.Y+r.box.Max.Y)/2) <= half {
				out[n-1] = append(last, w)
				continue
			}
		}
		out = append(out, []word{w})
	}
	for _, r := range out {
		sort.SliceStable(r, func(i, j int) bool { return r[i].box.Min.X < r[j].box.Min.X })
	}
	return out
}

// pass is which reading a word comes from: the screenshot (false) or a
// button read alone (true, each its own row).
func pass(w word) bool { return strings.HasPrefix(w.line, "button.") }

func abs(x int) int {
	if x < 0 {
		return -x
	}
	return x
}

func squash(s string) string {
	var b strings.Builder
	for _, r := range s {
		if unicode.IsLetter(r) || unicode.IsDigit(r) {
			b.WriteRune(unicode.ToLower(r))
		}
	}
	return b.String()
}

// line is what was read, row by row, for the failure message.
func line(words []word) string {
	var parts []string
	for _, r := range rows(words) {
		var b strings.Builder
		for _, w := range r {
			b.WriteString(w.text)
		}
		parts = append(parts, b.String())
	}
	return strings.Join(parts, " | ")
}

func run(name string, args ...string) error {
	out, err := exec.Command(name, args...).CombinedOutput()
	if err != nil {
		return errors.New(name + ": " + err.Error() + ": " + strings.TrimSpace(string(out)))
	}
	return nil
}
