package roster

import (
	"bufio"
	"bytes"
	"errors"
	"io"
	"strconv"
	"unicode/utf8"
)

// A small streaming XML scanner for the two big parts of a workbook (the
// worksheet and the shared strings). encoding/xml allocates for every
// token and dominated the import of a large XLSX roster; this scanner
// hands out slices of its read buffer instead. It knows elements,
// attributes, text, entities, CDATA, comments and processing
// instructions — what OOXML parts contain — and refuses DTDs. It does not
// check that tags nest (the callers only follow the elements they need).

// xmlHandler receives what scanXML finds. Slices are valid only during the call.
type xmlHandler interface {
	// start is a start tag; attrs is the raw text after the name. A
	// self-closing tag is followed by end.
	start(name, attrs []byte) error
	end(name []byte) error
	// text is raw character data (entities not decoded; a long text may
	// come in several pieces). CDATA content comes escaped, so that
	// decodeText reads it back as it was.
	text(raw []byte)
}

var (
	errXMLTruncated = errors.New("XML ends inside a tag")
	errXMLDTD       = errors.New("XML with a DTD")
	errXMLTooLong   = errors.New("XML tag too long")
)

// maxTag bounds one tag (name and attributes) in bytes.
const maxTag = 1 << 20

type xmlScanner struct {
	br  *bufio.Reader
	acc []byte // a tag longer than the read buffer
	ext []byte // a tag continued past a '>' inside quotes, a comment, CDATA
	esc []byte // CDATA escaped for text
}

func scanXML(r io.Reader, h xmlHandler) error {
	s := &xmlScanner{br: bufio.NewReaderSize(r, 64<<10)}
	for {
		// Character data up to the next '<', streamed in pieces.
		for {
			b, err := s.br.ReadSlice('<')
			if err == nil {
				if len(b) > 1 {
					h.text(b[:len(b)-1])
				}
				break
			}
			if len(b) > 0 {
				h.text(b)
			}
			if err == bufio.ErrBufferFull {
				continue
			}
			if err == io.EOF {
				return nil
			}
			return err
		}
		t, err := s.through('>')
		if err != nil {
			return err
		}
		t = t[:len(t)-1]
		switch {
		case len(t) == 0:
			return errXMLTruncated
		case t[0] == '/':
			if err := h.end(localName(bytes.TrimSpace(t[1:]))); err != nil {
				return err
			}
		case t[0] == '?':
			for !bytes.HasSuffix(t, []byte("?")) {
				if t, err = s.extend(t); err != nil {
					return err
				}
			}
		case bytes.HasPrefix(t, []byte("!--")):
			for len(t) < 5 || !bytes.HasSuffix(t, []byte("--")) {
				if t, err = s.extend(t); err != nil {
					return err
				}
			}
		case bytes.HasPrefix(t, []byte("![CDATA[")):
			for !bytes.HasSuffix(t, []byte("]]")) || len(t) < len("![CDATA[]]") {
				if t, err = s.extend(t); err != nil {
					return err
				}
			}
			s.esc = escapeAmp(s.esc[:0], t[len("![CDATA["):len(t)-2])
			h.text(s.esc)
		case t[0] == '!':
			return errXMLDTD
		default:
			for inQuotes(t) {
				if t, err = s.extend(t); err != nil {
					return err
				}
			}
			empty := t[len(t)-1] == '/'
			if empty {
				t = t[:len(t)-1]
			}
			i := 0
			for i < len(t) && !isXMLSpace(t[i]) {
				i++
			}
			name, attrs := t[:i], t[i:]
			name = localName(name)
			if err := h.start(name, attrs); err != nil {
				return err
			}
			if empty {
				if err := h.end(name); err != nil {
					return err
				}
			}
		}
	}
}

// through reads up to and including delim; EOF before it is errXMLTruncated.
func (s *xmlScanner) through(delim byte) ([]byte, error) {
	b, err := s.br.ReadSlice(delim)
	if err == bufio.ErrBufferFull {
		s.acc = append(s.acc[:0], b...)
		for err == bufio.ErrBufferFull {
			if len(s.acc) > maxTag {
				return nil, errXMLTooLong
			}
			b, err = s.br.ReadSlice(delim)
			s.acc = append(s.acc, b...)
		}
		b = s.acc
	}
	if err == io.EOF {
		return nil, errXMLTruncated
	}
	return b, err
}

// extend continues tag t (its '>' was data) through the next '>'; the
// result keeps that '>' inside and drops the final one.
func (s *xmlScanner) extend(t []byte) ([]byte, error) {
	if len(t) > maxTag {
		return nil, errXMLTooLong
	}
	s.ext = append(append(s.ext[:0], t...), '>') // t may alias s.ext: same bytes, same place
	more, err := s.through('>')
	if err != nil {
		return nil, err
	}
	s.ext = append(s.ext, more[:len(more)-1]...)
	return s.ext, nil
}

// inQuotes reports whether t ends inside a quoted attribute value.
func inQuotes(t []byte) bool {
	var q byte
	for _, c := range t {
		switch {
		case q == 0 && (c == '"' || c == '\''):
			q = c
		case c == q:
			q = 0
		}
	}
	return q != 0
}

// localName drops a namespace prefix ("x:row" → "row").
func localName(name []byte) []byte {
	if i := bytes.LastIndexByte(name, ':'); i >= 0 {
		return name[i+1:]
	}
	return name
}

// xmlAttr finds an attribute by local name in the raw attribute text of a
// tag and returns its decoded value.
func xmlAttr(attrs []byte, local string) (string, bool) {
	for len(attrs) > 0 {
		attrs = trimXMLSpace(attrs)
		eq := bytes.IndexByte(attrs, '=')
		if eq < 0 {
			return "", false
		}
		name := attrs[:eq]
		for len(name) > 0 && isXMLSpace(name[len(name)-1]) {
			name = name[:len(name)-1]
		}
		name = localName(name)
		rest := trimXMLSpace(attrs[eq+1:])
		if len(rest) == 0 || (rest[0] != '"' && rest[0] != '\'') {
			return "", false
		}
		end := bytes.IndexByte(rest[1:], rest[0])
		if end < 0 {
			return "", false
		}
		val := rest[1 : 1+end]
		if string(name) == local {
			if bytes.IndexByte(val, '&') < 0 {
				return string(val), true
			}
			return string(decodeText(nil, val)), true
		}
		attrs = rest[2+end:]
	}
	return "", false
}

func isXMLSpace(c byte) bool { return c == ' ' || c == '\t' || c == '\r' || c == '\n' }

// trimXMLSpace drops leading white space.
func trimXMLSpace(b []byte) []byte {
	for len(b) > 0 && isXMLSpace(b[0]) {
		b = b[1:]
	}
	return b
}

// decodeText appends raw character data to dst with entities decoded;
// an unknown or broken entity stays as written.
func decodeText(dst, src []byte) []byte {
	for {
		i := bytes.IndexByte(src, '&')
		if i < 0 {
			return append(dst, src...)
		}
		dst = append(dst, src[:i]...)
		src = src[i:]
		j := bytes.IndexByte(src, ';')
		if j < 2 || j > 10 {
			dst = append(dst, '&')
			src = src[1:]
			continue
		}
		if r, ok := entity(src[1:j]); ok {
			dst = utf8.AppendRune(dst, r)
		} else {
			dst = append(dst, src[:j+1]...)
		}
		src = src[j+1:]
	}
}

func entity(name []byte) (rune, bool) {
	switch string(name) {
	case "lt":
		return '<', true
	case "gt":
		return '>', true
	case "amp":
		return '&', true
	case "quot":
		return '"', true
	case "apos":
		return '\'', true
	}
	if name[0] != '#' || len(name) < 2 {
		return 0, false
	}
	var v uint64
	var err error
	if name[1] == 'x' {
		v, err = strconv.ParseUint(string(name[2:]), 16, 32)
	} else {
		v, err = strconv.ParseUint(string(name[1:]), 10, 32)
	}
	if err != nil || !utf8.ValidRune(rune(v)) {
		return 0, false
	}
	return rune(v), true
}

// escapeAmp writes CDATA content so that decodeText gives it back unchanged.
func escapeAmp(dst, src []byte) []byte {
	for _, c := range src {
		if c == '&' {
			dst = append(dst, "&amp;"...)
		} else {
			dst = append(dst, c)
		}
	}
	return dst
}
