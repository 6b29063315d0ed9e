package ocr

import (
	"fmt"
	"math/rand/v2"
	"testing"
	"time"

	"gocv.io/x/gocv"

	"gradphoto/app"
	"gradphoto/imaging/card"
	"gradphoto/imaging/face"
	"gradphoto/internal/fixture"
)

// Names as they are common (surnames from the most frequent hundred, given
// names of one and two characters), a compound surname and an ethnic name.
var testNames = []string{
	"张伟", "王芳", "李娜", "刘洋", "陈静", "杨帆", "黄磊", "赵敏", "吴昊", "周婷",
	"徐晓明", "孙丽华", "马俊杰", "朱雨欣", "胡志强", "郭晨曦", "何佳怡", "高子涵", "林浩然", "罗梓萱",
	"郑宇航", "梁思远", "谢雨桐", "宋嘉豪", "唐诗雨", "许文博", "韩雪", "冯天宇", "邓欣怡", "曹睿",
	"欧阳晓明", "司马相如", "上官婉儿", "诸葛明远", "买买提·艾力",
}

// testNumber makes a valid resident ID number from r: a real region, a
// birth date between 1995 and 2006, a sequence, its check character.
func testNumber(r *rand.Rand) string {
	regions := []string{"110105", "310104", "440305", "320102", "510107", "420111", "610113", "330106", "370202", "650102"}
	d17 := fmt.Sprintf("%s%04d%02d%02d%03d", regions[r.IntN(len(regions))],
		1995+r.IntN(12), 1+r.IntN(12), 1+r.IntN(28), r.IntN(1000))
	return d17 + string(app.CheckChar(d17))
}

// readScene renders the portrait side with t in scene s, finds and
// flattens it as the kiosk does, and reads it.
func readScene(t *testing.T, rd *Reader, faces card.FaceFinder, s fixture.CardScene) (Front, error) {
	t.Helper()
	f, err := fixture.ComposeCard(s)
	if err != nil {
		t.Fatal(err)
	}
	defer f.Close()
	c, err := card.Find(f.Img, faces)
	if err != nil {
		return Front{}, fmt.Errorf("find: %w", err)
	}
	defer c.Close()
	return rd.ReadFront(c.Image)
}

// Cards of many names and numbers, held as a graduate holds them (turned,
// tilted, at different distances, over different surfaces): the number is
// read exactly on ≥ 95 % of sharp cards and the name on ≥ 90 %; every
// number misread is one the check character or the comparison with the
// typed number catches (it is never a different valid number).
func TestReadFront(t *testing.T) {
	if testing.Short() || fixture.Race {
		t.Skip("renders and reads many cards (the plain and matprofile passes run it)")
	}
	rd, err := NewReader()
	if err != nil {
		t.Fatal(err)
	}
	defer rd.Close()
	d, err := face.NewDetector()
	if err != nil {
		t.Fatal(err)
	}
	defer d.Close()
	faces := card.Faces(d)
	r := rand.New(rand.NewPCG(11, 43))
	surfaces := []string{"wood", "light", "space_shuttle"}
	for _, set := range []struct {
		name                 string
		blur                 float64
		n                    int
		wantNumber, wantName float64
	}{
		{"sharp", 0, 60, 0.95, 0.90},
		{"blurred", 1.2, 20, 0, 0},
	} {
		numbers, names, unseen := 0, 0, 0
		for i := range set.n {
			text := fixture.CardText{Name: testNames[r.IntN(len(testNames))], Number: testNumber(r)}
			s := fixture.CardScene{Text: &text, Width: 0.55 + 0.15*r.Float64(), Roll: 16*r.Float64() - 8,
				TiltX: 20*r.Float64() - 10, TiltY: 20*r.Float64() - 10, Surface: surfaces[i%len(surfaces)],
				SurfaceSeed: uint64(i), Blur: set.blur, Seed: uint64(i)}
			got, err := readScene(t, rd, faces, s)
			if err != nil {
				unseen++
				t.Logf("%s %d: %v", set.name, i, err)
				continue
			}
			if got.Number == text.Number {
				numbers++
			} else if _, err := app.ValidateNumber(app.DocResidentID, got.Number, time.Date(2026, 11, 1, 0, 0, 0, 0, time.UTC)); err == nil {
				t.Errorf("%s %d: %s read as %s, another valid number", set.name, i, text.Number, got.Number)
			}
			if got.Name == text.Name {
				names++
			} else {
				t.Logf("%s %d: name %s read as %q", set.name, i, text.Name, got.Name)
			}
		}
		pn, pm := float64(numbers)/float64(set.n), float64(names)/float64(set.n)
		t.Logf("%s cards: number %d/%d (%.0f %%), name %d/%d (%.0f %%), card not found %d",
			set.name, numbers, set.n, 100*pn, names, set.n, 100*pm, unseen)
		if pn < set.wantNumber || pm < set.wantName {
			t.Errorf("%s: number %.0f %% (want ≥ %.0f %%), name %.0f %% (want ≥ %.0f %%)",
				set.name, 100*pn, 100*set.wantNumber, 100*pm, 100*set.wantName)
		}
	}
}

func TestReadFrontRefusesOtherImages(t *testing.T) {
	rd, err := NewReader()
	if err != nil {
		t.Fatal(err)
	}
	defer rd.Close()
	for _, m := range []gocv.Mat{gocv.NewMat(), gocv.NewMatWithSize(100, 100, gocv.MatTypeCV8UC3),
		gocv.NewMatWithSize(540, 856, gocv.MatTypeCV8UC1)} {
		if _, err := rd.ReadFront(m); err != ErrNotCard {
			t.Errorf("%dx%d×%d: %v, want ErrNotCard", m.Cols(), m.Rows(), m.Channels(), err)
		}
		m.Close()
	}
	// a blank card: nothing read, no error
	blank := gocv.NewMatWithSizeFromScalar(gocv.NewScalar(235, 235, 230, 0), 540, 856, gocv.MatTypeCV8UC3)
	defer blank.Close()
	if f, err := rd.ReadFront(blank); err != nil || f.Number != "" || f.Name != "" {
		t.Errorf("blank card: %+v, %v", f, err)
	}
}

// BenchmarkReadFront: reading one flattened portrait side (number and the
// name's five readings).
func BenchmarkReadFront(b *testing.B) {
	rd, err := NewReader()
	if err != nil {
		b.Fatal(err)
	}
	defer rd.Close()
	m, err := fixture.CardSpecimenText(fixture.CardText{Name: "欧阳晓明", Number: "11010520030315001X"})
	if err != nil {
		b.Fatal(err)
	}
	defer m.Close()
	for b.Loop() {
		if _, err := rd.ReadFront(m); err != nil {
			b.Fatal(err)
		}
	}
}
