package imaging

import (
	"errors"
	"gradphoto/internal/fixture"
	"gradphoto/spec"
	"image"
	"os"
	"path/filepath"
	"strings"
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
	f.Add(encoded(f, ".webp"))
	f.Add([]byte("\x00\x00\x00\x18ftypheic"))
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

// readTestImage decodes a file of testdata/decode.
func readTestImage(t *testing.T, name string) gocv.Mat {
	t.Helper()
	data, err := os.ReadFile(filepath.Join("..", "testdata", "decode", name))
	if err != nil {
		t.Fatal(err)
	}
	img, err := Decode(data)
	if err != nil {
		t.Fatalf("%s: %v", name, err)
	}
	return img
}

// meanDiff is the mean absolute difference per channel of two images of
// one size (255 when the sizes differ).
func meanDiff(a, b gocv.Mat) float64 {
	if a.Cols() != b.Cols() || a.Rows() != b.Rows() {
		return 255
	}
	d := gocv.NewMat()
	defer d.Close()
	gocv.AbsDiff(a, b, &d)
	m := d.Mean()
	return (m.Val1 + m.Val2 + m.Val3) / 3
}

// A phone's EXIF orientation is applied: every one of the eight comes out
// upright, as the picture was taken.
func TestDecodeAppliesEXIFOrientation(t *testing.T) {
	upright := readTestImage(t, "upright.jpg")
	defer upright.Close()
	for o := 1; o <= 8; o++ {
		data, err := fixture.WithOrientation(upright, o)
		if err != nil {
			t.Fatal(err)
		}
		img, err := Decode(data)
		if err != nil {
			t.Fatalf("orientation %d: %v", o, err)
		}
		if d := meanDiff(img, upright); d > 4 {
			t.Errorf("orientation %d: %dx%d, differs from upright by %.1f", o, img.Cols(), img.Rows(), d)
		}
		img.Close()
	}
}

// WebP (what WeChat saves, often named .jpg) is read by its content, lossy
// and lossless; progressive and CMYK JPEGs are read right.
func TestDecodeOtherEncodings(t *testing.T) {
	upright := readTestImage(t, "upright.jpg")
	defer upright.Close()
	for _, tc := range []struct {
		name    string
		params  []int
		maxDiff float64
	}{{"lossy", []int{gocv.IMWriteWebpQuality, 90}, 6}, {"lossless", []int{gocv.IMWriteWebpQuality, 101}, 0.5}} {
		buf, err := gocv.IMEncodeWithParams(".webp", upright, tc.params)
		if err != nil {
			t.Fatalf("this OpenCV cannot write WebP: %v", err)
		}
		data := append([]byte(nil), buf.GetBytes()...)
		buf.Close()
		if Sniff(data) != FormatWebP {
			t.Fatalf("%s WebP sniffed as %q", tc.name, Sniff(data))
		}
		img, err := Decode(data)
		if err != nil {
			t.Fatalf("%s WebP: %v", tc.name, err)
		}
		if d := meanDiff(img, upright); d > tc.maxDiff {
			t.Errorf("%s WebP differs by %.1f", tc.name, d)
		}
		img.Close()
		if _, err := Decode(data[:len(data)*2/3]); !errors.Is(err, spec.ErrBadImage) {
			t.Errorf("%s WebP cut off: %v", tc.name, err)
		}
	}
	for _, name := range []string{"progressive.jpg", "cmyk.jpg"} {
		img := readTestImage(t, name)
		if d := meanDiff(img, upright); d > 6 {
			t.Errorf("%s differs from the same picture in RGB by %.1f", name, d)
		}
		img.Close()
	}
}

// Formats the kiosk cannot read are refused with a message that says how
// to save the file.
func TestDecodeRefusesOtherFormats(t *testing.T) {
	for _, tc := range []struct {
		name string
		data []byte
		want string
	}{
		{"HEIC", append([]byte("\x00\x00\x00\x18ftypheic\x00\x00\x00\x00mif1heic"), make([]byte, 64)...), "save or send it as JPEG"},
		{"GIF", []byte("GIF89a\x01\x00\x01\x00\x00\x00\x00;"), "save it as JPEG or PNG"},
		{"text", []byte("hello"), "not a JPEG, PNG or WebP"},
	} {
		_, err := Decode(tc.data)
		if !errors.Is(err, spec.ErrBadImage) || !strings.Contains(err.Error(), tc.want) {
			t.Errorf("%s: %v", tc.name, err)
		}
	}
}
