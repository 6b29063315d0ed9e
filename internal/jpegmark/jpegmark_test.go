package jpegmark

import (
	"bytes"
	"image"
	"image/jpeg"
	"testing"
)

// The marked file decodes to the same picture, with other bytes.
func TestCommentKeepsThePicture(t *testing.T) {
	img := image.NewGray(image.Rect(0, 0, 16, 16))
	for i := range img.Pix {
		img.Pix[i] = uint8(i)
	}
	var b bytes.Buffer
	if err := jpeg.Encode(&b, img, nil); err != nil {
		t.Fatal(err)
	}
	orig := b.Bytes()
	marked := Comment(orig, "submission 42")
	if bytes.Equal(marked, orig) || !bytes.Contains(marked, []byte("submission 42")) {
		t.Fatal("the bytes did not change")
	}
	a, err := jpeg.Decode(bytes.NewReader(orig))
	if err != nil {
		t.Fatal(err)
	}
	m, err := jpeg.Decode(bytes.NewReader(marked))
	if err != nil {
		t.Fatalf("the marked file does not decode: %v", err)
	}
	if !bytes.Equal(a.(*image.Gray).Pix, m.(*image.Gray).Pix) {
		t.Error("the picture changed")
	}
}
