package roster

import (
	"bytes"
	"errors"
	"strings"
	"testing"

	"golang.org/x/text/encoding/simplifiedchinese"
	"golang.org/x/text/encoding/unicode"

	"gradphoto/app"
	"gradphoto/internal/testfile"
)

func FuzzParse(f *testing.F) {
	gbk, _ := simplifiedchinese.GBK.NewEncoder().String(goodText())
	u16, _ := unicode.UTF16(unicode.LittleEndian, unicode.UseBOM).NewEncoder().String("name\tid_number\tschool\nLi\t" + idA + "\tBIT\n")
	for _, s := range []string{
		"",
		"\uFEFF",
		goodText(),
		"\uFEFF" + goodText(),
		gbk,
		u16,
		"姓名,身份证号,学校\n张\"三," + idA + ",北京理工大学\n\"unterminated,\n",
		"title,,\n\n姓名,身份证号,学校,专业\n张三,=\"" + idA + "\",北京理工大学,\"a\nb\"\n",
		"name;id_number;school\nLi;1.10105E+17;BIT\n",
		"姓名,name,身份证号,学校\n",
		"\x89PNG\r\n\x1a\n\x00\x00\x00\rIHDR",
		"PK\x03\x04\x14\x00\x00\x00",
		"\xD0\xCF\x11\xE0\xA1\xB1\x1A\xE1",
		"姓名,身份证号,学校\n\x81\x30\x81\x30,\xff,\n",
	} {
		f.Add([]byte(s))
	}
	f.Add(writeXLSX(f, headerZh, genRows(3, 1)))
	f.Add(testfile.XLSX(f, [][]any{{"姓名", "身份证号", "学校", "已缴费"}, {"张三", idA, "北京理工大学", true}}))

	f.Fuzz(func(t *testing.T, data []byte) {
		res, err := Parse(bytes.NewReader(data), today)
		if err != nil {
			if !errors.Is(err, ErrUnreadable) && !errors.Is(err, ErrEmpty) &&
				!errors.Is(err, ErrMissingColumn) && !errors.Is(err, ErrDuplicateColumn) {
				t.Fatalf("untyped file error: %v", err)
			}
			if res.Rows != 0 || len(res.Entries) != 0 || len(res.Problems) != 0 {
				t.Fatalf("error %v with a result %+v", err, res)
			}
			return
		}
		if len(res.Entries)+len(res.Problems) != res.Rows {
			t.Fatalf("entries %d + problems %d != data rows %d", len(res.Entries), len(res.Problems), res.Rows)
		}
		seen := map[string]bool{}
		for _, e := range res.Entries {
			if n, err := app.ValidateNumber(e.Doc, e.Number, today); err != nil || n != e.Number {
				t.Fatalf("entry with an invalid number %q (%s): %v", e.Number, e.Doc, err)
			}
			if n, err := app.ValidateName(e.Name); err != nil || n != e.Name {
				t.Fatalf("entry with an invalid name %q: %v", e.Name, err)
			}
			if e.School == "" {
				t.Fatalf("entry without a school: %+v", e)
			}
			if seen[e.Number] {
				t.Fatalf("number %s twice in Entries", e.Number)
			}
			seen[e.Number] = true
		}
		last := 1
		for _, p := range res.Problems {
			if p.Row <= last || p.Reason == "" || p.Err == nil {
				t.Fatalf("bad problem %+v after row %d", p, last)
			}
			last = p.Row
		}
	})
}

// FuzzSheetXML feeds worksheet XML to the lean reader's scanner.
func FuzzSheetXML(f *testing.F) {
	f.Add(`<worksheet><sheetData><row r="1"><c t="inlineStr"><is><t>姓名</t></is></c><c t="inlineStr"><is><t>身份证号</t></is></c><c t="inlineStr"><is><t>学校</t></is></c></row>` +
		`<row><c t="s"><v>0</v></c><c r="B2"><v>` + idA + `</v></c><c t="str"><v>北京&amp;理工</v></c></row></sheetData></worksheet>`)
	f.Add(`<?xml version="1.0"?><!-- c --><x:worksheet><x:sheetData><x:row r='2'><x:c r='C2' t='s'><x:v>1</x:v></x:c></x:row></x:sheetData></x:worksheet>`)
	f.Add(`<a b="x>y"><![CDATA[<z>]]></a>`)
	sst := []string{"张三", "北京理工大学", "姓名"}
	f.Fuzz(func(t *testing.T, doc string) {
		b := newBuilder(today)
		h := &sheetHandler{sst: sst, fn: b.row}
		_ = scanXML(strings.NewReader(doc), h)
		res, err := b.finish()
		if err == nil && len(res.Entries)+len(res.Problems) != res.Rows {
			t.Fatalf("entries %d + problems %d != rows %d", len(res.Entries), len(res.Problems), res.Rows)
		}
	})
}
