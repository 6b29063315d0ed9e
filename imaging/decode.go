package imaging

import (
	"bytes"
	"fmt"
	"gradphoto/spec"

	"gocv.io/x/gocv"
)

// Decode reads a JPEG or PNG file into a BGR Mat (the caller closes it).
// OpenCV decodes a truncated JPEG without complaint (the missing part comes
// out grey), so the file's end marker is checked first: a cut-off file is
// refused with ErrBadImage, as is anything OpenCV cannot read.
func Decode(data []byte) (gocv.Mat, error) {
	if err := complete(data); err != nil {
		return gocv.Mat{}, fmt.Errorf("imaging: decode: %w", err)
	}
	img, err := gocv.IMDecode(data, gocv.IMReadColor)
	if err != nil || img.Empty() {
		if err == nil {
			img.Close()
		}
		return gocv.Mat{}, fmt.Errorf("imaging: decode: %w: cannot decode", spec.ErrBadImage)
	}
	return img, nil
}

var (
	jpegStart = []byte{0xFF, 0xD8}
	jpegEnd   = []byte{0xFF, 0xD9}
	pngStart  = []byte("\x89PNG\r\n\x1a\n")
	pngEnd    = []byte("IEND\xaeB`\x82")
)

// complete checks that a JPEG ends with its EOI marker and a PNG with its
// IEND chunk (trailing zero padding allowed).
func complete(data []byte) error {
	tail := bytes.TrimRight(data, "\x00")
	switch {
	case bytes.HasPrefix(data, jpegStart):
		if !bytes.HasSuffix(tail, jpegEnd) {
			return fmt.Errorf("%w: JPEG is cut off (no end marker)", spec.ErrBadImage)
		}
	case bytes.HasPrefix(data, pngStart):
		if !bytes.HasSuffix(tail, pngEnd) {
			return fmt.Errorf("%w: PNG is cut off (no IEND chunk)", spec.ErrBadImage)
		}
	default:
		return fmt.Errorf("%w: not a JPEG or PNG file", spec.ErrBadImage)
	}
	return nil
}
