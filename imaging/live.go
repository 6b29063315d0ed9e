package imaging

import (
	"math"
	"slices"

	"gocv.io/x/gocv"

	"gradphoto/imaging/face"
	"gradphoto/spec"
)

// Live runs the live checks frame after frame for one person in front of
// the camera, with a memory of the frames before:
//
//   - the pose and position are the medians of the last liveWindow frames
//     (a still face's estimates scatter by a degree or two and a few
//     pixels from frame to frame; the median holds still);
//   - every check has hysteresis: one that passed on the last frame fails
//     again only past a wider margin (loose), so a value sitting on a limit
//     does not flip the hint and cancel the countdown;
//   - the eyes are what most of the last three frames saw (one frame's
//     lost iris is not a closed eye; a blink in the burst is left out when
//     the sharpest frame is chosen).
//
// Not safe for concurrent use: one Live per camera run.
type Live struct {
	e  *Engine
	p  spec.Profile
	bd *Backdrop
	st liveState
}

// NewLive starts the live checks for profile p; bd is the calibrated
// backdrop or nil.
func (e *Engine) NewLive(p spec.Profile, bd *Backdrop) *Live {
	return &Live{e: e, p: p, bd: bd}
}

// Check runs the live checks on a frame (scale as for AnalyzeScaled).
func (l *Live) Check(frame gocv.Mat, scale float64) (spec.Report, error) {
	return l.e.analyze(frame, scale, l.p, l.bd, &l.st)
}

// Reset forgets the frames before (a new person).
func (l *Live) Reset() { l.st.forget() }

// liveWindow is how many frames the pose is the median of; a face that
// jumps by more than liveJump face widths starts afresh. The face is
// tracked (one inference around where it was) and looked for in the whole
// central square every fullEvery frames, so a second person stepping in is
// seen within that many frames.
const (
	liveWindow = 5
	liveJump   = 0.25
	fullEvery  = 4
)

// limits are the live checks' thresholds (the slack ones are added to the
// profile's ranges: a share of the face-width range, percentage points of
// centring, a share of the frame's height).
type limits struct {
	distance, centre, height                float64
	roll, yaw                               float64
	skew, lightLo, lightHi, clipped         float64
	sharp                                   float64
	bgGradient, bgSpread, bgDistance, share float64
}

// strict are the limits a check must meet to pass; loose the ones a check
// that passed on the last frame must break to fail.
var (
	strict = limits{roll: maxRoll, yaw: maxYaw, skew: maxLightSkew, lightLo: lightMin, lightHi: lightMax,
		clipped: maxClipped, sharp: minSharpness, bgGradient: plainGradient, bgSpread: plainSpread,
		bgDistance: maxBgDistance, share: minInliers}
	loose = limits{distance: 0.04, centre: 1.5, height: 0.02, roll: maxRoll + 1, yaw: maxYaw + 3,
		skew: maxLightSkew + 5, lightLo: lightMin - 5, lightHi: lightMax + 5, clipped: maxClipped + 0.5,
		sharp: 0.75 * minSharpness, bgGradient: plainGradient + 1.5, bgSpread: plainSpread + 1.5,
		bgDistance: maxBgDistance + 3, share: minInliers - 0.05}
)

// liveState is Live's memory; the nil *liveState is no memory (Analyze).
type liveState struct {
	poses  []livePose
	seen   []face.EyeState // the eyes of the last frames
	passed map[spec.CheckID]bool
	last   *face.Face // the face of the frame before (frame px), if one
	frames int        // frames since the last full search
}

// find looks for the faces of a frame: around the face of the frame before
// when there was one (and the full search is not due), else in the whole
// central square.
func (s *liveState) find(d *face.Detector, frame gocv.Mat) ([]face.Face, error) {
	if s != nil && s.last != nil && s.frames < fullEvery {
		s.frames++
		faces, err := d.Track(frame, *s.last)
		if err != nil || len(faces) > 0 {
			return faces, err
		}
	}
	if s != nil {
		s.frames = 0
	}
	return d.Detect(frame, face.Live)
}

// found keeps the frame's one face for tracking.
func (s *liveState) found(f face.Face) {
	if s != nil {
		s.last = &f
	}
}

// livePose is what is smoothed: the face (its position and size) and its
// roll and yaw.
type livePose struct {
	face      face.Face
	roll, yaw float64
}

// eyes adds a frame's eyes and returns, for each eye, what most of the
// last eyeVotes frames saw. Without memory it is the frame's.
func (s *liveState) eyes(e face.EyeState) face.EyeState {
	if s == nil {
		return e
	}
	s.seen = append(s.seen, e)
	if len(s.seen) > eyeVotes {
		s.seen = s.seen[len(s.seen)-eyeVotes:]
	}
	var r, l, rf, lf int
	for _, x := range s.seen {
		r, l, rf, lf = r+b2i(x.RightOpen), l+b2i(x.LeftOpen), rf+b2i(x.RightFound), lf+b2i(x.LeftFound)
	}
	most := func(n int) bool { return 2*n > len(s.seen) }
	return face.EyeState{RightOpen: most(r), LeftOpen: most(l), RightFound: most(rf), LeftFound: most(lf)}
}

// eyeVotes: frames the eyes are judged over.
const eyeVotes = 3

func b2i(b bool) int {
	if b {
		return 1
	}
	return 0
}

// limits are the thresholds for check id: loose when it passed last frame.
func (s *liveState) limits(id spec.CheckID) limits {
	if s != nil && s.passed[id] {
		return loose
	}
	return strict
}

// remember keeps which checks passed.
func (s *liveState) remember(r spec.Report) {
	if s == nil {
		return
	}
	s.passed = map[spec.CheckID]bool{}
	for _, c := range r.Checks {
		s.passed[c.ID] = c.Pass
	}
}

// forget drops the memory (nobody, several people, a new person).
func (s *liveState) forget() {
	if s != nil {
		*s = liveState{}
	}
}

// steady adds a frame's face and returns the pose to judge: the face moved
// to the median position and scaled to the median width of the last
// frames, with their median roll and yaw. Without memory it is the frame's.
func (s *liveState) steady(f face.Face) livePose {
	now := livePose{face: f, roll: f.Roll(), yaw: f.Yaw()}
	if s == nil {
		return now
	}
	if n := len(s.poses); n > 0 {
		last := s.poses[n-1].face
		if last.EyeMid().Dist(f.EyeMid()) > liveJump*last.Width() {
			s.poses = s.poses[:0]
		}
	}
	s.poses = append(s.poses, now)
	if len(s.poses) > liveWindow {
		s.poses = s.poses[len(s.poses)-liveWindow:]
	}
	med := func(get func(livePose) float64) float64 {
		v := make([]float64, len(s.poses))
		for i, p := range s.poses {
			v[i] = get(p)
		}
		slices.Sort(v)
		return v[len(v)/2]
	}
	w := med(func(p livePose) float64 { return p.face.Width() })
	ex := med(func(p livePose) float64 { return p.face.EyeMid().X })
	ey := med(func(p livePose) float64 { return p.face.EyeMid().Y })
	g := f.Scale(w / math.Max(1, f.Width()))
	m := g.EyeMid()
	return livePose{
		face: g.Shift(ex-m.X, ey-m.Y),
		roll: med(func(p livePose) float64 { return p.roll }),
		yaw:  med(func(p livePose) float64 { return p.yaw }),
	}
}
