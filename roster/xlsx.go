package roster

import (
	"fmt"
	"io"
	"time"

	"github.com/xuri/excelize/v2"
)

type xlsxFile = *excelize.File

// xlsxOptions bound what excelize may unpack (a zip bomb stops there).
var xlsxOptions = excelize.Options{
	UnzipSizeLimit:    maxPart,
	UnzipXMLSizeLimit: 32 << 20,
}

// parseXLSX reads the first worksheet of the workbook in r: with the lean
// reader (sheet.go), or with excelize when the package is laid out in a
// way the lean reader does not know.
func parseXLSX(r io.ReaderAt, size int64, openExcelize func() (xlsxFile, error), today time.Time) (res Result, err error) {
	defer func() {
		// A roster file is untrusted input; neither reader may bring the kiosk down.
		if p := recover(); p != nil {
			res, err = Result{}, fmt.Errorf("%w: corrupt workbook (%v)", ErrUnreadable, p)
		}
	}()
	res, err = parseLean(r, size, today)
	if isStructureErr(err) {
		return parseExcelize(openExcelize, today)
	}
	return res, err
}

func parseLean(r io.ReaderAt, size int64, today time.Time) (Result, error) {
	w, err := openLean(r, size)
	if err != nil {
		return Result{}, err
	}
	sheet, sst, err := w.firstSheet()
	if err != nil {
		return Result{}, err
	}
	strs, err := w.sharedStrings(sst)
	if err != nil {
		return Result{}, err
	}
	b := newBuilder(today)
	if err := w.leanRows(sheet, strs, b.row); err != nil {
		return Result{}, err
	}
	return b.finish()
}

// parseExcelize reads the first worksheet with excelize's streaming Rows().
func parseExcelize(open func() (xlsxFile, error), today time.Time) (Result, error) {
	f, err := open()
	if err != nil {
		return Result{}, fmt.Errorf("%w: not a readable XLSX workbook: %v", ErrUnreadable, err)
	}
	defer f.Close()
	sheets := f.GetSheetList()
	if len(sheets) == 0 {
		return Result{}, fmt.Errorf("%w: workbook has no worksheet", ErrUnreadable)
	}
	rows, err := f.Rows(sheets[0])
	if err != nil {
		return Result{}, fmt.Errorf("%w: worksheet %q: %v", ErrUnreadable, sheets[0], err)
	}
	defer rows.Close()
	b := newBuilder(today)
	// Raw values: number formats must not turn an ID number or a year
	// into "1.10105E+17" or "2,024".
	raw := excelize.Options{RawCellValue: true}
	for n := 1; rows.Next(); n++ {
		cells, err := rows.Columns(raw)
		if err != nil {
			return Result{}, fmt.Errorf("%w: worksheet %q row %d: %v", ErrUnreadable, sheets[0], n, err)
		}
		if err := b.row(n, cells); err != nil {
			return Result{}, err
		}
	}
	if err := rows.Error(); err != nil {
		return Result{}, fmt.Errorf("%w: worksheet %q: %v", ErrUnreadable, sheets[0], err)
	}
	return b.finish()
}
