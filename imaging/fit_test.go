package imaging

import (
	"errors"
	"math"
	"strings"
	"testing"

	"gradphoto/spec"
)

// The solver aims at the middle of every range, stays inside each, and
// when the ranges cannot all be met refuses naming the one that cannot.
func TestSolveFit(t *testing.T) {
	p := profile(t, "chsi")
	inf := math.Inf(1)
	ordinary := head{Width: 200, TopUp: 180, ChinDown: 140, Below: inf, SideHalf: inf}
	fit, err := solveFit(p, ordinary)
	if err != nil {
		t.Fatal(err)
	}
	fw, top := fit.Scale*ordinary.Width, fit.EyeY-fit.Scale*ordinary.TopUp
	for _, c := range []struct {
		name string
		r    spec.Range
		v    float64
	}{{"face width", *p.FaceWidth, fw}, {"eye line", *p.EyeLine, fit.EyeY}, {"head top", *p.HeadTop, top}} {
		m := fitMargin * (c.r.Max - c.r.Min)
		if c.v < c.r.Min+m || c.v > c.r.Max-m {
			t.Errorf("%s %.1f, want inside %v by %.1f", c.name, c.v, c.r, m)
		}
	}
	// a tall hat: no crop keeps the head top in its range with the face
	// width and eye line in theirs
	hat := head{Width: 200, TopUp: 420, ChinDown: 140, Below: inf, SideHalf: inf}
	if _, err := solveFit(p, hat); !errors.Is(err, spec.ErrNoFit) || !strings.Contains(err.Error(), "head top") {
		t.Errorf("a tall hat: %v, want ErrNoFit naming the head top", err)
	}
	// a picture that ends under the chin
	short := ordinary
	short.Below = 160
	if _, err := solveFit(p, short); !errors.Is(err, spec.ErrShouldersCut) {
		t.Errorf("a picture ending under the chin: %v, want ErrShouldersCut", err)
	}
}
