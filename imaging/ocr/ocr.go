// Package ocr reads the ID number and the name from the portrait side of a
// 居民身份证, as imaging/card flattens it (card.Width × card.Height), with
// Tesseract (Debian's tesseract-ocr and tesseract-ocr-chi-sim, through
// gosseract). It only reads: whether a number is valid (its check
// character) is the caller's to decide, and what is read is shown to the
// graduate to confirm or correct.
package ocr

import (
	"errors"
	"fmt"
	"image"
	"image/color"
	"strings"
	"sync"
	"unicode"

	"github.com/otiai10/gosseract/v2"
	"gocv.io/x/gocv"
)

// ErrNotCard: the image is not a flattened card of the expected size.
var ErrNotCard = errors.New("ocr: not a flattened card image")

// Where the fields are on the portrait side, as fractions of the card
// (85.6 × 54 mm): the name right of its label at the top, the number right
// of "公民身份号码" at the bottom.
var (
	nameBox   = box{0.165, 0.075, 0.64, 0.225}
	numberBox = box{0.31, 0.79, 0.985, 0.935}
)

type box struct{ x0, y0, x1, y1 float64 }

func (b box) in(w, h int) image.Rectangle {
	return image.Rect(int(b.x0*float64(w)), int(b.y0*float64(h)), int(b.x1*float64(w)), int(b.y1*float64(h)))
}

// Front is what was read from the portrait side; a field that could not
// be read is "".
type Front struct {
	Number string // 0–9 and X as read, spaces dropped; not validated
	Name   string // Han characters and the ethnic-name dot ·
}

// Reader reads cards; one at a time (Tesseract's engine is not safe for
// concurrent use). Close it.
type Reader struct {
	mu     sync.Mutex
	digits *gosseract.Client
	names  *gosseract.Client
}

// NewReader starts the two engines (digits; simplified Chinese).
func NewReader() (*Reader, error) {
	r := &Reader{digits: gosseract.NewClient(), names: gosseract.NewClient()}
	err := errors.Join(
		r.digits.SetLanguage("eng"),
		r.digits.SetWhitelist("0123456789X"),
		r.digits.SetPageSegMode(gosseract.PSM_SINGLE_LINE),
		r.names.SetLanguage("chi_sim"),
		r.names.SetPageSegMode(gosseract.PSM_RAW_LINE),
	)
	if err != nil {
		r.Close()
		return nil, fmt.Errorf("ocr: start: %w", err)
	}
	return r, nil
}

// Close stops the engines.
func (r *Reader) Close() {
	r.mu.Lock()
	defer r.mu.Unlock()
	if r.digits != nil {
		r.digits.Close()
		r.names.Close()
		r.digits, r.names = nil, nil
	}
}

// ReadFront reads the number and the name from a flattened portrait side
// (BGR). A field Tesseract finds nothing in stays "".
func (r *Reader) ReadFront(card gocv.Mat) (Front, error) {
	if card.Empty() || card.Cols() < 400 || card.Rows() < 250 || card.Channels() != 3 {
		return Front{}, ErrNotCard
	}
	r.mu.Lock()
	defer r.mu.Unlock()
	if r.digits == nil {
		return Front{}, errors.New("ocr: reader closed")
	}
	number, err := r.read(r.digits, card, numberField)
	if err != nil {
		return Front{}, err
	}
	name, err := r.readName(card)
	if err != nil {
		return Front{}, err
	}
	return Front{Number: cleanNumber(number), Name: name}, nil
}

// read runs one engine on one field of the card.
func (r *Reader) read(c *gosseract.Client, card gocv.Mat, f fieldSpec) (string, error) {
	png, err := field(card, f)
	if err != nil {
		return "", err
	}
	if err := c.SetImageFromBytes(png); err != nil {
		return "", fmt.Errorf("ocr: %w", err)
	}
	text, err := c.Text()
	if err != nil {
		return "", fmt.Errorf("ocr: %w", err)
	}
	return text, nil
}

// readName reads the name from each of nameFields and keeps the reading
// most of them agree on (Tesseract's slips differ from one scale to the
// next; the first reading wins a tie).
func (r *Reader) readName(card gocv.Mat) (string, error) {
	votes := map[string]int{}
	best, most := "", 0
	for _, f := range nameFields {
		text, err := r.read(r.names, card, f)
		if err != nil {
			return "", err
		}
		name := cleanName(text)
		if name == "" {
			continue
		}
		votes[name]++
		if votes[name] > most {
			best, most = name, votes[name]
		}
	}
	return best, nil
}

// fieldSpec says where a field is and how to prepare it for Tesseract.
type fieldSpec struct {
	box    box
	height int     // the height the field (or its ink) is scaled to
	tight  bool    // cut to the ink first (the name: its length varies)
	binary bool    // black on white by Otsu's threshold (the number)
	soften float64 // Gaussian σ, in field px, after scaling (thin strokes read better a little soft)
}

// The fields, as measured on rendered cards (imaging/ocr's tests): the
// number reads best binarised at 96 px, the name in grey with its ink
// scaled to 72 px.
var (
	numberField = fieldSpec{box: numberBox, height: 96, binary: true}
	nameFields  = []fieldSpec{
		{box: nameBox, height: 72, tight: true, soften: 2},
		{box: nameBox, height: 64, tight: true, soften: 1.5},
		{box: nameBox, height: 84, tight: true, soften: 2.5},
		{box: nameBox, height: 72, tight: true},
		{box: nameBox, height: 56, tight: true, soften: 1.5},
	}
)

// field cuts the field out of the card as f says, grey, with a white
// margin (Tesseract misses characters that touch the edge), as PNG.
func field(card gocv.Mat, f fieldSpec) ([]byte, error) {
	roi := card.Region(f.box.in(card.Cols(), card.Rows()))
	defer roi.Close()
	grey := gocv.NewMat()
	defer func() { grey.Close() }() // grey is replaced by its cut below
	gocv.CvtColor(roi, &grey, gocv.ColorBGRToGray)
	if f.tight {
		if r := inkBounds(grey); r.Dx() > 4 && r.Dy() > 4 {
			sub := grey.Region(r)
			cut := sub.Clone()
			sub.Close()
			grey.Close()
			grey = cut
		}
	}
	scale := float64(f.height) / float64(grey.Rows())
	gocv.Resize(grey, &grey, image.Point{}, scale, scale, gocv.InterpolationCubic)
	if f.soften > 0 {
		gocv.GaussianBlur(grey, &grey, image.Point{}, f.soften, f.soften, gocv.BorderReplicate)
	}
	if f.binary {
		gocv.Threshold(grey, &grey, 0, 255, gocv.ThresholdBinary|gocv.ThresholdOtsu)
	}
	padded := gocv.NewMat()
	defer padded.Close()
	gocv.CopyMakeBorder(grey, &padded, 24, 24, 24, 24, gocv.BorderConstant, color.RGBA{R: 255, G: 255, B: 255, A: 255})
	buf, err := gocv.IMEncode(gocv.PNGFileExt, padded)
	if err != nil {
		return nil, fmt.Errorf("ocr: encode field: %w", err)
	}
	defer buf.Close()
	return append([]byte(nil), buf.GetBytes()...), nil
}

// inkBounds is the box around the dark print in grey (Otsu), with a
// 3 px margin; empty when there is none.
func inkBounds(grey gocv.Mat) image.Rectangle {
	ink := gocv.NewMat()
	defer ink.Close()
	gocv.Threshold(grey, &ink, 0, 255, gocv.ThresholdBinaryInv|gocv.ThresholdOtsu)
	pts := gocv.NewMat()
	defer pts.Close()
	gocv.FindNonZero(ink, &pts)
	if pts.Rows() == 0 {
		return image.Rectangle{}
	}
	r := image.Rectangle{Min: image.Pt(grey.Cols(), grey.Rows())}
	for i := 0; i < pts.Rows(); i++ {
		v := pts.GetVeciAt(i, 0)
		r = r.Union(image.Rect(int(v[0]), int(v[1]), int(v[0])+1, int(v[1])+1))
	}
	return r.Inset(-3).Intersect(image.Rect(0, 0, grey.Cols(), grey.Rows()))
}

// cleanNumber keeps the digits and X of what was read.
func cleanNumber(s string) string {
	return strings.Map(func(r rune) rune {
		if (r >= '0' && r <= '9') || r == 'X' {
			return r
		}
		return -1
	}, strings.ToUpper(s))
}

// cleanName keeps the Han characters, and writes as the ethnic-name dot ·
// a mark between two of them (Tesseract reads the dot as ·, ", ` or .).
func cleanName(s string) string {
	var out []rune
	pendingDot := false
	for _, r := range strings.TrimSpace(s) {
		switch {
		case unicode.Is(unicode.Han, r):
			if pendingDot && len(out) > 0 {
				out = append(out, '·')
			}
			out, pendingDot = append(out, r), false
		case strings.ContainsRune(dotLike, r):
			pendingDot = true
		}
	}
	return string(out)
}

// dotLike are the marks Tesseract makes of the ethnic-name dot.
const dotLike = "·•・.。\"`'‘’“”"
