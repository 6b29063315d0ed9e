package main

import (
	"errors"
	"fmt"
	"image"
	"math"
	"path/filepath"

	"gocv.io/x/gocv"

	"gradphoto/imaging/card"
	"gradphoto/imaging/ocr"
	"gradphoto/internal/fixture"
)

// The card clips' timeline, in seconds.
const (
	tCardIn   = 0.15 // the card appears at the frame's lower corner
	tCardHeld = 1.6  // brought up and held still
	tCardOut  = 3.6  // taken away downwards
	cardLen   = 4.0
)

// demoCard is the portrait side's text: the kiosk's demo graduate (ui's
// demoGraduate), so the demo camera's card is read and found on the roster.
var demoCard = fixture.CardText{Name: "李晓明", Number: "110105200303150014", Sex: "男"}

// cardPose is the card at time t; back cards come from the other side.
func cardPose(t float64, back bool) fixture.CardScene {
	side := 1.0
	if back {
		side = -1
	}
	s := fixture.CardScene{Back: back, Hand: true, Surface: "wood", SurfaceSeed: 5, Noise: 2}
	if !back {
		s.Text = &demoCard
	}
	p := smooth(phase(t, tCardIn, tCardHeld-0.15))
	s.DX = side * lerp(0.85, 0.02, p)
	s.DY = lerp(0.8, 0.04, p)
	s.Width = lerp(0.48, 0.58, p)
	s.Roll = side * lerp(28, 4, p)
	s.TiltX = lerp(22, 7, p)
	s.TiltY = -side * lerp(18, 5, p)
	// a hand is never quite still: about a pixel and a tenth of a degree
	s.DX += 0.0009 * math.Sin(2*math.Pi*t/1.7)
	s.DY += 0.0012 * math.Sin(2*math.Pi*t/2.3+1)
	s.Roll += 0.15 * math.Sin(2*math.Pi*t/1.9)
	if t > tCardOut {
		q := phase(t, tCardOut, cardLen)
		s.DY += 0.95 * q * q
		s.Roll += side * 10 * q
	}
	return s
}

// cardBlur: a quarter of the card centre's travel in one frame, in pixels.
func cardBlur(t float64, back bool) float64 {
	a, b := cardPose(t, back), cardPose(t+1.0/fps, back)
	d := math.Hypot((b.DX-a.DX)*1280, (b.DY-a.DY)*720) + 1280*math.Abs(b.Width-a.Width)
	if d < 2 {
		return 0
	}
	return math.Min(3, 0.25*d)
}

func cardClip(back bool) clip {
	name := "card-front.mp4"
	if back {
		name = "card-back.mp4"
	}
	return clip{
		name: name, size: image.Pt(1280, 720), frames: int(math.Round(cardLen * fps)),
		render: func(i int) (gocv.Mat, error) {
			t := float64(i) / fps
			s := cardPose(t, back)
			s.Blur = cardBlur(t, back)
			s.Seed = uint64(5000 + i)
			f, err := fixture.ComposeCard(s)
			return f.Img, err
		},
		verify: func(v *verifier, path string) bool { return verifyCard(v, path, back) },
	}
}

func verifyCard(v *verifier, path string, back bool) bool {
	fmt.Printf("%s:\n", filepath.Base(path))
	want := card.Front
	if back {
		want = card.Back
	}
	faces := card.Faces(v.det)
	var (
		spans             []span
		heldOK, heldN     int
		minSharp, maxGlar = math.Inf(1), 0.0
		bad               string
	)
	var rd *ocr.Reader
	read := "not read"
	if !back {
		r, err := ocr.NewReader()
		if err != nil {
			fmt.Println("  FAIL", err)
			return false
		}
		defer r.Close()
		rd = r
	}
	readAt := int(math.Round((tCardHeld + tCardOut) / 2 * fps))
	n, rate, size, err := readClip(path, func(i int, m gocv.Mat) {
		t := float64(i) / fps
		c, err := card.Find(m, faces)
		if err == nil && rd != nil && i == readAt {
			if f, err := rd.ReadFront(c.Image); err == nil {
				read = f.Name + " " + f.Number
			}
		}
		what := "found"
		switch {
		case err != nil:
			what = "refused: " + refusal(err)
		case c.Side != want:
			what = "wrong side " + c.Side.String()
		case c.Blurry:
			what = "found, blurry"
		case c.Glary:
			what = "found, glare"
		}
		if t >= tCardHeld && t < tCardOut {
			heldN++
			if what == "found" {
				heldOK++
				minSharp, maxGlar = math.Min(minSharp, c.Sharpness), math.Max(maxGlar, c.Glare)
			} else if bad == "" {
				bad = fmt.Sprintf("%.2f s: %s", t, what)
			}
		}
		if err == nil {
			c.Close()
		}
		if k := len(spans); k > 0 && spans[k-1].what == what {
			spans[k-1].to = i + 1
		} else {
			spans = append(spans, span{i, i + 1, what})
		}
	})
	if err != nil {
		fmt.Println("  FAIL", err)
		return false
	}
	ok := verdict(n == int(math.Round(cardLen*fps)) && math.Abs(rate-fps) < 0.01 && size == image.Pt(1280, 720),
		"%d frames (%.2f s) at %.0f fps, %d×%d", n, float64(n)/fps, rate, size.X, size.Y)
	ok = verdict(fileKB(path) < 600, "%.0f KB (< 600 KB)", fileKB(path)) && ok
	fmt.Println("  card.Find, frame by frame:")
	for _, s := range spans {
		fmt.Printf("       %5.2f–%5.2f s  %s\n", float64(s.from)/fps, float64(s.to)/fps, s.what)
	}
	ok = verdict(heldN > 0 && heldOK == heldN,
		"held (%.1f–%.1f s): %d of %d frames found as the %s, sharpness ≥ %.0f (min %.0f), glare ≤ %.1f %% (max %.2f %%) %s",
		tCardHeld, tCardOut, heldOK, heldN, want, card.MinSharpness, minSharp, 100*card.MaxGlare, 100*maxGlar, bad) && ok
	if rd != nil {
		wantRead := demoCard.Name + " " + demoCard.Number
		ok = verdict(read == wantRead, "read at %.1f s: %q (want %q)", float64(readAt)/fps, read, wantRead) && ok
	}
	return ok
}

// refusal names FindCard's reason briefly.
func refusal(err error) string {
	for _, r := range []struct {
		err  error
		name string
	}{{card.ErrNoCard, "no card"}, {card.ErrTooSmall, "too small"}, {card.ErrCutOff, "cut off"}, {card.ErrSkewed, "skewed"}} {
		if errors.Is(err, r.err) {
			return r.name
		}
	}
	return err.Error()
}
