package imaging

import (
	"bytes"
	"encoding/binary"
	"fmt"
	"image"
	"image/draw"
	"image/jpeg"
	"io"

	"gocv.io/x/gocv"
	"golang.org/x/image/webp"

	"gradphoto/spec"
)

// Format is an image file format, told by the file's content.
type Format string

// The formats Decode tells apart; it reads the first three.
const (
	FormatJPEG    Format = "JPEG"
	FormatPNG     Format = "PNG"
	FormatWebP    Format = "WebP"
	FormatHEIC    Format = "HEIC"
	FormatGIF     Format = "GIF"
	FormatBMP     Format = "BMP"
	FormatTIFF    Format = "TIFF"
	FormatUnknown Format = ""
)

// Sniff tells a file's format by its first bytes, whatever its name says.
func Sniff(data []byte) Format {
	switch {
	case bytes.HasPrefix(data, []byte{0xFF, 0xD8, 0xFF}):
		return FormatJPEG
	case bytes.HasPrefix(data, pngStart):
		return FormatPNG
	case len(data) >= 12 && string(data[:4]) == "RIFF" && string(data[8:12]) == "WEBP":
		return FormatWebP
	case len(data) >= 12 && string(data[4:8]) == "ftyp" && isHEIF(string(data[8:12])):
		return FormatHEIC
	case bytes.HasPrefix(data, []byte("GIF8")):
		return FormatGIF
	case bytes.HasPrefix(data, []byte("BM")):
		return FormatBMP
	case bytes.HasPrefix(data, []byte("II*\x00")), bytes.HasPrefix(data, []byte("MM\x00*")):
		return FormatTIFF
	}
	return FormatUnknown
}

func isHEIF(brand string) bool {
	switch brand {
	case "heic", "heix", "heim", "heis", "hevc", "hevx", "mif1", "msf1", "avif", "avis":
		return true
	}
	return false
}

// Decode reads a JPEG, PNG or WebP file (told by its content) into a BGR
// Mat, upright: a phone's EXIF orientation is applied. The caller closes
// it. A cut-off file, another format (HEIC, GIF…), or anything that cannot
// be read is refused with an error wrapping spec.ErrBadImage that says
// what to do.
func Decode(data []byte) (gocv.Mat, error) {
	img, err := decode(data)
	if err != nil {
		return gocv.Mat{}, fmt.Errorf("imaging: decode: %w", err)
	}
	return img, nil
}

func decode(data []byte) (gocv.Mat, error) {
	switch f := Sniff(data); f {
	case FormatJPEG:
		return decodeJPEG(data)
	case FormatPNG:
		if !bytes.HasSuffix(bytes.TrimRight(data, "\x00"), pngEnd) {
			return gocv.Mat{}, fmt.Errorf("%w: PNG is cut off (no IEND chunk)", spec.ErrBadImage)
		}
		return openCV(data)
	case FormatWebP:
		return decodeWebP(data)
	case FormatHEIC:
		return gocv.Mat{}, fmt.Errorf("%w: a HEIC/HEIF photo (iPhone) cannot be read: save or send it as JPEG "+
			"(iPhone: Settings › Camera › Formats › Most Compatible)", spec.ErrBadImage)
	case FormatUnknown:
		return gocv.Mat{}, fmt.Errorf("%w: not a JPEG, PNG or WebP file", spec.ErrBadImage)
	default:
		return gocv.Mat{}, fmt.Errorf("%w: a %s file cannot be used: save it as JPEG or PNG", spec.ErrBadImage, f)
	}
}

// jpegTail is how near its end a JPEG's end marker must be.
const jpegTail = 64

var (
	jpegEnd  = []byte{0xFF, 0xD9}
	pngStart = []byte("\x89PNG\r\n\x1a\n")
	pngEnd   = []byte("IEND\xaeB`\x82")
)

// decodeJPEG reads a JPEG. OpenCV decodes a truncated JPEG without
// complaint (the missing part comes out grey), so the end marker is checked
// first (within the last bytes: some writers add a newline or padding). CMYK (Adobe) JPEGs go through Go's decoder, which knows their
// inverted ink; the orientation is applied here, not by OpenCV.
func decodeJPEG(data []byte) (gocv.Mat, error) {
	if tail := data[max(0, len(data)-jpegTail):]; !bytes.Contains(tail, jpegEnd) {
		return gocv.Mat{}, fmt.Errorf("%w: JPEG is cut off (no end marker)", spec.ErrBadImage)
	}
	var img gocv.Mat
	var err error
	if jpegComponents(data) == 4 {
		img, err = decodeGo(data, jpeg.Decode)
	} else {
		img, err = openCV(data)
	}
	if err != nil {
		return gocv.Mat{}, err
	}
	return orient(img, exifOrientation(data)), nil
}

// openCV decodes with OpenCV, ignoring EXIF orientation (applied by the caller).
func openCV(data []byte) (gocv.Mat, error) {
	img, err := gocv.IMDecode(data, gocv.IMReadColor|gocv.IMReadIgnoreOrientation)
	if err != nil || img.Empty() {
		if err == nil {
			img.Close()
		}
		return gocv.Mat{}, fmt.Errorf("%w: cannot decode", spec.ErrBadImage)
	}
	return img, nil
}

// decodeWebP reads a WebP (lossy or lossless; not animated) with Go's
// decoder. Lossy WebP is VP8's studio-range YCbCr (16–235), which Go's
// image.YCbCr would convert as full-range JPEG colour (too dark, too
// saturated): it is converted here with the BT.601 studio-range matrix.
func decodeWebP(data []byte) (gocv.Mat, error) {
	im, err := webp.Decode(bytes.NewReader(data))
	if err != nil {
		return gocv.Mat{}, fmt.Errorf("%w: cannot decode WebP: %v", spec.ErrBadImage, err)
	}
	switch y := im.(type) {
	case *image.YCbCr:
		return studioYCbCrToBGR(y)
	case *image.NYCbCrA:
		return studioYCbCrToBGR(&y.YCbCr)
	}
	return imageToBGR(im)
}

// studioYCbCrToBGR converts studio-range (BT.601) YCbCr to a BGR Mat.
func studioYCbCrToBGR(y *image.YCbCr) (gocv.Mat, error) {
	b := y.Rect
	w, h := b.Dx(), b.Dy()
	out := make([]byte, 3*w*h)
	clamp := func(v float64) byte { return byte(max(0, min(255, v+0.5))) }
	for row := 0; row < h; row++ {
		for col := 0; col < w; col++ {
			yi, ci := y.YOffset(b.Min.X+col, b.Min.Y+row), y.COffset(b.Min.X+col, b.Min.Y+row)
			l := 1.164 * (float64(y.Y[yi]) - 16)
			cb, cr := float64(y.Cb[ci])-128, float64(y.Cr[ci])-128
			o := 3 * (row*w + col)
			out[o] = clamp(l + 2.018*cb)
			out[o+1] = clamp(l - 0.813*cr - 0.391*cb)
			out[o+2] = clamp(l + 1.596*cr)
		}
	}
	m, err := gocv.NewMatFromBytes(h, w, gocv.MatTypeCV8UC3, out)
	if err != nil {
		return gocv.Mat{}, fmt.Errorf("%w: %v", spec.ErrBadImage, err)
	}
	return m, nil
}

// decodeGo decodes with a Go decoder and converts to a BGR Mat.
func decodeGo(data []byte, dec func(r io.Reader) (image.Image, error)) (gocv.Mat, error) {
	im, err := dec(bytes.NewReader(data))
	if err != nil {
		return gocv.Mat{}, fmt.Errorf("%w: cannot decode: %v", spec.ErrBadImage, err)
	}
	return imageToBGR(im)
}

// imageToBGR converts any image to a BGR Mat.
func imageToBGR(im image.Image) (gocv.Mat, error) {
	b := im.Bounds()
	rgba := image.NewRGBA(image.Rect(0, 0, b.Dx(), b.Dy()))
	draw.Draw(rgba, rgba.Bounds(), im, b.Min, draw.Src)
	m, err := gocv.NewMatFromBytes(b.Dy(), b.Dx(), gocv.MatTypeCV8UC4, rgba.Pix)
	if err != nil {
		return gocv.Mat{}, fmt.Errorf("%w: %v", spec.ErrBadImage, err)
	}
	defer m.Close()
	out := gocv.NewMat()
	gocv.CvtColor(m, &out, gocv.ColorRGBAToBGR)
	return out, nil
}

// jpegComponents is the number of colour components in the JPEG's frame
// header (3 for YCbCr, 4 for CMYK/YCCK, 1 for grey; 0 when not found).
func jpegComponents(data []byte) int {
	for i := 2; i+9 < len(data); {
		if data[i] != 0xFF {
			return 0
		}
		marker := data[i+1]
		if marker == 0xD8 || (marker >= 0xD0 && marker <= 0xD7) || marker == 0x01 || marker == 0xFF {
			i += 2
			continue
		}
		n := int(binary.BigEndian.Uint16(data[i+2:]))
		if n < 2 {
			return 0
		}
		if marker >= 0xC0 && marker <= 0xCF && marker != 0xC4 && marker != 0xC8 && marker != 0xCC {
			return int(data[i+9])
		}
		i += 2 + n
	}
	return 0
}

// exifOrientation reads the EXIF orientation tag (1…8) of a JPEG; 1 when
// there is none or it cannot be read.
func exifOrientation(data []byte) int {
	for i := 2; i+4 < len(data); {
		if data[i] != 0xFF {
			return 1
		}
		marker := data[i+1]
		if marker == 0xDA || marker == 0xD9 {
			return 1 // image data: no EXIF before it
		}
		n := int(binary.BigEndian.Uint16(data[i+2:]))
		if n < 2 {
			return 1
		}
		seg := data[i+4 : min(len(data), i+2+n)]
		if marker == 0xE1 && bytes.HasPrefix(seg, []byte("Exif\x00\x00")) {
			return tiffOrientation(seg[6:])
		}
		i += 2 + n
	}
	return 1
}

// tiffOrientation finds tag 0x0112 in IFD0 of an EXIF TIFF block.
func tiffOrientation(t []byte) int {
	if len(t) < 8 {
		return 1
	}
	var bo binary.ByteOrder
	switch string(t[:2]) {
	case "II":
		bo = binary.LittleEndian
	case "MM":
		bo = binary.BigEndian
	default:
		return 1
	}
	off := int(bo.Uint32(t[4:]))
	if off < 8 || off+2 > len(t) {
		return 1
	}
	count := int(bo.Uint16(t[off:]))
	for k := 0; k < count; k++ {
		e := off + 2 + 12*k
		if e+12 > len(t) {
			return 1
		}
		if bo.Uint16(t[e:]) == 0x0112 {
			v := int(bo.Uint16(t[e+8:]))
			if v >= 1 && v <= 8 {
				return v
			}
			return 1
		}
	}
	return 1
}

// orient turns img upright for an EXIF orientation (1 as is … 8), closing
// img when it makes a new Mat.
func orient(img gocv.Mat, o int) gocv.Mat {
	if o <= 1 || o > 8 {
		return img
	}
	out := gocv.NewMat()
	switch o {
	case 2:
		gocv.Flip(img, &out, 1)
	case 3:
		gocv.Rotate(img, &out, gocv.Rotate180Clockwise)
	case 4:
		gocv.Flip(img, &out, 0)
	case 5: // transpose
		gocv.Transpose(img, &out)
	case 6:
		gocv.Rotate(img, &out, gocv.Rotate90Clockwise)
	case 7: // transverse
		gocv.Transpose(img, &out)
		gocv.Flip(out, &out, -1)
	case 8:
		gocv.Rotate(img, &out, gocv.Rotate90CounterClockwise)
	}
	img.Close()
	return out
}
