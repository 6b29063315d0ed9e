package face

import (
	"fmt"
	"image"
	"math"
	"os"

	"gocv.io/x/gocv"

	"gradphoto/assets"
)

// Mode chooses between speed and accuracy.
type Mode int

const (
	// Live is for one camera frame: one inference on the frame's central
	// square (side = the shorter side). A face outside that square, or cut
	// by its edge, is outside any photo crop anyway. ≈ 4 ms on one core for
	// a 720p frame, Eyes included when the irises are clear (the Haar
	// cascades add 1–3 ms when they are not, e.g. behind glasses).
	Live Mode = iota
	// Still is for a photo to standardise, any size and aspect: the whole
	// image letterboxed, squares of the short side across an oblong image,
	// overlapping tiles of 2/3 of that when those find nothing, then one
	// more inference centred on each face for precise key points (a face it
	// does not confirm is dropped). ≈ 20 ms for a 1080p still with a face,
	// ≈ 60 ms without one (the tiles run).
	Still
)

// MinImageSide is the smallest image side Detect accepts.
const MinImageSide = 32

// Interpolation of the resize to the model's 128×128 input. Measured on the
// fixtures placed in 720p frames (faces 180–400 px): INTER_LINEAR finds the
// same faces with the same key-point error as INTER_AREA (mean 2.4 % vs
// 2.3 % of the face width) at 0.05 ms instead of 1.3 ms per 720×720 square,
// so Live uses it; Still, accuracy first and up to 15× reductions, keeps
// INTER_AREA's proper anti-aliasing.
const (
	liveInterp  = gocv.InterpolationLinear
	stillInterp = gocv.InterpolationArea
)

// Model files inside assets.Models.
const (
	modelFile        = "models/blazeface_front_128.onnx"
	eyeCascadeFile   = "models/haarcascade_eye.xml"
	glassCascadeFile = "models/haarcascade_eye_tree_eyeglasses.xml"
)

// Detector finds faces and eyes. It owns OpenCV objects and scratch
// buffers: it is NOT safe for concurrent use (give each goroutine its own
// Detector), and must be closed.
type Detector struct {
	net       gocv.Net
	eyes      gocv.CascadeClassifier // haarcascade_eye
	glassEyes gocv.CascadeClassifier // haarcascade_eye_tree_eyeglasses
	blob      gocv.Mat               // the model input, [1,128,128,3] float32
	small     gocv.Mat               // scratch: the resized crop
	gray      gocv.Mat               // scratch: an eye region in grey
	patch     gocv.Mat               // scratch: the normalised eye patch
	opened    gocv.Mat               // scratch: the patch without catchlights
	kernel    gocv.Mat               // the catchlight-removing opening's square
	outNames  []string
	interp    gocv.InterpolationFlags // of the model input's resize, set per Detect
	pyr       [4]gocv.Mat             // Still: the image reduced 2×, 4×, 8×, 16×
	levels    int                     // how many of pyr hold the current image
	closed    bool
}

// NewDetector loads the embedded BlazeFace model and Haar eye cascades.
func NewDetector() (*Detector, error) {
	d := &Detector{outNames: outputNames()}
	if err := d.loadNet(); err != nil {
		return nil, fmt.Errorf("face: new detector: %w", err)
	}
	d.allocate()
	if err := loadCascade(&d.eyes, eyeCascadeFile); err != nil {
		d.Close()
		return nil, fmt.Errorf("face: new detector: %w", err)
	}
	if err := loadCascade(&d.glassEyes, glassCascadeFile); err != nil {
		d.Close()
		return nil, fmt.Errorf("face: new detector: %w", err)
	}
	return d, nil
}

// allocate makes the cascades and the scratch Mats (Close frees them).
func (d *Detector) allocate() {
	d.eyes = gocv.NewCascadeClassifier()
	d.glassEyes = gocv.NewCascadeClassifier()
	d.blob = gocv.NewMatWithSizes([]int{1, inputSide, inputSide, 3}, gocv.MatTypeCV32F)
	d.small = gocv.NewMat()
	d.gray = gocv.NewMat()
	d.patch = gocv.NewMat()
	d.opened = gocv.NewMat()
	k := 2*catchlightRadius + 1
	d.kernel = gocv.GetStructuringElement(gocv.MorphRect, image.Pt(k, k))
	for i := range d.pyr {
		d.pyr[i] = gocv.NewMat()
	}
}

func (d *Detector) loadNet() error {
	b, err := assets.Models.ReadFile(modelFile)
	if err != nil {
		return fmt.Errorf("%w: %v", ErrModel, err)
	}
	net, err := gocv.ReadNetFromONNXBytes(b)
	if err != nil {
		return fmt.Errorf("%w: %s: %v", ErrModel, modelFile, err)
	}
	if net.Empty() {
		net.Close()
		return fmt.Errorf("%w: %s: empty network", ErrModel, modelFile)
	}
	if err := checkOutputs(&net); err != nil {
		net.Close()
		return err
	}
	d.net = net
	return nil
}

// checkOutputs makes sure the network has the output layers decode reads.
func checkOutputs(net *gocv.Net) error {
	have := map[string]bool{}
	for _, id := range net.GetUnconnectedOutLayers() {
		l := net.GetLayer(id)
		have[l.GetName()] = true
		l.Close()
	}
	for _, n := range outputNames() {
		if !have[n] {
			return fmt.Errorf("%w: %s: no output %q", ErrModel, modelFile, n)
		}
	}
	return nil
}

// loadCascade writes an embedded cascade to a temporary file (OpenCV loads
// cascades only from files), loads it and removes the file.
func loadCascade(c *gocv.CascadeClassifier, name string) error {
	b, err := assets.Models.ReadFile(name)
	if err != nil {
		return fmt.Errorf("%w: %v", ErrModel, err)
	}
	f, err := os.CreateTemp("", "gradphoto-cascade-*.xml")
	if err != nil {
		return fmt.Errorf("%w: %s: %v", ErrModel, name, err)
	}
	defer os.Remove(f.Name())
	_, err = f.Write(b)
	if cerr := f.Close(); err == nil {
		err = cerr
	}
	if err != nil {
		return fmt.Errorf("%w: %s: %v", ErrModel, name, err)
	}
	if !c.Load(f.Name()) {
		return fmt.Errorf("%w: %s: cascade did not load", ErrModel, name)
	}
	return nil
}

// Close releases the models and buffers. Closing twice is harmless.
func (d *Detector) Close() error {
	if d.closed {
		return nil
	}
	d.closed = true
	d.net.Close()
	d.eyes.Close()
	d.glassEyes.Close()
	d.blob.Close()
	d.small.Close()
	d.gray.Close()
	d.patch.Close()
	d.opened.Close()
	d.kernel.Close()
	for i := range d.pyr {
		d.pyr[i].Close()
	}
	return nil
}

// Detect returns the faces in a BGR 8UC3 image (at least 32×32), best
// (highest score) first; an empty slice when there is none.
func (d *Detector) Detect(img gocv.Mat, mode Mode) ([]Face, error) {
	if d.closed {
		return nil, fmt.Errorf("face: detect: %w", ErrClosed)
	}
	if err := checkImage(img); err != nil {
		return nil, fmt.Errorf("face: detect: %w", err)
	}
	var dets []raw
	var err error
	switch mode {
	case Live:
		d.interp, d.levels = liveInterp, 0
		dets, err = d.detectLive(img)
	case Still:
		d.interp = stillInterp
		d.buildPyramid(img)
		dets, err = d.detectStill(img)
	default:
		return nil, fmt.Errorf("face: detect: %w: %d", ErrBadMode, mode)
	}
	if err != nil {
		return nil, fmt.Errorf("face: detect: %w", err)
	}
	faces := make([]Face, 0, len(dets))
	for _, r := range dets {
		faces = append(faces, r.face())
	}
	return faces, nil
}

// checkImage rejects what would make OpenCV throw (and abort the process).
func checkImage(img gocv.Mat) error {
	if img.Ptr() == nil || img.Empty() {
		return fmt.Errorf("%w: empty", ErrBadImage)
	}
	if img.Type() != gocv.MatTypeCV8UC3 {
		return fmt.Errorf("%w: type %v", ErrBadImage, img.Type())
	}
	if img.Rows() < MinImageSide || img.Cols() < MinImageSide {
		return fmt.Errorf("%w: %d×%d", ErrBadImage, img.Cols(), img.Rows())
	}
	return nil
}

// face converts a detection in image pixels into a Face.
func (r raw) face() Face {
	pt := func(k int) Point { return Point{r.keys[k][0], r.keys[k][1]} }
	return Face{
		Box:      Rect{X: r.cx - r.w/2, Y: r.cy - r.h/2, W: r.w, H: r.h},
		Score:    r.score,
		RightEye: pt(0),
		LeftEye:  pt(1),
		Nose:     pt(2),
		Mouth:    pt(3),
		RightEar: pt(4),
		LeftEar:  pt(5),
	}
}

// centralSquare is the largest square centred in the image.
func centralSquare(w, h int) image.Rectangle {
	s := min(w, h)
	x, y := (w-s)/2, (h-s)/2
	return image.Rect(x, y, x+s, y+s)
}

// letterbox is the smallest square centred on the image that holds it.
func letterbox(w, h int) image.Rectangle {
	s := max(w, h)
	x, y := (w-s)/2, (h-s)/2
	return image.Rect(x, y, x+s, y+s)
}

// infer runs the model on the square sq of img (sq may reach outside the
// image: the outside is padded black) and returns the detections in image
// pixels, merged. It reads from the coarsest prepared pyramid level that
// still has 2 pixels per model input pixel.
func (d *Detector) infer(img gocv.Mat, sq image.Rectangle) ([]raw, error) {
	src, k := d.level(img, sq.Dx())
	side := max(1, sq.Dx()/k)
	x, y := floorDiv(sq.Min.X, k), floorDiv(sq.Min.Y, k)
	return d.inferLevel(src, image.Rect(x, y, x+side, y+side), float64(k))
}

func floorDiv(a, k int) int { return int(math.Floor(float64(a) / float64(k))) }

// level picks the pyramid level for a square of the given side: the
// coarsest of the prepared levels on which the side is still at least
// 2·inputSide pixels; k is its reduction (a power of 2).
func (d *Detector) level(img gocv.Mat, side int) (gocv.Mat, int) {
	src, k := img, 1
	for _, l := range d.pyr[:d.levels] {
		if side/(2*k) < 2*inputSide {
			break
		}
		src, k = l, 2*k
	}
	return src, k
}

// buildPyramid prepares levels of img reduced 2×, 4×, … (exact 2× area
// reductions, OpenCV's fast path) down to a short side of 2·inputSide, so
// that the passes of Still resize from small images.
func (d *Detector) buildPyramid(img gocv.Mat) {
	d.levels = 0
	src := img
	for i := range d.pyr {
		w, h := src.Cols()/2, src.Rows()/2
		if min(w, h) < 2*inputSide {
			return
		}
		even := src.Region(image.Rect(0, 0, 2*w, 2*h))
		gocv.Resize(even, &d.pyr[i], image.Pt(w, h), 0, 0, gocv.InterpolationArea)
		even.Close()
		src = d.pyr[i]
		d.levels = i + 1
	}
}

// inferLevel runs the model on the square sq of src, a level reduced k
// times, and maps the detections to full-image pixels.
func (d *Detector) inferLevel(src gocv.Mat, sq image.Rectangle, k float64) ([]raw, error) {
	in := sq.Intersect(image.Rect(0, 0, src.Cols(), src.Rows()))
	side := float64(sq.Dx())
	if in.Empty() || side <= 0 {
		return nil, nil
	}
	sc := inputSide / side
	ox := min(inputSide-1, int(math.Round(float64(in.Min.X-sq.Min.X)*sc)))
	oy := min(inputSide-1, int(math.Round(float64(in.Min.Y-sq.Min.Y)*sc)))
	dw := max(1, min(inputSide-ox, int(math.Round(float64(in.Dx())*sc))))
	dh := max(1, min(inputSide-oy, int(math.Round(float64(in.Dy())*sc))))
	if err := d.prepare(src, in, image.Rect(ox, oy, ox+dw, oy+dh)); err != nil {
		return nil, err
	}
	dets, err := d.forward()
	if err != nil {
		return nil, err
	}
	// Map from input-square units back to image pixels through the content
	// rectangle (exact, whatever the rounding of dw, dh) and the level's
	// reduction (level pixel i covers image pixels k·i … k·i+k−1).
	fx, fy := k*float64(in.Dx())/float64(dw), k*float64(in.Dy())/float64(dh)
	mx := func(u float64) float64 { return k*float64(in.Min.X) + (u*inputSide-float64(ox))*fx - 0.5 }
	my := func(v float64) float64 { return k*float64(in.Min.Y) + (v*inputSide-float64(oy))*fy - 0.5 }
	for i := range dets {
		r := &dets[i]
		r.cx, r.cy, r.w, r.h = mx(r.cx), my(r.cy), r.w*inputSide*fx, r.h*inputSide*fy
		for j := range numKeys {
			r.keys[j] = [2]float64{mx(r.keys[j][0]), my(r.keys[j][1])}
		}
	}
	return weightedNMS(dets), nil
}

// prepare resizes the image region in into the rectangle dst of the model
// input and fills the input blob (RGB, [-1,1], black padding).
func (d *Detector) prepare(img gocv.Mat, in, dst image.Rectangle) error {
	region := img.Region(in)
	gocv.Resize(region, &d.small, dst.Size(), 0, 0, d.interp)
	region.Close()
	if d.small.Cols() != dst.Dx() || d.small.Rows() != dst.Dy() || !d.small.IsContinuous() {
		return fmt.Errorf("%w: resize gave %d×%d", ErrModel, d.small.Cols(), d.small.Rows())
	}
	src, err := d.small.DataPtrUint8()
	if err != nil {
		return err
	}
	blob, err := d.blob.DataPtrFloat32()
	if err != nil || len(blob) != inputSide*inputSide*3 {
		return fmt.Errorf("%w: input blob has %d values", ErrModel, len(blob))
	}
	fillBlob(blob, src, dst)
	return nil
}

// fillBlob writes the BGR bytes src (dst.Dx()×dst.Dy()) into the RGB float
// blob at dst, scaled to [-1,1]; the rest of the blob is -1 (black).
func fillBlob(blob []float32, src []uint8, dst image.Rectangle) {
	for i := range blob {
		blob[i] = -1
	}
	w := dst.Dx()
	for y := 0; y < dst.Dy(); y++ {
		row := src[y*w*3 : (y+1)*w*3]
		out := blob[((dst.Min.Y+y)*inputSide+dst.Min.X)*3:]
		for x := 0; x < w; x++ {
			b, g, r := row[3*x], row[3*x+1], row[3*x+2]
			out[3*x] = float32(r)*(2.0/255) - 1
			out[3*x+1] = float32(g)*(2.0/255) - 1
			out[3*x+2] = float32(b)*(2.0/255) - 1
		}
	}
}

// forward runs the network on the prepared blob and decodes its outputs.
func (d *Detector) forward() ([]raw, error) {
	if sz := d.blob.Size(); len(sz) != 4 || sz[0] != 1 || sz[1] != inputSide || sz[2] != inputSide || sz[3] != 3 {
		return nil, fmt.Errorf("%w: input blob shape %v", ErrModel, sz)
	}
	d.net.SetInput(d.blob, "")
	outs := d.net.ForwardLayers(d.outNames)
	defer func() {
		for i := range outs {
			outs[i].Close()
		}
	}()
	if len(outs) != len(d.outNames) {
		return nil, fmt.Errorf("%w: %d outputs, want %d", ErrModel, len(outs), len(d.outNames))
	}
	return decode(outs)
}
