package spec

import (
	"encoding/json"
	"fmt"
)

// CheckID names one check. Live checks run on camera frames in
// the order of LiveOrder; photo checks run on a finished photo (and on the
// output of Standardise).
type CheckID string

// Live checks, in the order their hints are given.
const (
	CheckOneFace    CheckID = "one_face"
	CheckDistance   CheckID = "distance"
	CheckCentre     CheckID = "centre"
	CheckHeight     CheckID = "height"
	CheckLevel      CheckID = "level"
	CheckEyes       CheckID = "eyes"
	CheckLight      CheckID = "light"
	CheckSharp      CheckID = "sharp"
	CheckBackground CheckID = "background"
)

// Photo checks: the profile's rules measured on a finished photo.
const (
	CheckSize       CheckID = "size"        // pixel size equals the profile's
	CheckFileSize   CheckID = "file_kb"     // JPEG size inside the KB range
	CheckDPI        CheckID = "dpi"         // JFIF density
	CheckFaceWidth  CheckID = "face_width"  // px
	CheckEyeLine    CheckID = "eye_line"    // px from the top
	CheckHeadTop    CheckID = "head_top"    // px from the top
	CheckHeadHeight CheckID = "head_height" // px, head top to chin
	CheckBgColour   CheckID = "background_colour"
	CheckClean      CheckID = "clean_background" // no remnant of the old backdrop, no halo
)

// LiveOrder is the order of the live checks and of their hints.
var LiveOrder = []CheckID{CheckOneFace, CheckDistance, CheckCentre, CheckHeight, CheckLevel,
	CheckEyes, CheckLight, CheckSharp, CheckBackground}

// Hint is the translation key of a short instruction for the person in
// front of the camera (assets/translations: "hint.…").
type Hint string

// The hints, one per live check (and two for nobody / several people), in
// the words the graduate hears; the keys are in assets/translations.
const (
	HintNone       Hint = ""
	HintOneFace    Hint = "hint.one_face"   // 请只留一人在画面中
	HintNoFace     Hint = "hint.no_face"    // 请坐到摄像头前 (nobody in the frame yet)
	HintCloser     Hint = "hint.closer"     // 请靠近一点
	HintBack       Hint = "hint.back"       // 请后退一点
	HintLeft       Hint = "hint.left"       // 请向左移动
	HintRight      Hint = "hint.right"      // 请向右移动
	HintSeat       Hint = "hint.seat"       // 请调整座椅高度
	HintStraight   Hint = "hint.straight"   // 请摆正头部
	HintTurnLeft   Hint = "hint.turn_left"  // 请把脸稍向左转 (the person's own left)
	HintTurnRight  Hint = "hint.turn_right" // 请把脸稍向右转
	HintEyes       Hint = "hint.eyes"       // 请睁开双眼
	HintLight      Hint = "hint.light"      // 光线不均匀
	HintStill      Hint = "hint.still"      // 请保持不动
	HintBackground Hint = "hint.background" // 背景不纯净
)

// Check is one rule's outcome: the measured value against its limits.
// Min and Max are omitted (NaN-free) when the rule has no such bound.
type Check struct {
	ID    CheckID  `json:"id"`
	Pass  bool     `json:"pass"`
	Value float64  `json:"value"`
	Min   *float64 `json:"min,omitempty"`
	Max   *float64 `json:"max,omitempty"`
	Unit  string   `json:"unit"`
	Hint  Hint     `json:"hint,omitempty"` // what to tell the person when it fails
	Note  string   `json:"note,omitempty"` // how it was measured, or why it could not be
}

// Limits writes the check's bounds for people: "200–300", "≥ 40", "≤ 15",
// or "" when it has none.
func (c Check) Limits() string {
	switch {
	case c.Min != nil && c.Max != nil:
		return fmt.Sprintf("%g–%g", *c.Min, *c.Max)
	case c.Min != nil:
		return fmt.Sprintf("≥ %g", *c.Min)
	case c.Max != nil:
		return fmt.Sprintf("≤ %g", *c.Max)
	}
	return ""
}

// Report is every check of one frame or photo.
type Report struct {
	Profile string  `json:"profile,omitempty"` // the profile's Name the photo was checked against
	Checks  []Check `json:"checks"`
}

// Pass reports whether every check passed.
func (r Report) Pass() bool {
	for _, c := range r.Checks {
		if !c.Pass {
			return false
		}
	}
	return len(r.Checks) > 0
}

// Failed lists the checks that failed, in report order.
func (r Report) Failed() []Check {
	var out []Check
	for _, c := range r.Checks {
		if !c.Pass {
			out = append(out, c)
		}
	}
	return out
}

// Get returns the check with id.
func (r Report) Get(id CheckID) (Check, bool) {
	for _, c := range r.Checks {
		if c.ID == id {
			return c, true
		}
	}
	return Check{}, false
}

// Hint is the hint of the first failing check (HintNone when all pass).
func (r Report) Hint() Hint {
	for _, c := range r.Checks {
		if !c.Pass {
			return c.Hint
		}
	}
	return HintNone
}

// MarshalJSON adds the overall verdict and hint to the checks.
func (r Report) MarshalJSON() ([]byte, error) {
	return json.Marshal(struct {
		Profile string  `json:"profile,omitempty"`
		Pass    bool    `json:"pass"`
		Hint    Hint    `json:"hint,omitempty"`
		Checks  []Check `json:"checks"`
	}{r.Profile, r.Pass(), r.Hint(), r.Checks})
}

// Add appends a check.
func (r *Report) Add(c Check) { r.Checks = append(r.Checks, c) }
