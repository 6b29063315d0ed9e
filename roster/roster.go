// Package roster reads a school's roster file — the list of graduates who
// may be photographed — into app.RosterEntry values. It is pure parsing: no
// SQL, no Fyne. The format is told from the content, not the file name:
// XLSX (first worksheet) or CSV in UTF-8 (with or without BOM), GBK/GB18030
// (as Excel in China writes it) or UTF-16 with BOM (Excel's "Unicode text").
// Headers may be Chinese or English, in any order. Every data row is
// validated; bad rows come back as Problems, good rows as Entries.
package roster

import (
	"bufio"
	"bytes"
	"errors"
	"fmt"
	"io"
	"os"
	"strconv"
	"strings"
	"time"
	"unicode"
	"unicode/utf8"

	"github.com/xuri/excelize/v2"

	"gradphoto/app"
)

// File-level errors. Test them with errors.Is.
var (
	// ErrUnreadable: not a CSV or XLSX file (binary, corrupt zip, legacy
	// .xls, text in an unknown encoding).
	ErrUnreadable = errors.New("unreadable roster file")
	// ErrEmpty: the file has no header row.
	ErrEmpty = errors.New("empty roster file")
	// ErrMissingColumn: the header lacks a required column (name,
	// id_number, school); the error text names it.
	ErrMissingColumn = errors.New("missing required column")
	// ErrDuplicateColumn: two header cells name the same column.
	ErrDuplicateColumn = errors.New("duplicate column")
)

// Row-level errors, found in Problem.Err with errors.Is (next to the app
// sentinels: app.ErrIDChecksum, app.ErrNameEmpty, app.ErrUnknownDocType, …).
var (
	ErrMissingField = errors.New("missing field")
	ErrBadValue     = errors.New("bad value")
	ErrDuplicate    = errors.New("duplicate number")
	ErrMalformed    = errors.New("malformed CSV")
)

// Result is what a roster file holds.
type Result struct {
	Entries  []app.RosterEntry // valid rows, in file order
	Problems []Problem         // rejected rows, in file order
	Rows     int               // non-blank data rows (header and blank rows not counted) = len(Entries)+len(Problems)
}

// Problem is one rejected row.
type Problem struct {
	Row    int    // spreadsheet row number as Excel shows it (header row 1, first data row 2; blank rows count)
	Reason string // short English reason: "bad check character", "duplicate of row 5", …
	Err    error  // the underlying errors, for errors.Is
	// Number is the row's ID number as written (normalised, not validated;
	// "" when there is none). It is personal data: show it with app.MaskID.
	Number string
}

// maxField bounds a cell, in bytes: no roster value comes near it.
const maxField = 512

// ParseFile reads the roster file at path. today bounds birth dates and
// graduation years.
func ParseFile(path string, today time.Time) (Result, error) {
	f, err := os.Open(path)
	if err != nil {
		return Result{}, fmt.Errorf("%w: %v", ErrUnreadable, err)
	}
	defer f.Close()
	// A workbook is read through io.ReaderAt on the file: no copy in memory.
	return parse(bufio.NewReaderSize(f, sniffSize), func() (io.ReaderAt, int64, func() (xlsxFile, error), error) {
		fi, err := f.Stat()
		if err != nil {
			return nil, 0, nil, err
		}
		return f, fi.Size(), func() (xlsxFile, error) { return excelize.OpenFile(path, xlsxOptions) }, nil
	}, today)
}

// Parse reads a roster from r. today bounds birth dates and graduation years.
func Parse(r io.Reader, today time.Time) (Result, error) {
	br := bufio.NewReaderSize(r, sniffSize)
	return parse(br, func() (io.ReaderAt, int64, func() (xlsxFile, error), error) {
		// A zip needs random access: the workbook is read into memory once.
		data, err := io.ReadAll(br)
		if err != nil {
			return nil, 0, nil, err
		}
		br := bytes.NewReader(data)
		return br, br.Size(), func() (xlsxFile, error) { return excelize.OpenReader(bytes.NewReader(data), xlsxOptions) }, nil
	}, today)
}

// builder turns rows into a Result: it finds the header, then validates
// each data row.
type builder struct {
	today   time.Time
	maxYear int
	cols    columns
	header  bool
	headErr error // why the first non-blank row is not a header
	preRows int   // non-blank rows seen before the header (title rows)
	seen    map[string]int
	res     Result
	reasons []string
	errs    []error
}

// maxTitleRows is how many non-blank rows may stand above the header
// (a title such as "2024届毕业生名单").
const maxTitleRows = 5

func newBuilder(today time.Time) *builder {
	return &builder{today: today, maxYear: today.Year() + 1, seen: make(map[string]int)}
}

// row takes spreadsheet row n. It returns a file-level error when the
// header cannot be found.
func (b *builder) row(n int, cells []string) error {
	if blank(cells) {
		return nil
	}
	if !b.header {
		cols, err := mapHeader(cells)
		if err == nil {
			b.cols, b.header = cols, true
			return nil
		}
		if errors.Is(err, ErrDuplicateColumn) {
			return err
		}
		if b.headErr == nil {
			b.headErr = err
		}
		if b.preRows++; b.preRows >= maxTitleRows {
			return b.headErr
		}
		return nil
	}
	b.res.Rows++
	b.data(n, cells)
	return nil
}

// finish ends the file.
func (b *builder) finish() (Result, error) {
	if !b.header {
		if b.headErr != nil {
			return Result{}, b.headErr
		}
		return Result{}, ErrEmpty
	}
	return b.res, nil
}

// malformed records a row that breaks the file's syntax (CSV quoting).
func (b *builder) malformed(n int, err error) {
	if !b.header {
		return
	}
	b.res.Rows++
	b.res.Problems = append(b.res.Problems, Problem{Row: n, Reason: err.Error(), Err: err})
}

func (b *builder) fail(reason string, err error) {
	b.reasons = append(b.reasons, reason)
	b.errs = append(b.errs, err)
}

// data validates one data row.
func (b *builder) data(n int, cells []string) {
	var v [numFields]string
	for f, i := range b.cols {
		if i >= 0 && i < len(cells) {
			v[f] = unformula1(clean(cells[i]))
		}
	}
	b.reasons, b.errs = b.reasons[:0], b.errs[:0]
	var e app.RosterEntry

	rawNumber := unquoteNumber(v[fNumber])
	if doc, err := app.ParseDocType(v[fDocType]); err != nil {
		b.fail(fmt.Sprintf("unknown document type %q", truncate(v[fDocType], 40)), err)
	} else {
		e.Doc = doc
		num, err := app.ValidateNumber(doc, rawNumber, b.today)
		switch {
		case err == nil:
			e.Number = num
		case errors.Is(err, app.ErrIDEmpty):
			b.fail("missing field id_number", fmt.Errorf("%w: id_number: %w", ErrMissingField, err))
		case scientific(rawNumber):
			b.fail("ID number stored as a number (digits lost): format the column as text", err)
		default:
			b.fail(idReason(doc, err), err)
		}
	}

	if name, err := app.ValidateName(v[fName]); err != nil {
		if errors.Is(err, app.ErrNameEmpty) {
			b.fail("missing field name", fmt.Errorf("%w: name: %w", ErrMissingField, err))
		} else {
			b.fail(err.Error(), err)
		}
	} else {
		e.Name = name
	}

	if e.School = v[fSchool]; e.School == "" {
		b.fail("missing field school", fmt.Errorf("%w: school", ErrMissingField))
	}
	e.StudentNo = unquoteNumber(v[fStudentNo])
	e.College = v[fCollege]
	e.Major = v[fMajor]
	e.Degree = v[fDegree]
	for _, f := range [...]field{fSchool, fStudentNo, fCollege, fMajor, fDegree} {
		if len(v[f]) > maxField {
			b.fail(fmt.Sprintf("field %s is too long", f), fmt.Errorf("%w: %s too long", ErrBadValue, f))
		}
	}

	if y, ok := b.gradYear(v[fGradYear]); ok {
		e.GradYear = y
	} else {
		b.fail(fmt.Sprintf("bad grad_year %q (want a year 1950–%d)", truncate(v[fGradYear], 20), b.maxYear),
			fmt.Errorf("%w: grad_year", ErrBadValue))
	}
	if p, ok := prepaid(v[fPrepaid]); ok {
		e.Prepaid = p
	} else {
		b.fail(fmt.Sprintf("bad prepaid value %q (want 是/否, yes/no, 1/0)", truncate(v[fPrepaid], 20)),
			fmt.Errorf("%w: prepaid", ErrBadValue))
	}

	if len(b.reasons) == 0 {
		if first, dup := b.seen[e.Number]; dup {
			b.fail(fmt.Sprintf("duplicate of row %d", first), ErrDuplicate)
		} else {
			b.seen[e.Number] = n
		}
	}
	if len(b.reasons) > 0 {
		p := Problem{Row: n, Reason: strings.Join(b.reasons, "; "), Number: truncate(app.NormalizeNumber(rawNumber), 32)}
		if len(b.errs) == 1 {
			p.Err = b.errs[0]
		} else {
			p.Err = errors.Join(b.errs...)
		}
		b.res.Problems = append(b.res.Problems, p)
		return
	}
	b.res.Entries = append(b.res.Entries, e)
}

// idReason words an ID-number error for the operator.
func idReason(doc app.DocType, err error) string {
	switch {
	case errors.Is(err, app.ErrIDChecksum):
		return "bad check character"
	case errors.Is(err, app.ErrIDDate):
		return "invalid birth date"
	case errors.Is(err, app.ErrIDRegion):
		return "unknown region code"
	case errors.Is(err, app.ErrIDLength):
		return "wrong length for " + string(doc)
	case errors.Is(err, app.ErrIDFormat):
		return "wrong characters for " + string(doc)
	case errors.Is(err, app.ErrUnknownDocType):
		return "unknown document type"
	}
	return err.Error()
}

// gradYear accepts "", "2024", "2024届" and "2024年" for 1950..today+1.
func (b *builder) gradYear(s string) (int, bool) {
	if s == "" {
		return 0, true
	}
	s = strings.TrimSuffix(strings.TrimSuffix(strings.TrimPrefix(s, "'"), "届"), "年")
	if len(s) != 4 {
		return 0, false
	}
	y, err := strconv.Atoi(s)
	if err != nil || y < 1950 || y > b.maxYear {
		return 0, false
	}
	return y, true
}

// prepaid reads the school-paid flag.
func prepaid(s string) (bool, bool) {
	switch strings.ToLower(s) {
	case "是", "y", "yes", "true", "1":
		return true, true
	case "否", "n", "no", "false", "0", "":
		return false, true
	}
	return false, false
}

// clean trims spaces (also full-width and zero-width ones and a stray BOM).
func clean(s string) string {
	if s == "" {
		return s
	}
	first, _ := utf8.DecodeRuneInString(s)
	last, _ := utf8.DecodeLastRuneInString(s)
	if !trimmable(first) && !trimmable(last) {
		return s // fast path: nothing to trim
	}
	return strings.TrimFunc(s, trimmable)
}

func trimmable(r rune) bool {
	return unicode.IsSpace(r) || r == '\uFEFF' || r == '\u200B'
}

// unformula1 undoes the formula ="0021" that spreadsheets use to keep
// leading zeros and long numbers as text.
func unformula1(s string) string {
	if len(s) >= 3 && s[0] == '=' && s[1] == '"' && s[len(s)-1] == '"' && !strings.Contains(s[2:len(s)-1], `"`) {
		return s[2 : len(s)-1]
	}
	return s
}

// unquoteNumber drops the leading apostrophe that keeps a number as text.
func unquoteNumber(s string) string {
	return strings.TrimPrefix(s, "'")
}

// scientific reports a number that a spreadsheet turned into a float
// (1.10105E+17): its last digits are gone.
func scientific(s string) bool {
	if !strings.ContainsAny(s, ".eE") {
		return false
	}
	_, err := strconv.ParseFloat(strings.TrimSpace(s), 64)
	return err == nil
}

func blank(cells []string) bool {
	for _, c := range cells {
		if clean(c) != "" {
			return false
		}
	}
	return true
}

// truncate shortens s to at most n runes for a message.
func truncate(s string, n int) string {
	if utf8.RuneCountInString(s) <= n {
		return s
	}
	r := []rune(s)
	return string(r[:n]) + "…"
}
