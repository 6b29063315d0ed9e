package imaging

import (
	"errors"
	"gradphoto/spec"
	"image"
	"testing"

	"gocv.io/x/gocv"
)

func encoded(t testing.TB, ext gocv.FileExt) []byte {
	t.Helper()
	m := emptyBackdrop(t, 64, 48)
	defer m.Close()
	buf, err := gocv.IMEncode(ext, m)
	if err != nil {
		t.Fatal(err)
	}
	defer buf.Close()
	return append([]byte(nil), buf.GetBytes()...)
}

func TestDecode(t *testing.T) {
	for _, ext := range []gocv.FileExt{gocv.JPEGFileExt, gocv.PNGFileExt} {
		data := encoded(t, ext)
		img, err := Decode(data)
		if err != nil {
			t.Fatalf("%s: %v", ext, err)
		}
		if img.Cols() != 64 || img.Rows() != 48 {
			t.Errorf("%s: %v", ext, image.Pt(img.Cols(), img.Rows()))
		}
		img.Close()
		for _, cut := range []int{len(data) - 1, len(data) / 2, 10, 2, 0} {
			if _, err := Decode(data[:cut]); !errors.Is(err, spec.ErrBadImage) {
				t.Errorf("%s cut to %d bytes: %v, want spec.ErrBadImage", ext, cut, err)
			}
		}
	}
	padded := append(encoded(t, gocv.JPEGFileExt), 0, 0, 0)
	img, err := Decode(padded)
	if err != nil {
		t.Errorf("zero padding after the end marker: %v", err)
	} else {
		img.Close()
	}
}

func FuzzDecode(f *testing.F) {
	f.Add(encoded(f, gocv.JPEGFileExt))
	f.Add(encoded(f, gocv.PNGFileExt))
	f.Add([]byte("\xff\xd8\xff\xd9"))
	f.Fuzz(func(t *testing.T, b []byte) {
		img, err := Decode(b)
		if err != nil {
			if !errors.Is(err, spec.ErrBadImage) {
				t.Fatalf("untyped error %v", err)
			}
			return
		}
		defer img.Close()
		if img.Empty() || img.Type() != gocv.MatTypeCV8UC3 {
			t.Fatalf("Decode returned an unusable Mat: %v", img.Type())
		}
	})
}
