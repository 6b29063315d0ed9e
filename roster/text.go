package roster

import (
	"bufio"
	"bytes"
	"errors"
	"fmt"
	"io"
	"unicode/utf8"

	"golang.org/x/text/encoding/simplifiedchinese"
	"golang.org/x/text/encoding/unicode"
	"golang.org/x/text/transform"
)

// sniffSize is how many bytes are looked at to tell text from binary and
// UTF-8 from GBK/GB18030. It is also the size of the read buffers.
const sniffSize = 64 << 10

var (
	bomUTF8    = []byte{0xEF, 0xBB, 0xBF}
	bomUTF16LE = []byte{0xFF, 0xFE}
	bomUTF16BE = []byte{0xFE, 0xFF}
)

// textReader turns the raw bytes of a CSV file into UTF-8. Until it meets
// the first non-ASCII byte it passes bytes through unchanged (ASCII reads
// the same in UTF-8 and GB18030); there it looks at the next sniffSize
// bytes and settles the encoding: valid UTF-8 stays as it is, valid
// GB18030 (a superset of GBK, which Excel in China writes) is decoded,
// anything else is ErrUnreadable. A NUL byte anywhere is ErrUnreadable:
// no text roster holds one.
type textReader struct {
	br   *bufio.Reader
	mode int
	dec  io.Reader // GB18030 or UTF-16 decoder over br, once mode == modeDecoded
	err  error
}

const (
	modeUndecided = iota
	modeUTF8
	modeDecoded
)

// newTextReader sniffs the start of br. It returns a reader of UTF-8 text,
// or ErrUnreadable when the start does not look like text, or ErrEmpty
// when there are no bytes at all (a lone BOM counts as none).
func newTextReader(br *bufio.Reader) (io.Reader, error) {
	head, err := br.Peek(sniffSize)
	if err != nil && err != io.EOF && err != bufio.ErrBufferFull {
		return nil, fmt.Errorf("%w: %v", ErrUnreadable, err)
	}
	atEOF := err == io.EOF
	switch {
	case bytes.HasPrefix(head, bomUTF8):
		_, _ = br.Discard(len(bomUTF8))
		t := &textReader{br: br, mode: modeUTF8}
		return t, t.checkHead(head[len(bomUTF8):], atEOF)
	case bytes.HasPrefix(head, bomUTF16LE), bytes.HasPrefix(head, bomUTF16BE):
		// Excel's "Unicode text" export: UTF-16 with a BOM, tab-separated.
		dec := unicode.UTF16(unicode.LittleEndian, unicode.ExpectBOM).NewDecoder()
		return &textReader{br: br, mode: modeDecoded, dec: transform.NewReader(br, dec)}, nil
	}
	t := &textReader{br: br}
	return t, t.checkHead(head, atEOF)
}

// checkHead refuses binary content in the sniffed window: NUL bytes and
// control characters that no spreadsheet export writes.
func (t *textReader) checkHead(head []byte, atEOF bool) error {
	if len(head) == 0 && atEOF {
		return ErrEmpty
	}
	for _, c := range head {
		if c < 0x20 && c != '\t' && c != '\n' && c != '\r' && c != '\v' && c != '\f' && c != 0x1A {
			return fmt.Errorf("%w: binary content (control byte 0x%02X)", ErrUnreadable, c)
		}
	}
	return nil
}

func (t *textReader) Read(p []byte) (int, error) {
	if t.err != nil {
		return 0, t.err
	}
	var n int
	var err error
	switch t.mode {
	case modeUTF8:
		n, err = t.br.Read(p)
	case modeDecoded:
		n, err = t.dec.Read(p)
	default:
		n, err = t.readUndecided(p)
	}
	if bytes.IndexByte(p[:n], 0) >= 0 {
		t.err = fmt.Errorf("%w: binary content (NUL byte)", ErrUnreadable)
		return 0, t.err
	}
	if err != nil && err != io.EOF {
		t.err = err
	}
	return n, err
}

// readUndecided passes ASCII through and settles the encoding at the first
// non-ASCII byte.
func (t *textReader) readUndecided(p []byte) (int, error) {
	if len(p) == 0 {
		return 0, nil
	}
	if t.br.Buffered() == 0 {
		if _, err := t.br.Peek(1); err != nil {
			return 0, err
		}
	}
	buf, _ := t.br.Peek(t.br.Buffered())
	if len(p) < len(buf) {
		buf = buf[:len(p)]
	}
	i := 0
	for i < len(buf) && buf[i] < utf8.RuneSelf {
		i++
	}
	if i > 0 {
		n := copy(p, buf[:i])
		_, _ = t.br.Discard(n)
		return n, nil
	}
	// A non-ASCII byte is next: look ahead and decide.
	window, err := t.br.Peek(sniffSize)
	atEOF := err != nil
	gbBad, gbGood := gb18030Stats(window, atEOF)
	switch {
	case validUTF8Prefix(window, atEOF):
		t.mode = modeUTF8
	case gbBad == 0:
		t.mode = modeDecoded
	// A damaged file (a stray bad byte or two): those cells read as
	// U+FFFD and their rows are rejected; the rest of the file is fine.
	case mostlyUTF8(window):
		t.mode = modeUTF8
	case gbBad*100 <= gbGood:
		t.mode = modeDecoded
	default:
		t.err = fmt.Errorf("%w: neither UTF-8 nor GBK/GB18030 text", ErrUnreadable)
		return 0, t.err
	}
	if t.mode == modeUTF8 {
		return t.br.Read(p)
	}
	t.dec = transform.NewReader(t.br, simplifiedchinese.GB18030.NewDecoder())
	return t.dec.Read(p)
}

// validUTF8Prefix reports whether b is valid UTF-8, allowing a rune cut
// off at the end of the window when more bytes follow.
func validUTF8Prefix(b []byte, atEOF bool) bool {
	if !atEOF {
		for k := 1; k <= utf8.UTFMax-1 && k <= len(b); k++ {
			if utf8.RuneStart(b[len(b)-k]) {
				if !utf8.FullRune(b[len(b)-k:]) {
					b = b[:len(b)-k]
				}
				break
			}
		}
	}
	return utf8.Valid(b)
}

// mostlyUTF8 reports UTF-8 text with at most one bad sequence per 100
// non-ASCII characters (a damaged file, not another encoding).
func mostlyUTF8(b []byte) bool {
	bad, good := 0, 0
	for len(b) > 0 {
		r, size := utf8.DecodeRune(b)
		switch {
		case r == utf8.RuneError && size == 1:
			bad++
		case r >= utf8.RuneSelf:
			good++
		}
		b = b[size:]
	}
	return bad*100 <= good
}

// gb18030Stats checks the byte structure of GB18030 (one byte below
// 0x80 or 0x80 itself, the euro sign of code page 936; two bytes lead
// 0x81–0xFE, trail 0x40–0x7E or 0x80–0xFE; four bytes 0x81–0xFE,
// 0x30–0x39, 0x81–0xFE, 0x30–0x39) and counts bad and good multi-byte
// sequences. A sequence cut off at the end of the window is not counted
// when more bytes follow.
func gb18030Stats(b []byte, atEOF bool) (bad, good int) {
	for i := 0; i < len(b); {
		c := b[i]
		switch {
		case c <= 0x80:
			i++
			continue
		case c == 0xFF:
			bad++
			i++
			continue
		}
		if i+1 >= len(b) {
			if atEOF {
				bad++
			}
			return bad, good
		}
		c1 := b[i+1]
		switch {
		case (c1 >= 0x40 && c1 <= 0x7E) || (c1 >= 0x80 && c1 <= 0xFE):
			good++
			i += 2
		case c1 >= 0x30 && c1 <= 0x39:
			if i+3 >= len(b) {
				if atEOF {
					bad++
				}
				return bad, good
			}
			if b[i+2] < 0x81 || b[i+2] > 0xFE || b[i+3] < 0x30 || b[i+3] > 0x39 {
				bad++
				i++
				continue
			}
			good++
			i += 4
		default:
			bad++
			i++
		}
	}
	return bad, good
}

// errIsUnreadable tells file-level decoding failures from the rest.
func errIsUnreadable(err error) bool { return errors.Is(err, ErrUnreadable) }
