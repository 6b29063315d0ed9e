package spec

import (
	"encoding/json"
	"errors"
	"fmt"
	"io/fs"
	"math"
	"os"
	"path/filepath"
	"sort"
	"strings"
)

// Range is a closed interval of output pixels (or of a ratio, as documented).
type Range struct{ Min, Max float64 }

// UnmarshalJSON reads a range written as [min, max].
func (r *Range) UnmarshalJSON(b []byte) error {
	var v []float64
	if err := json.Unmarshal(b, &v); err != nil || len(v) != 2 {
		return fmt.Errorf("range must be [min, max], got %s", b)
	}
	r.Min, r.Max = v[0], v[1]
	return nil
}

// MarshalJSON writes [min, max].
func (r Range) MarshalJSON() ([]byte, error) { return json.Marshal([]float64{r.Min, r.Max}) }

// Mid is the middle of the range: where standardisation aims.
func (r Range) Mid() float64 { return (r.Min + r.Max) / 2 }

// Contains reports whether v lies inside the range.
func (r Range) Contains(v float64) bool { return v >= r.Min && v <= r.Max }

// Clamp brings v into the range.
func (r Range) Clamp(v float64) float64 { return max(r.Min, min(r.Max, v)) }

// RGB is a colour written as [r, g, b].
type RGB struct{ R, G, B uint8 }

// UnmarshalJSON reads [r, g, b].
func (c *RGB) UnmarshalJSON(b []byte) error {
	var v []int
	if err := json.Unmarshal(b, &v); err != nil || len(v) != 3 {
		return fmt.Errorf("colour must be [r, g, b], got %s", b)
	}
	for _, x := range v {
		if x < 0 || x > 255 {
			return fmt.Errorf("colour component %d out of 0..255", x)
		}
	}
	c.R, c.G, c.B = uint8(v[0]), uint8(v[1]), uint8(v[2])
	return nil
}

// MarshalJSON writes [r, g, b].
func (c RGB) MarshalJSON() ([]byte, error) { return json.Marshal([]int{int(c.R), int(c.G), int(c.B)}) }

// RGBA makes RGB a color.Color (opaque).
func (c RGB) RGBA() (r, g, b, a uint32) {
	return uint32(c.R) * 0x101, uint32(c.G) * 0x101, uint32(c.B) * 0x101, 0xffff
}

// Profile is one photo specification (学历证书电子注册 2017 and the other
// collection channels; docs/ARCHITECTURE.md lists them): output size and file
// rules, the allowed backgrounds and the geometry of the head in output
// pixels. Profiles are data: assets/profiles/*.json, and operator files.
type Profile struct {
	Name        string            `json:"name"`
	Title       map[string]string `json:"title"` // by language: zh-CN, en
	Width       int               `json:"width"`
	Height      int               `json:"height"`
	DPI         int               `json:"dpi"`
	MinKB       int               `json:"min_kb"`      // 0: no lower bound
	MaxKB       int               `json:"max_kb"`      // 0: no upper bound
	MinQuality  int               `json:"min_quality"` // lowest JPEG quality allowed
	Backgrounds map[string]RGB    `json:"backgrounds"` // option → colour
	Background  string            `json:"default_background"`

	// Geometry in output pixels; nil when the profile does not constrain it.
	HeadTop    *Range `json:"head_top"`    // head top (hair included) from the top edge
	EyeLine    *Range `json:"eye_line"`    // eye line from the top edge
	FaceWidth  *Range `json:"face_width"`  // face width (ear to ear at the tragions)
	HeadHeight *Range `json:"head_height"` // head top to chin

	// CentreTolerance: the face centre may be this fraction of the width off centre.
	CentreTolerance float64 `json:"centre_tolerance"`
}

// ErrBadProfile wraps every reason a profile file is refused.
var ErrBadProfile = errors.New("bad profile")

// Colour returns the background colour of option ("" = the default).
func (p Profile) Colour(option string) (RGB, error) {
	if option == "" {
		option = p.Background
	}
	c, ok := p.Backgrounds[option]
	if !ok {
		return RGB{}, fmt.Errorf("%w: profile %s has no background %q (has %s)",
			ErrBadProfile, p.Name, option, strings.Join(p.BackgroundOptions(), ", "))
	}
	return c, nil
}

// BackgroundOptions lists the background options, sorted.
func (p Profile) BackgroundOptions() []string {
	out := make([]string, 0, len(p.Backgrounds))
	for k := range p.Backgrounds {
		out = append(out, k)
	}
	sort.Strings(out)
	return out
}

// Validate checks that the profile is complete and self-consistent.
func (p Profile) Validate() error {
	fail := func(format string, a ...any) error {
		return fmt.Errorf("%w %q: %s", ErrBadProfile, p.Name, fmt.Sprintf(format, a...))
	}
	switch {
	case p.Name == "":
		return fail("no name")
	case p.Width < 64 || p.Height < 64 || p.Width > 4000 || p.Height > 4000:
		return fail("size %dx%d out of 64..4000", p.Width, p.Height)
	case p.DPI <= 0:
		return fail("dpi must be positive")
	case p.MinKB < 0 || p.MaxKB < 0 || (p.MaxKB > 0 && p.MinKB > p.MaxKB):
		return fail("size range %d..%d KB", p.MinKB, p.MaxKB)
	case p.MinQuality < 1 || p.MinQuality > 100:
		return fail("min_quality %d out of 1..100", p.MinQuality)
	case len(p.Backgrounds) == 0:
		return fail("no backgrounds")
	case p.CentreTolerance <= 0 || p.CentreTolerance > 0.5:
		return fail("centre_tolerance %.3f out of (0, 0.5]", p.CentreTolerance)
	case p.FaceWidth == nil && p.HeadHeight == nil:
		return fail("needs face_width or head_height to scale the face")
	case p.HeadTop == nil:
		return fail("needs head_top")
	}
	if _, ok := p.Backgrounds[p.Background]; !ok {
		return fail("default_background %q is not one of its backgrounds", p.Background)
	}
	for name, r := range map[string]*Range{"head_top": p.HeadTop, "eye_line": p.EyeLine, "head_height": p.HeadHeight} {
		if r != nil && (r.Min < 0 || r.Min > r.Max || r.Max > float64(p.Height)) {
			return fail("%s %v..%v outside 0..%d", name, r.Min, r.Max, p.Height)
		}
	}
	if r := p.FaceWidth; r != nil && (r.Min <= 0 || r.Min > r.Max || r.Max > float64(p.Width)) {
		return fail("face_width %v..%v outside 0..%d", r.Min, r.Max, p.Width)
	}
	return nil
}

// ParseProfile reads and validates one profile file.
func ParseProfile(data []byte) (Profile, error) {
	var p Profile
	dec := json.NewDecoder(strings.NewReader(string(data)))
	dec.DisallowUnknownFields()
	if err := dec.Decode(&p); err != nil {
		return Profile{}, fmt.Errorf("%w: %v", ErrBadProfile, err)
	}
	if err := p.Validate(); err != nil {
		return Profile{}, err
	}
	return p, nil
}

// DefaultProfile is the profile used when none is named.
const DefaultProfile = "chsi"

// Profiles is a set of profiles by name.
type Profiles map[string]Profile

// Get returns the named profile ("" = DefaultProfile).
func (ps Profiles) Get(name string) (Profile, error) {
	if name == "" {
		name = DefaultProfile
	}
	p, ok := ps[name]
	if !ok {
		return Profile{}, fmt.Errorf("%w: no profile %q (have %s)", ErrBadProfile, name, strings.Join(ps.Names(), ", "))
	}
	return p, nil
}

// Names lists the profile names, sorted.
func (ps Profiles) Names() []string {
	out := make([]string, 0, len(ps))
	for k := range ps {
		out = append(out, k)
	}
	sort.Strings(out)
	return out
}

// LoadProfiles reads every *.json under dir of fsys (the shipped profiles),
// then every *.json in the operator's directories: an operator file with the
// same name replaces the shipped profile. Any bad file fails the load.
func LoadProfiles(fsys fs.FS, dir string, operatorDirs ...string) (Profiles, error) {
	ps := Profiles{}
	if err := addProfiles(ps, fsys, dir); err != nil {
		return nil, err
	}
	for _, d := range operatorDirs {
		if _, err := os.Stat(d); errors.Is(err, fs.ErrNotExist) {
			continue
		}
		if err := addProfiles(ps, os.DirFS(d), "."); err != nil {
			return nil, err
		}
	}
	if _, ok := ps[DefaultProfile]; !ok {
		return nil, fmt.Errorf("%w: default profile %q missing", ErrBadProfile, DefaultProfile)
	}
	return ps, nil
}

func addProfiles(ps Profiles, fsys fs.FS, dir string) error {
	files, err := fs.Glob(fsys, filepath.Join(dir, "*.json"))
	if err != nil {
		return fmt.Errorf("imaging: load profiles: %w", err)
	}
	for _, f := range files {
		data, err := fs.ReadFile(fsys, f)
		if err != nil {
			return fmt.Errorf("imaging: load profiles: %w", err)
		}
		p, err := ParseProfile(data)
		if err != nil {
			return fmt.Errorf("imaging: load profile %s: %w", f, err)
		}
		ps[p.Name] = p
	}
	return nil
}

// FaceSpan is the face size, in frame px, that a camera frame of frameW ×
// frameH must show for the profile: the face width, or the head height for
// profiles that scale by it (see FaceScaledBy). The live distance check
// accepts it and the capture guide draws its middle, so a face that fills
// the guide passes the check. lo is the profile's smallest size (the photo
// is never upscaled) and hi its largest that still lets the crop fit in the
// frame. enough is false when the frame is too small for both (hi < lo): the
// span then is the profile's range scaled to fit, and photos are upscaled;
// the kiosk's start-up check reports such a camera to the assistant.
func (p Profile) FaceSpan(frameW, frameH float64) (lo, hi float64, enough bool) {
	target := p.FaceTarget()
	fit := math.Min(frameH/float64(max(1, p.Height)), frameW/float64(max(1, p.Width)))
	lo, hi = target.Min, target.Max*fit
	if hi < lo {
		return target.Min * fit, hi, false
	}
	return lo, hi, true
}

// FaceTarget is the range, in output px, of what scales the face: the face
// width, else the head height, else the middle third of the photo's height.
func (p Profile) FaceTarget() Range {
	switch {
	case p.FaceWidth != nil:
		return *p.FaceWidth
	case p.HeadHeight != nil:
		return *p.HeadHeight
	}
	h := float64(p.Height)
	return Range{Min: h * 0.45, Max: h * 0.6}
}
