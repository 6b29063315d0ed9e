package cli

import (
	"errors"
	"flag"
	"fmt"
	"io"
	"path/filepath"
	"strings"

	"gocv.io/x/gocv"

	"gradphoto/imaging/card"
	"gradphoto/imaging/face"
)

const cardUsage = "usage: gradphoto card IN OUT   (IN: JPEG or PNG photo; OUT: .jpg, .jpeg or .png)"

// cardJPEGQuality is the quality of a flattened card written as JPEG.
const cardJPEGQuality = 92

// cardRefusals are FindCard's answers about the photo (as opposed to
// failures of the program): they print "refused: REASON".
var cardRefusals = []error{
	card.ErrNoCard, card.ErrTooSmall, card.ErrCutOff,
	card.ErrSkewed, card.ErrBadFrame,
}

// runCard runs "gradphoto card IN OUT": it finds the ID card in the photo
// IN, writes it flattened to 856×540 to OUT (JPEG quality 92, or PNG by
// OUT's extension) and prints one line
//
//	card: front|back|unknown, sharpness S, glare G%
//
// (exit 0). When no usable card is in IN it prints "refused: REASON" on
// stdout and writes nothing (exit 2); an unreadable IN prints "card:
// cannot read IN: …" on stderr (exit 2). A failure of the program itself
// (face model, writing OUT) exits 1.
func runCard(args []string, stdout, stderr io.Writer) int {
	fs := flag.NewFlagSet("card", flag.ContinueOnError)
	fs.SetOutput(io.Discard)
	if err := fs.Parse(args); err != nil || fs.NArg() != 2 {
		if errors.Is(err, flag.ErrHelp) {
			fmt.Fprintln(stdout, cardUsage)
			return ExitOK
		}
		fmt.Fprintln(stderr, cardUsage)
		return ExitUnreadable
	}
	in, out := fs.Arg(0), fs.Arg(1)
	ext, err := cardOutExt(out)
	if err != nil {
		fmt.Fprintln(stderr, "card:", err)
		return ExitUnreadable
	}
	frame, err := readImage(in)
	if err != nil {
		fmt.Fprintf(stderr, "card: cannot read %s: %v\n", in, err)
		return ExitUnreadable
	}
	defer frame.Close()
	return cardFlatten(frame, out, ext, stdout, stderr)
}

// cardFlatten finds the card in frame and writes it to out.
func cardFlatten(frame gocv.Mat, out string, ext gocv.FileExt, stdout, stderr io.Writer) int {
	det, err := face.NewDetector()
	if err != nil {
		fmt.Fprintln(stderr, "card:", err)
		return ExitFailed
	}
	defer det.Close()
	c, err := card.Find(frame, card.Faces(det))
	if err != nil {
		return cardFailure(err, stdout, stderr)
	}
	defer c.Close()
	if err := cardWrite(out, ext, c.Image); err != nil {
		fmt.Fprintln(stderr, "card:", err)
		return ExitFailed
	}
	fmt.Fprintf(stdout, "card: %s, sharpness %.0f, glare %.1f%%\n", c.Side, c.Sharpness, 100*c.Glare)
	return ExitOK
}

// cardFailure reports FindCard's error: a refusal, or a failure.
func cardFailure(err error, stdout, stderr io.Writer) int {
	for _, r := range cardRefusals {
		if errors.Is(err, r) {
			reason := strings.TrimPrefix(err.Error(), "find card: ")
			fmt.Fprintln(stdout, "refused:", strings.Join(strings.Fields(reason), " "))
			return ExitUnreadable
		}
	}
	fmt.Fprintln(stderr, "card:", err)
	return ExitFailed
}

// cardOutExt is the image format for the output file's extension.
func cardOutExt(out string) (gocv.FileExt, error) {
	switch strings.ToLower(filepath.Ext(out)) {
	case ".jpg", ".jpeg":
		return gocv.JPEGFileExt, nil
	case ".png":
		return gocv.PNGFileExt, nil
	}
	return "", fmt.Errorf("%s: OUT must end in .jpg, .jpeg or .png", out)
}

// cardWrite encodes img and writes it to path through a temporary file
// in the same directory, so that OUT is never left half written.
func cardWrite(path string, ext gocv.FileExt, img gocv.Mat) error {
	params := []int{gocv.IMWritePngCompression, 6}
	if ext == gocv.JPEGFileExt {
		params = []int{gocv.IMWriteJpegQuality, cardJPEGQuality}
	}
	buf, err := gocv.IMEncodeWithParams(ext, img, params)
	if err != nil {
		return fmt.Errorf("encode %s: %w", path, err)
	}
	defer buf.Close()
	return writeFileAtomic(path, buf.GetBytes())
}
