// Package export writes the batch a registry takes when it does not
// take the server's: one ZIP holding each standardised photo as a JPEG
// named by its document number (the collectors' convention) and a
// manifest.xlsx that says whose each photo is, with its SHA-256.
package export

import (
	"archive/zip"
	"crypto/sha256"
	"encoding/hex"
	"errors"
	"fmt"
	"io"
	"strings"
	"time"

	"github.com/xuri/excelize/v2"
)

// Entry is one graduate's photo and what the manifest says of it. The
// words (document type, status) are as the registry reads them.
type Entry struct {
	Name, DocType, Number, StudentNo, School string
	Profile, Status                          string
	ConfirmedAt                              time.Time
	JPEG                                     []byte
}

// ManifestName is the manifest's name inside the ZIP.
const ManifestName = "manifest.xlsx"

// Header is the manifest's first row.
var Header = []string{"序号", "姓名", "证件类型", "证件号码", "学号", "学校", "照片规格", "状态", "确认时间", "文件名", "SHA-256"}

// ErrNoNumber: an entry without a document number cannot be named.
var ErrNoNumber = errors.New("export: an entry without a document number")

// Batch writes the ZIP: photos as they are added, the manifest at Close.
type Batch struct {
	zw    *zip.Writer
	rows  [][]any
	names map[string]bool
}

// New starts a batch written to w.
func New(w io.Writer) *Batch {
	return &Batch{zw: zip.NewWriter(w), names: map[string]bool{}}
}

// Add writes one photo, named NUMBER.jpg (NUMBER_2.jpg… should a number
// come twice, e.g. the same passport number from two countries).
func (b *Batch) Add(e Entry) error {
	name, err := b.fileName(e.Number)
	if err != nil {
		return err
	}
	w, err := b.zw.CreateHeader(&zip.FileHeader{Name: name, Method: zip.Store, Modified: e.ConfirmedAt})
	if err != nil {
		return fmt.Errorf("export: %s: %w", name, err)
	}
	if _, err := w.Write(e.JPEG); err != nil {
		return fmt.Errorf("export: %s: %w", name, err)
	}
	sum := sha256.Sum256(e.JPEG)
	confirmed := ""
	if !e.ConfirmedAt.IsZero() {
		confirmed = e.ConfirmedAt.In(beijing).Format("2006-01-02 15:04")
	}
	b.rows = append(b.rows, []any{len(b.rows) + 1, e.Name, e.DocType, e.Number, e.StudentNo, e.School,
		e.Profile, e.Status, confirmed, name, hex.EncodeToString(sum[:])})
	return nil
}

// beijing is China Standard Time, the registry's clock.
var beijing = time.FixedZone("CST", 8*3600)

// fileName is the photo's name in the ZIP: the number, upper case, with
// anything but letters and digits left out.
func (b *Batch) fileName(number string) (string, error) {
	base := strings.Map(func(r rune) rune {
		switch {
		case r >= '0' && r <= '9', r >= 'A' && r <= 'Z':
			return r
		case r >= 'a' && r <= 'z':
			return r - 'a' + 'A'
		}
		return -1
	}, number)
	if base == "" {
		return "", ErrNoNumber
	}
	name := base + ".jpg"
	for n := 2; b.names[name]; n++ {
		name = fmt.Sprintf("%s_%d.jpg", base, n)
	}
	b.names[name] = true
	return name, nil
}

// Len is how many photos were added.
func (b *Batch) Len() int { return len(b.rows) }

// Close writes the manifest and ends the ZIP.
func (b *Batch) Close() error {
	if err := b.writeManifest(); err != nil {
		return err
	}
	if err := b.zw.Close(); err != nil {
		return fmt.Errorf("export: close: %w", err)
	}
	return nil
}

func (b *Batch) writeManifest() error {
	f := excelize.NewFile()
	defer f.Close()
	sheet := f.GetSheetName(0)
	sw, err := f.NewStreamWriter(sheet)
	if err != nil {
		return fmt.Errorf("export: manifest: %w", err)
	}
	header := make([]any, len(Header))
	for i, h := range Header {
		header[i] = h
	}
	for i, row := range append([][]any{header}, b.rows...) {
		cell, _ := excelize.CoordinatesToCellName(1, i+1)
		if err := sw.SetRow(cell, textCells(row)); err != nil {
			return fmt.Errorf("export: manifest: %w", err)
		}
	}
	if err := sw.Flush(); err != nil {
		return fmt.Errorf("export: manifest: %w", err)
	}
	w, err := b.zw.Create(ManifestName)
	if err != nil {
		return fmt.Errorf("export: manifest: %w", err)
	}
	if _, err := f.WriteTo(w); err != nil {
		return fmt.Errorf("export: manifest: %w", err)
	}
	return nil
}

// textCells keeps numbers-as-text (ID numbers, student numbers) text, so
// a spreadsheet never shows 1.10105E+17 or drops a leading zero.
func textCells(row []any) []any {
	out := make([]any, len(row))
	for i, v := range row {
		if s, ok := v.(string); ok {
			out[i] = excelize.Cell{Value: s}
			continue
		}
		out[i] = v
	}
	return out
}
