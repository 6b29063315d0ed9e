package imaging

import (
	"fmt"
	"gradphoto/spec"
	"image"
	"math"
	"slices"

	"gocv.io/x/gocv"

	"gradphoto/imaging/face"
)

// Thresholds of the photo checks (run on a finished photo, the last step of
// standardisation).
const (
	maxPhotoRoll     = 3.0  // degrees: standardisation levels to ≤ 1°; measuring a photo's eye line scatters by ±2° (iris centres, gaze)
	maxBgColourDE    = 6.0  // ΔE of the background from the profile colour
	maxBgColourSprd  = 5.0  // RMS ΔE of the background (flat, up to JPEG noise)
	photoPersonDE    = 12.0 // ΔE from the background colour above which a pixel is the person
	photoHeadColumns = 0.25 // half-width (in face widths) of the columns searched for the head top
)

// CheckPhoto runs every rule of profile p on a finished photo file (JPEG
// bytes): pixel size, file size, dpi, one face, face width, eye line, head
// top (and head height), centring, level eyes, open eyes, light, sharpness
// and the background colour. It measures everything on the file itself.
func (e *Engine) CheckPhoto(data []byte, p spec.Profile) (spec.Report, error) {
	r, _, err := e.checkPhoto(data, p, 0, nil)
	return r, err
}

// checkPhoto is CheckPhoto that also returns the one face it measured (nil
// when there was not exactly one); left is what Standardise knows of old
// backdrop kept as person (% of the background) and near, when not nil,
// where it put the face (the face is then found with one inference around
// it, and searched for everywhere only if it is not there).
func (e *Engine) checkPhoto(data []byte, p spec.Profile, left float64, near *face.Face) (spec.Report, *face.Face, error) {
	img, err := Decode(data)
	if err != nil {
		return spec.Report{}, nil, fmt.Errorf("imaging: check photo: %w", err)
	}
	defer img.Close()
	r := spec.Report{Profile: p.Name}
	fileRules(&r, data, img, p)
	f, err := e.faceRules(&r, img, p, left, near)
	if err != nil {
		return spec.Report{}, nil, fmt.Errorf("imaging: check photo: %w", err)
	}
	return r, f, nil
}

// fileRules: pixel size, KB range and dpi.
func fileRules(r *spec.Report, data []byte, img gocv.Mat, p spec.Profile) {
	size := within(spec.CheckSize, float64(img.Cols()), float64(p.Width), float64(p.Width), "px wide", spec.HintNone)
	size.Pass = size.Pass && img.Rows() == p.Height
	size.Note = fmt.Sprintf("%d×%d, want %d×%d", img.Cols(), img.Rows(), p.Width, p.Height)
	r.Add(size)
	if p.MinKB > 0 || p.MaxKB > 0 {
		hi := float64(p.MaxKB)
		if p.MaxKB == 0 {
			hi = math.Inf(1)
		}
		r.Add(within(spec.CheckFileSize, float64(len(data))/1024, float64(p.MinKB), hi, "KB", spec.HintNone))
	}
	x, y := JFIFDensity(data)
	dpi := within(spec.CheckDPI, float64(x), float64(p.DPI), float64(p.DPI), "dpi", spec.HintNone)
	dpi.Pass = dpi.Pass && x == y
	r.Add(dpi)
}

// faceRules: everything measured on the face and around it; the face, when
// there is one.
func (e *Engine) faceRules(r *spec.Report, img gocv.Mat, p spec.Profile, left float64, near *face.Face) (*face.Face, error) {
	var faces []face.Face
	var err error
	if near != nil {
		faces, err = e.det.Track(img, *near)
		faces = significant(faces)
	}
	if err == nil && len(faces) == 0 {
		faces, err = e.stillFaces(img)
	}
	if err != nil {
		return nil, err
	}
	r.Add(within(spec.CheckOneFace, float64(len(faces)), 1, 1, "faces", spec.HintOneFace))
	ids := []spec.CheckID{spec.CheckEyes, spec.CheckFaceWidth, spec.CheckEyeLine, spec.CheckHeadTop, spec.CheckCentre, spec.CheckLevel,
		spec.CheckLight, spec.CheckSharp, spec.CheckBgColour, spec.CheckClean}
	if len(faces) != 1 {
		for _, id := range ids {
			r.Add(spec.Check{ID: id, Note: noteNeedsOneFace})
		}
		return nil, nil
	}
	f := faces[0]
	eyes, err := e.det.Eyes(img, &f)
	if err != nil {
		return nil, err
	}
	if near != nil && !eyes.Both() {
		// the tracked key points put an eye's patch a little off: look
		// again with the full search before calling an eye closed
		if f2, eyes2, ok := e.eyesAgain(img); ok && eyes2.Both() {
			f, eyes = f2, eyes2
		}
	}
	r.Add(eyesCheck(eyes))
	px, err := newLabPixels(img)
	if err != nil {
		return nil, err
	}
	geometryRules(r, f, p, px)
	light, sharp, err := faceQuality(img, f, strict, strict)
	if err != nil {
		return nil, err
	}
	r.Add(light)
	r.Add(sharp)
	bgc, option := bgColourCheck(px, f, p, headTopOf(r))
	r.Add(bgc)
	col, err := p.Colour(option)
	if err != nil {
		return nil, err
	}
	clean, err := cleanCheck(px, f, LabOf(col), left)
	if err != nil {
		return nil, err
	}
	r.Add(clean)
	return &f, nil
}

// eyesAgain finds the one face and its eyes with the full still search.
func (e *Engine) eyesAgain(img gocv.Mat) (face.Face, face.EyeState, bool) {
	faces, err := e.stillFaces(img)
	if err != nil || len(faces) != 1 {
		return face.Face{}, face.EyeState{}, false
	}
	f := faces[0]
	st, err := e.det.Eyes(img, &f)
	return f, st, err == nil
}

// headTopOf returns the measured head top of the report (0 when none).
func headTopOf(r *spec.Report) float64 {
	if c, ok := r.Get(spec.CheckHeadTop); ok && c.Unit != "" && c.Note == "" {
		return c.Value
	}
	return 0
}

// geometryRules: face width, eye line, head top, head height, centre, level.
func geometryRules(r *spec.Report, f face.Face, p spec.Profile, px labPixels) {
	if p.FaceWidth != nil {
		r.Add(within(spec.CheckFaceWidth, f.Width(), p.FaceWidth.Min, p.FaceWidth.Max, "px", spec.HintNone))
	}
	if p.EyeLine != nil {
		r.Add(within(spec.CheckEyeLine, f.EyeMid().Y, p.EyeLine.Min, p.EyeLine.Max, "px from top", spec.HintNone))
	}
	top, ok := photoHeadTop(px, f)
	switch {
	case !ok:
		r.Add(spec.Check{ID: spec.CheckHeadTop, Unit: "px from top", Note: "head top not found against the background"})
	case p.HeadTop != nil:
		r.Add(within(spec.CheckHeadTop, top, p.HeadTop.Min, p.HeadTop.Max, "px from top", spec.HintNone))
	}
	if ok && p.HeadHeight != nil {
		r.Add(within(spec.CheckHeadHeight, f.Chin().Y-top, p.HeadHeight.Min, p.HeadHeight.Max, "px", spec.HintNone))
	}
	off := (f.Centre().X - float64(px.w)/2) / float64(px.w) * 100
	tol := p.CentreTolerance * 100
	r.Add(within(spec.CheckCentre, off, -tol, tol, "% of width", spec.HintNone))
	r.Add(levelCheck(f.Roll(), f.Yaw(), maxPhotoRoll))
}

// photoHeadTop finds the head top of a finished photo: the background colour
// is read above the head, and the head top is the highest row (10th
// percentile over the head's central columns) that differs from it.
func photoHeadTop(px labPixels, f face.Face) (float64, bool) {
	cx, fw, eyeY := f.Centre().X, f.Width(), f.EyeMid().Y
	x0, x1 := max(0, int(cx-photoHeadColumns*fw)), min(px.w-1, int(cx+photoHeadColumns*fw))
	bg := px.regionStats(image.Rect(0, 0, px.w, max(2, min(12, int(eyeY/8)))))
	var tops []int
	for x := x0; x <= x1; x++ {
		for y := 0; y < int(eyeY); y++ {
			if DeltaE(px.at(x, y), bg.Mean) > photoPersonDE {
				tops = append(tops, y)
				break
			}
		}
	}
	if len(tops) == 0 {
		return 0, false
	}
	slices.Sort(tops)
	return float64(tops[len(tops)/10]), true
}

// bgColourCheck: the background beside and above the head is one of the
// profile's colours, flat.
func bgColourCheck(px labPixels, f face.Face, p spec.Profile, headTop float64) (spec.Check, string) {
	st := px.regionStats(photoBands(f, px.w, px.h, headTop)...)
	if st.N < 100 {
		return spec.Check{ID: spec.CheckBgColour, Unit: "ΔE", Note: "background hardly visible"}, ""
	}
	best, name := math.Inf(1), ""
	for _, n := range p.BackgroundOptions() {
		if d := DeltaE(st.Mean, LabOf(p.Backgrounds[n])); d < best {
			best, name = d, n
		}
	}
	c := atMost(spec.CheckBgColour, best, maxBgColourDE, "ΔE", spec.HintBackground)
	c.Note = fmt.Sprintf("closest: %s; spread ΔE %.1f (≤ %.0f)", name, st.Spread, maxBgColourSprd)
	c.Pass = c.Pass && st.Spread <= maxBgColourSprd
	return c, name
}

// photoBands are the background of a finished photo: above the head top,
// and beside the head (beyond one face width from its centre) down to the
// eyes, keeping 4 px away from the person.
func photoBands(f face.Face, w, h int, headTop float64) []image.Rectangle {
	fw, cx, ey := f.Width(), f.Centre().X, f.EyeMid().Y
	rs := []image.Rectangle{
		image.Rect(0, 0, int(cx-fw), int(ey)),
		image.Rect(int(math.Ceil(cx+fw)), 0, w, int(ey)),
	}
	if headTop > 4 {
		rs = append(rs, image.Rect(0, 0, w, int(headTop)-4))
	}
	var out []image.Rectangle
	for _, r := range rs {
		if r = r.Intersect(image.Rect(0, 0, w, h)); !r.Empty() {
			out = append(out, r)
		}
	}
	return out
}
