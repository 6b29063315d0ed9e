// Package jpegmark gives a JPEG file other bytes without touching its
// picture: a comment segment (COM) right after the start marker. Demo data
// and benchmarks use it to make many distinct files from one photo.
package jpegmark

import "encoding/binary"

// Comment returns a copy of jpeg with text (at most 65 533 bytes) in a COM
// segment after its start-of-image marker.
func Comment(jpeg []byte, text string) []byte {
	if len(text) > 0xFFFF-2 {
		text = text[:0xFFFF-2]
	}
	seg := make([]byte, 4, 4+len(text))
	seg[0], seg[1] = 0xFF, 0xFE
	binary.BigEndian.PutUint16(seg[2:], uint16(2+len(text)))
	seg = append(seg, text...)
	out := make([]byte, 0, len(jpeg)+len(seg))
	out = append(out, jpeg[:min(2, len(jpeg))]...)
	out = append(out, seg...)
	return append(out, jpeg[min(2, len(jpeg)):]...)
}
