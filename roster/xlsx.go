package roster

import (
	"bufio"
	"fmt"
	"time"

	"github.com/xuri/excelize/v2"
)

type xlsxFile = *excelize.File

// xlsxOptions bound what a workbook may unpack to (a zip bomb stops there)
// and ask for raw cell values: number formats must not turn an ID number
// or a year into "1.10105E+17" or "2,024".
var xlsxOptions = excelize.Options{
	UnzipSizeLimit:    1 << 30,
	UnzipXMLSizeLimit: 32 << 20,
}

func openXLSXFile(path string) (xlsxFile, error) { return excelize.OpenFile(path, xlsxOptions) }

// openXLSXReader reads the workbook into memory once (excelize needs random access).
func openXLSXReader(br *bufio.Reader) (xlsxFile, error) { return excelize.OpenReader(br, xlsxOptions) }

// parseXLSX reads the first worksheet, streaming its rows.
func parseXLSX(open func() (xlsxFile, error), today time.Time) (res Result, err error) {
	defer func() {
		// excelize is not hardened against every corrupt workbook; a
		// roster file is untrusted input and must never bring the kiosk down.
		if p := recover(); p != nil {
			res, err = Result{}, fmt.Errorf("%w: corrupt workbook (%v)", ErrUnreadable, p)
		}
	}()
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
