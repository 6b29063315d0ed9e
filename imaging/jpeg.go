package imaging

import (
	"bytes"
	"encoding/binary"
	"errors"
	"fmt"
	"gradphoto/spec"

	"gocv.io/x/gocv"
)

// ErrEncode: the photo could not be encoded inside the profile's file rules.
var ErrEncode = errors.New("cannot encode inside the profile's file-size range")

// maxQuality is the highest JPEG quality the encoder tries.
const maxQuality = 100

// encodeJPEG encodes img at the highest quality (≥ p.MinQuality) whose file
// fits p.MaxKB, found by bisection (file size grows with quality), then
// checks p.MinKB and writes p.DPI into the JFIF header.
func encodeJPEG(img gocv.Mat, p spec.Profile) ([]byte, int, error) {
	lo, hi := p.MinQuality, maxQuality
	best, bestQ := []byte(nil), 0
	for lo <= hi {
		q := (lo + hi) / 2
		b, err := encodeAt(img, q)
		if err != nil {
			return nil, 0, err
		}
		if p.MaxKB > 0 && len(b) > p.MaxKB*1024 {
			hi = q - 1
			continue
		}
		best, bestQ = b, q
		lo = q + 1
	}
	if best == nil {
		return nil, 0, fmt.Errorf("%w: over %d KB even at quality %d", ErrEncode, p.MaxKB, p.MinQuality)
	}
	if len(best) < p.MinKB*1024 {
		return nil, 0, fmt.Errorf("%w: %.1f KB at quality %d, under %d KB", ErrEncode, float64(len(best))/1024, bestQ, p.MinKB)
	}
	if err := setJFIFDensity(best, p.DPI); err != nil {
		return nil, 0, err
	}
	return best, bestQ, nil
}

func encodeAt(img gocv.Mat, q int) ([]byte, error) {
	buf, err := gocv.IMEncodeWithParams(gocv.JPEGFileExt, img, []int{gocv.IMWriteJpegQuality, q})
	if err != nil {
		return nil, fmt.Errorf("imaging: encode jpeg: %w", err)
	}
	defer buf.Close()
	return bytes.Clone(buf.GetBytes()), nil
}

// jfifAt is where a baseline JFIF file (as OpenCV writes it) keeps its APP0
// segment: FFD8, then FFE0, length, "JFIF\0", version, units, density x, y.
const jfifAt = 2

// setJFIFDensity writes dpi as the JFIF pixel density (units = dots per inch).
func setJFIFDensity(b []byte, dpi int) error {
	if !isJFIF(b) {
		return fmt.Errorf("imaging: set dpi: no JFIF header")
	}
	b[jfifAt+11] = 1 // units: dots per inch
	binary.BigEndian.PutUint16(b[jfifAt+12:], uint16(dpi))
	binary.BigEndian.PutUint16(b[jfifAt+14:], uint16(dpi))
	return nil
}

// JFIFDensity reads the pixel density of a JPEG: dots per inch (units 1),
// converted from dots per cm (units 2); 0 when the file has none.
func JFIFDensity(b []byte) (x, y int) {
	if !isJFIF(b) {
		return 0, 0
	}
	x = int(binary.BigEndian.Uint16(b[jfifAt+12:]))
	y = int(binary.BigEndian.Uint16(b[jfifAt+14:]))
	switch b[jfifAt+11] {
	case 1:
		return x, y
	case 2:
		return int(float64(x)*2.54 + 0.5), int(float64(y)*2.54 + 0.5)
	}
	return 0, 0
}

func isJFIF(b []byte) bool {
	return len(b) > jfifAt+16 && b[0] == 0xFF && b[1] == 0xD8 && b[jfifAt] == 0xFF && b[jfifAt+1] == 0xE0 &&
		bytes.Equal(b[jfifAt+4:jfifAt+9], []byte("JFIF\x00"))
}
