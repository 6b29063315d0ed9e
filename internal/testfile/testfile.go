// Package testfile builds input files for tests in several packages
// (rosters as XLSX workbooks). Only tests import it.
package testfile

import (
	"bytes"
	"testing"

	"github.com/xuri/excelize/v2"
)

// XLSX builds a one-sheet workbook the way Excel stores text (shared
// strings), one row per slice, starting at A1.
func XLSX(tb testing.TB, rows [][]any) []byte {
	tb.Helper()
	f := excelize.NewFile()
	defer f.Close()
	for i, r := range rows {
		cell, err := excelize.CoordinatesToCellName(1, i+1)
		if err != nil {
			tb.Fatal(err)
		}
		if err := f.SetSheetRow("Sheet1", cell, &r); err != nil {
			tb.Fatal(err)
		}
	}
	var buf bytes.Buffer
	if err := f.Write(&buf); err != nil {
		tb.Fatal(err)
	}
	return buf.Bytes()
}
