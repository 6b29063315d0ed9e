package roster

import (
	"archive/zip"
	"encoding/xml"
	"errors"
	"fmt"
	"io"
	"path"
	"strconv"
	"strings"
	"unicode/utf8"
)

// The lean XLSX reader. excelize's Rows() decodes every cell through
// encoding/xml's reflection and namespace handling: on a 50 000-row roster
// it alone took ~2 s of the 3 s import budget (xml.Decoder.RawToken still
// took ~1.5 s). This reader finds the first worksheet through the small
// package parts (relationships, workbook: encoding/xml) and streams the
// two big ones, the worksheet and the shared strings, through scanXML
// (xmlscan.go), keeping only the cell texts a roster needs. When it cannot
// make sense of the package structure (an unusual producer), the caller
// falls back to excelize; broken cell data is reported, not papered over.

// errStructure says the package is a zip but not laid out as this reader
// expects; excelize gets a try.
var errStructure = errors.New("unexpected workbook structure")

// maxPart bounds how much one part may unpack to (a zip bomb stops there).
const maxPart = 1 << 30

// leanWorkbook is an opened XLSX package.
type leanWorkbook struct {
	zr    *zip.Reader
	files map[string]*zip.File
}

func openLean(r io.ReaderAt, size int64) (*leanWorkbook, error) {
	zr, err := zip.NewReader(r, size)
	if err != nil {
		return nil, fmt.Errorf("%w: not a readable XLSX workbook: %v", ErrUnreadable, err)
	}
	w := &leanWorkbook{zr: zr, files: make(map[string]*zip.File, len(zr.File))}
	for _, f := range zr.File {
		w.files[strings.TrimPrefix(f.Name, "/")] = f
	}
	return w, nil
}

// open opens one part, bounded by maxPart.
func (w *leanWorkbook) open(name string) (io.ReadCloser, error) {
	f, ok := w.files[name]
	if !ok {
		return nil, fmt.Errorf("%w: no part %s", errStructure, name)
	}
	rc, err := f.Open()
	if err != nil {
		return nil, fmt.Errorf("%w: part %s: %v", ErrUnreadable, name, err)
	}
	return struct {
		io.Reader
		io.Closer
	}{io.LimitReader(rc, maxPart), rc}, nil
}

// firstSheet finds the first worksheet: _rels/.rels → workbook → its
// relationships → the worksheet part. It also returns the shared-strings part ("" if none).
func (w *leanWorkbook) firstSheet() (sheet, sst string, err error) {
	wbPath := "xl/workbook.xml"
	if rels, err := w.rels("_rels/.rels", ""); err == nil {
		for _, r := range rels {
			if strings.HasSuffix(r.typ, "/officeDocument") {
				wbPath = r.target
				break
			}
		}
	}
	var firstID string
	err = w.scan(wbPath, func(d *xml.Decoder, se xml.StartElement) error {
		if se.Name.Local == "sheet" && firstID == "" {
			firstID = attr(se, "id")
		}
		return nil
	})
	if err != nil {
		return "", "", err
	}
	if firstID == "" {
		return "", "", fmt.Errorf("%w: workbook has no worksheet", ErrUnreadable)
	}
	dir := path.Dir(wbPath)
	rels, err := w.rels(path.Join(dir, "_rels", path.Base(wbPath)+".rels"), dir)
	if err != nil {
		return "", "", err
	}
	for _, r := range rels {
		switch {
		case r.id == firstID:
			if !strings.HasSuffix(r.typ, "/worksheet") {
				return "", "", fmt.Errorf("%w: the first sheet is not a worksheet", ErrUnreadable)
			}
			sheet = r.target
		case strings.HasSuffix(r.typ, "/sharedStrings"):
			sst = r.target
		}
	}
	if sheet == "" {
		return "", "", fmt.Errorf("%w: first sheet %s not found", errStructure, firstID)
	}
	return sheet, sst, nil
}

type rel struct{ id, typ, target string }

// rels reads a relationships part; targets are resolved against dir.
func (w *leanWorkbook) rels(name, dir string) ([]rel, error) {
	var out []rel
	err := w.scan(name, func(d *xml.Decoder, se xml.StartElement) error {
		if se.Name.Local != "Relationship" || attr(se, "TargetMode") == "External" {
			return nil
		}
		t := attr(se, "Target")
		if strings.HasPrefix(t, "/") {
			t = strings.TrimPrefix(t, "/")
		} else {
			t = path.Join(dir, t)
		}
		out = append(out, rel{id: attr(se, "Id"), typ: attr(se, "Type"), target: t})
		return nil
	})
	return out, err
}

// scan calls fn for every start element of a part.
func (w *leanWorkbook) scan(name string, fn func(*xml.Decoder, xml.StartElement) error) error {
	rc, err := w.open(name)
	if err != nil {
		return err
	}
	defer rc.Close()
	d := xml.NewDecoder(rc)
	d.Strict = false
	for {
		tok, err := d.RawToken()
		if err == io.EOF {
			return nil
		}
		if err != nil {
			return fmt.Errorf("%w: part %s: %v", ErrUnreadable, name, err)
		}
		if se, ok := tok.(xml.StartElement); ok {
			if err := fn(d, se); err != nil {
				return err
			}
		}
	}
}

// attr is an attribute's value by local name ("r:id" matches "id").
func attr(se xml.StartElement, local string) string {
	for _, a := range se.Attr {
		if a.Name.Local == local {
			return a.Value
		}
	}
	return ""
}

// sharedStrings reads the shared-string table: the text of each <si>,
// phonetic runs (<rPh>) left out.
func (w *leanWorkbook) sharedStrings(name string) ([]string, error) {
	if name == "" {
		return nil, nil
	}
	rc, err := w.open(name)
	if err != nil {
		return nil, err
	}
	defer rc.Close()
	h := &sstHandler{}
	if err := scanXML(rc, h); err != nil {
		return nil, fmt.Errorf("%w: shared strings: %v", ErrUnreadable, err)
	}
	return h.out, nil
}

// maxSST bounds the shared-string table in memory (an honest 50 000-row
// roster needs a few MB).
const maxSST = 256 << 20

var errSSTTooBig = errors.New("shared strings too large")

type sstHandler struct {
	out  []string
	size int
	raw  []byte
	dec  []byte
	inSI bool
	inT  bool
	phon int
}

func (h *sstHandler) start(name, _ []byte) error {
	switch string(name) {
	case "si":
		h.inSI, h.raw = true, h.raw[:0]
	case "rPh":
		h.phon++
	case "t":
		h.inT = h.inSI && h.phon == 0
	}
	return nil
}

func (h *sstHandler) end(name []byte) error {
	switch string(name) {
	case "si":
		if h.inSI {
			h.dec = decodeText(h.dec[:0], h.raw)
			h.out = append(h.out, unescapeXstring(string(h.dec)))
			if h.size += len(h.dec) + 16; h.size > maxSST {
				return errSSTTooBig
			}
		}
		h.inSI = false
	case "rPh":
		h.phon = max(h.phon-1, 0)
	case "t":
		h.inT = false
	}
	return nil
}

func (h *sstHandler) text(raw []byte) {
	if h.inT && len(h.raw) < maxCell {
		h.raw = append(h.raw, raw...)
	}
}

// maxCell bounds the text kept from one cell; no roster value comes near it.
const maxCell = 1 << 16

// leanRows streams the rows of a worksheet part to fn with their row
// numbers (1-based). cells is reused between calls.
func (w *leanWorkbook) leanRows(name string, sst []string, fn func(n int, cells []string) error) error {
	rc, err := w.open(name)
	if err != nil {
		return err
	}
	defer rc.Close()
	h := &sheetHandler{sst: sst, fn: fn}
	if err := scanXML(rc, h); err != nil && err != errSheetEnd {
		if errors.Is(err, ErrUnreadable) || errors.Is(err, ErrEmpty) || errors.Is(err, ErrMissingColumn) || errors.Is(err, ErrDuplicateColumn) {
			return err
		}
		return fmt.Errorf("%w: worksheet row %d: %v", ErrUnreadable, h.row, err)
	}
	return nil
}

// errSheetEnd stops the scan at </sheetData>: nothing after it matters.
var errSheetEnd = errors.New("end of sheet data")

type sheetHandler struct {
	sst     []string
	fn      func(n int, cells []string) error
	cells   []string
	row     int    // current row number
	col     int    // current cell's 0-based column
	typ     string // current cell's t attribute
	inSheet bool
	inCell  bool
	inV     bool   // inside <v>
	inIS    int    // depth inside <is>
	inPh    int    // depth inside <rPh> of an inline string
	inT     bool   // inside <t> of an inline string
	raw     []byte // text of the current cell
	dec     []byte
}

func (h *sheetHandler) start(name, attrs []byte) error {
	switch string(name) {
	case "sheetData":
		h.inSheet = true
	case "row":
		if !h.inSheet {
			return nil
		}
		n := h.row + 1
		if r, ok := xmlAttr(attrs, "r"); ok {
			var err error
			if n, err = strconv.Atoi(r); err != nil || n <= h.row || n > maxSheetRows {
				return fmt.Errorf("bad row number %q", r)
			}
		}
		h.row, h.cells, h.col = n, h.cells[:0], -1
	case "c":
		if !h.inSheet || h.row == 0 {
			return nil
		}
		h.col++
		if r, ok := xmlAttr(attrs, "r"); ok {
			c, ok := columnIndex(r)
			if !ok || c < h.col {
				return fmt.Errorf("bad cell reference %q", r)
			}
			h.col = c
		}
		h.typ, _ = xmlAttr(attrs, "t")
		h.inCell, h.raw = true, h.raw[:0]
	case "v":
		h.inV = h.inCell
	case "is":
		if h.inCell {
			h.inIS++
		}
	case "rPh":
		if h.inIS > 0 {
			h.inPh++
		}
	case "t":
		h.inT = h.inIS > 0 && h.inPh == 0
	}
	return nil
}

func (h *sheetHandler) end(name []byte) error {
	switch string(name) {
	case "sheetData":
		if h.inSheet {
			return errSheetEnd
		}
	case "row":
		if h.inSheet && h.row > 0 {
			return h.fn(h.row, h.cells)
		}
	case "c":
		if !h.inCell {
			return nil
		}
		h.inCell, h.inV, h.inIS, h.inPh, h.inT = false, false, 0, 0, false
		h.dec = decodeText(h.dec[:0], h.raw)
		s, err := cellText(h.typ, h.dec, h.sst)
		if err != nil {
			return err
		}
		if s != "" {
			for len(h.cells) < h.col {
				h.cells = append(h.cells, "")
			}
			h.cells = append(h.cells, s)
		}
	case "v":
		h.inV = false
	case "is":
		h.inIS = max(h.inIS-1, 0)
	case "rPh":
		h.inPh = max(h.inPh-1, 0)
	case "t":
		h.inT = false
	}
	return nil
}

func (h *sheetHandler) text(raw []byte) {
	if (h.inV || h.inT) && len(h.raw) < maxCell {
		h.raw = append(h.raw, raw...)
	}
}

// maxSheetRows and maxSheetCols are Excel's limits.
const (
	maxSheetRows = 1 << 20
	maxSheetCols = 1 << 14
)

// cellText gives a cell's text the way the roster reads it: shared and
// inline strings resolved, everything else raw (numbers unformatted,
// booleans "1"/"0").
func cellText(typ string, val []byte, sst []string) (string, error) {
	switch typ {
	case "s":
		i, err := strconv.Atoi(strings.TrimSpace(string(val)))
		if err != nil || i < 0 || i >= len(sst) {
			return "", fmt.Errorf("bad shared string index %q", val)
		}
		return sst[i], nil
	case "inlineStr":
		return unescapeXstring(string(val)), nil
	}
	return string(val), nil
}

// columnIndex reads the column of a cell reference ("C5" → 2).
func columnIndex(ref string) (int, bool) {
	c := 0
	i := 0
	for ; i < len(ref); i++ {
		ch := ref[i]
		if ch >= 'a' && ch <= 'z' {
			ch -= 'a' - 'A'
		}
		if ch < 'A' || ch > 'Z' {
			break
		}
		c = c*26 + int(ch-'A'+1)
		if c > maxSheetCols {
			return 0, false
		}
	}
	if i == 0 {
		return 0, false
	}
	return c - 1, true
}

// unescapeXstring decodes OOXML's _xHHHH_ escapes (ST_Xstring): _x000D_
// is a carriage return, _x005F_ a literal underscore.
func unescapeXstring(s string) string {
	if !strings.Contains(s, "_x") {
		return s
	}
	var b strings.Builder
	for i := 0; i < len(s); {
		if i+7 <= len(s) && s[i] == '_' && s[i+1] == 'x' && s[i+6] == '_' {
			if v, err := strconv.ParseUint(s[i+2:i+6], 16, 16); err == nil {
				r := rune(v)
				if !utf8.ValidRune(r) {
					r = utf8.RuneError
				}
				b.WriteRune(r)
				i += 7
				continue
			}
		}
		b.WriteByte(s[i])
		i++
	}
	return b.String()
}

// isStructureErr tells a layout the lean reader does not know (excelize
// gets a try) from a broken file.
func isStructureErr(err error) bool { return errors.Is(err, errStructure) }
