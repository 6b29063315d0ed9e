package roster

import (
	"bufio"
	"bytes"
	"encoding/csv"
	"errors"
	"fmt"
	"io"
	"strings"
	"time"
)

// parseText reads a CSV (or tab- or semicolon-separated) roster.
func parseText(br *bufio.Reader, today time.Time) (Result, error) {
	tr, err := newTextReader(br)
	if err != nil {
		return Result{}, err
	}
	ur := bufio.NewReaderSize(tr, sniffSize)
	comma := sniffDelimiter(ur)
	cr := csv.NewReader(&formulaText{r: ur, comma: byte(comma)})
	cr.Comma = comma
	cr.FieldsPerRecord = -1
	cr.ReuseRecord = true

	b := newBuilder(today)
	// Spreadsheet rows are records, and every empty line is a row too
	// (encoding/csv skips those silently): row advances by the line
	// distance from the end of the previous record.
	row, prevEnd := 0, 0
	for {
		rec, err := cr.Read()
		if err == io.EOF {
			break
		}
		var pe *csv.ParseError
		if errors.As(err, &pe) {
			row += max(pe.StartLine-prevEnd, 1)
			prevEnd = max(pe.Line, pe.StartLine)
			reason := fmt.Errorf("%w: %v", ErrMalformed, pe.Err)
			if pe.Line > pe.StartLine {
				reason = fmt.Errorf("%w: %v (lines %d–%d)", ErrMalformed, pe.Err, pe.StartLine, pe.Line)
			}
			b.malformed(row, reason)
			continue
		}
		if err != nil {
			if errIsUnreadable(err) {
				return Result{}, err
			}
			return Result{}, fmt.Errorf("%w: %v", ErrUnreadable, err)
		}
		start, _ := cr.FieldPos(0)
		last, _ := cr.FieldPos(len(rec) - 1)
		row += max(start-prevEnd, 1)
		prevEnd = last + strings.Count(rec[len(rec)-1], "\n")
		if err := b.row(row, rec); err != nil {
			return Result{}, err
		}
	}
	return b.finish()
}

// sniffDelimiter picks ',', '\t' or ';' by counting them (outside quotes)
// in the first lines; ',' wins ties.
func sniffDelimiter(r *bufio.Reader) rune {
	head, _ := r.Peek(sniffSize)
	var comma, tab, semi, lines int
	quoted := false
	for _, c := range head {
		switch c {
		case '"':
			quoted = !quoted
		case ',':
			if !quoted {
				comma++
			}
		case '\t':
			if !quoted {
				tab++
			}
		case ';':
			if !quoted {
				semi++
			}
		case '\n':
			if !quoted {
				lines++
			}
		}
		if lines >= 10 {
			break
		}
	}
	switch {
	case tab > comma && tab >= semi:
		return '\t'
	case semi > comma && semi > tab:
		return ';'
	}
	return ','
}

var (
	zipMagic = []byte("PK\x03\x04")
	oleMagic = []byte{0xD0, 0xCF, 0x11, 0xE0, 0xA1, 0xB1, 0x1A, 0xE1}
)

// parse tells XLSX from text by the first bytes and reads the roster.
// xlsx is called for a workbook: it gives random access to the whole file.
func parse(br *bufio.Reader, xlsx func() (io.ReaderAt, int64, func() (xlsxFile, error), error), today time.Time) (Result, error) {
	head, _ := br.Peek(len(oleMagic))
	switch {
	case bytes.HasPrefix(head, zipMagic):
		r, size, openExcelize, err := xlsx()
		if err != nil {
			return Result{}, fmt.Errorf("%w: %v", ErrUnreadable, err)
		}
		return parseXLSX(r, size, openExcelize, today)
	case bytes.HasPrefix(head, oleMagic):
		return Result{}, fmt.Errorf("%w: legacy .xls or password-protected workbook: save it as .xlsx or CSV", ErrUnreadable)
	}
	return parseText(br, today)
}

// formulaText rewrites the spreadsheet trick ="0021" (a formula that keeps
// leading zeros and long numbers as text, written unquoted by many export
// tools) into the quoted field "0021", which encoding/csv reads; as it is,
// the quote in it would be a syntax error. Lines without =" pass through.
type formulaText struct {
	r       *bufio.Reader
	comma   byte
	pending []byte
	err     error
}

func (f *formulaText) Read(p []byte) (int, error) {
	for len(f.pending) == 0 {
		if f.err != nil {
			return 0, f.err
		}
		line, err := f.r.ReadSlice('\n')
		if err == bufio.ErrBufferFull {
			err = nil // a very long line: pass it on in pieces, untouched
		} else if bytes.Contains(line, []byte(`="`)) {
			line = unformula(line, f.comma)
		}
		f.pending, f.err = line, err
	}
	n := copy(p, f.pending)
	f.pending = f.pending[n:]
	return n, nil
}

// unformula drops the "=" of every field of line that is exactly ="text"
// (text without quotes).
func unformula(line []byte, comma byte) []byte {
	out := make([]byte, 0, len(line))
	for i := 0; i < len(line); {
		if (i == 0 || line[i-1] == comma) && bytes.HasPrefix(line[i:], []byte(`="`)) {
			j := bytes.IndexByte(line[i+2:], '"')
			if j >= 0 {
				end := i + 2 + j // the closing quote
				if end+1 == len(line) || line[end+1] == comma || line[end+1] == '\r' || line[end+1] == '\n' {
					out = append(out, line[i+1:end+1]...)
					i = end + 1
					continue
				}
			}
		}
		out = append(out, line[i])
		i++
	}
	return out
}
