package roster

import (
	"archive/zip"
	"bytes"
	"errors"
	"reflect"
	"strings"
	"testing"

	"gradphoto/internal/testfile"

	"github.com/xuri/excelize/v2"
)

// bothReaders parses a workbook with the lean reader and with excelize
// and fails when they disagree.
func bothReaders(t *testing.T, data []byte) (Result, error) {
	t.Helper()
	lean, errLean := parseLean(bytes.NewReader(data), int64(len(data)), today)
	exc, errExc := parseExcelize(func() (xlsxFile, error) {
		return excelize.OpenReader(bytes.NewReader(data), xlsxOptions)
	}, today)
	if (errLean == nil) != (errExc == nil) {
		t.Fatalf("lean reader: %v; excelize: %v", errLean, errExc)
	}
	if !reflect.DeepEqual(lean, exc) {
		t.Fatalf("lean reader and excelize disagree:\nlean     %+v\nexcelize %+v", lean, exc)
	}
	return lean, errLean
}

func TestLeanMatchesExcelize(t *testing.T) {
	strs := func(rows [][]string) [][]any {
		out := make([][]any, len(rows))
		for i, r := range rows {
			for _, c := range r {
				out[i] = append(out[i], c)
			}
		}
		return out
	}
	rows := genRows(300, 5)
	rows[10][1] = badCheck(rows[10][1])
	rows[20][0] = ""
	rows[30][1] = rows[3][1]
	mixed := [][]any{
		{"备注", "School", "Name", "ID Number", "Grad Year", "Prepaid", "学号"},
		{"x & y <z>", "北京理工大学", "张三", idA, 2025, true, 20210001},
		{nil, "北京理工大学", "李四", badCheck(idB), 2025.0, false, "0021"},
		{},
		{"", "北京理工大学", " 王五 ", idC, "2024届", "是", "_x005F_x"},
	}
	for name, data := range map[string][]byte{
		"shared strings": testfile.XLSX(t, append([][]any{{"姓名", "身份证号", "证件类型", "学号", "学校", "学院", "专业", "学位", "毕业年份", "已缴费"}}, strs(rows)...)),
		"inline strings": writeXLSX(t, headerEn, rows),
		"typed cells":    testfile.XLSX(t, mixed),
	} {
		t.Run(name, func(t *testing.T) {
			res, err := bothReaders(t, data)
			if err != nil || res.Rows == 0 || len(res.Entries) == 0 {
				t.Fatalf("%v %+v", err, res)
			}
		})
	}
}

// zipParts builds a zip from name → content.
func zipParts(t testing.TB, parts [][2]string) []byte {
	t.Helper()
	var buf bytes.Buffer
	zw := zip.NewWriter(&buf)
	for _, p := range parts {
		w, err := zw.Create(p[0])
		if err != nil {
			t.Fatal(err)
		}
		w.Write([]byte(p[1]))
	}
	if err := zw.Close(); err != nil {
		t.Fatal(err)
	}
	return buf.Bytes()
}

const (
	ctXML   = `<?xml version="1.0" encoding="UTF-8" standalone="yes"?><Types xmlns="http://schemas.openxmlformats.org/package/2006/content-types"><Default Extension="rels" ContentType="application/vnd.openxmlformats-package.relationships+xml"/><Default Extension="xml" ContentType="application/xml"/><Override PartName="/xl/workbook.xml" ContentType="application/vnd.openxmlformats-officedocument.spreadsheetml.sheet.main+xml"/><Override PartName="/xl/worksheets/sheet1.xml" ContentType="application/vnd.openxmlformats-officedocument.spreadsheetml.worksheet+xml"/><Override PartName="/xl/sharedStrings.xml" ContentType="application/vnd.openxmlformats-officedocument.spreadsheetml.sharedStrings+xml"/></Types>`
	rootRel = `<?xml version="1.0" encoding="UTF-8"?><Relationships xmlns="http://schemas.openxmlformats.org/package/2006/relationships"><Relationship Id="rId1" Type="http://schemas.openxmlformats.org/officeDocument/2006/relationships/officeDocument" Target="xl/workbook.xml"/></Relationships>`
	wbXML   = `<?xml version="1.0" encoding="UTF-8"?><x:workbook xmlns:x="http://schemas.openxmlformats.org/spreadsheetml/2006/main" xmlns:r="http://schemas.openxmlformats.org/officeDocument/2006/relationships"><x:sheets><x:sheet name="名单" sheetId="1" r:id="rId7"/><x:sheet name="Other" sheetId="2" r:id="rId8"/></x:sheets></x:workbook>`
	wbRels  = `<?xml version="1.0" encoding="UTF-8"?><Relationships xmlns="http://schemas.openxmlformats.org/package/2006/relationships"><Relationship Id="rId8" Type="http://schemas.openxmlformats.org/officeDocument/2006/relationships/worksheet" Target="worksheets/sheet2.xml"/><Relationship Id="rId7" Type="http://schemas.openxmlformats.org/officeDocument/2006/relationships/worksheet" Target="/xl/worksheets/sheet1.xml"/><Relationship Id="rId9" Type="http://schemas.openxmlformats.org/officeDocument/2006/relationships/sharedStrings" Target="sharedStrings.xml"/></Relationships>`
	sstXML  = `<?xml version="1.0" encoding="UTF-8"?><x:sst xmlns:x="http://schemas.openxmlformats.org/spreadsheetml/2006/main" count="6" uniqueCount="6">` +
		`<x:si><x:t>姓名</x:t></x:si>` +
		`<x:si><x:r><x:rPr><x:b/></x:rPr><x:t>身份</x:t></x:r><x:r><x:t xml:space="preserve">证号</x:t></x:r></x:si>` +
		`<x:si><x:t>学校</x:t><x:rPh sb="0" eb="2"><x:t>がっこう</x:t></x:rPh></x:si>` +
		`<x:si><x:t><![CDATA[张三]]></x:t></x:si>` +
		`<x:si><x:t>北京&amp;理工&#x5927;&#23398;</x:t></x:si>` +
		`<x:si><x:t/></x:si>` +
		`</x:sst>`
)

func TestLeanHandwrittenWorkbook(t *testing.T) {
	sheet := `<?xml version="1.0" encoding="UTF-8"?>
<x:worksheet xmlns:x="http://schemas.openxmlformats.org/spreadsheetml/2006/main"><!-- made by hand -->
<x:dimension ref="A1:D9"/>
<x:sheetData>
  <x:row r="1"><x:c r="A1" t="s"><x:v>0</x:v></x:c><x:c r="B1" t="s"><x:v>1</x:v></x:c><x:c r="C1" t="s"><x:v>2</x:v></x:c><x:c t="inlineStr"><x:is><x:t>备注 &gt; note</x:t></x:is></x:c></x:row>
  <x:row r="3"><x:c r="A3" t="s"><x:v>3</x:v></x:c><x:c r="B3" t="str"><x:f>"` + idA + `"</x:f><x:v>` + idA + `</x:v></x:c><x:c r="C3" t="s"><x:v>4</x:v></x:c><x:c r="D3" t="s"><x:v>5</x:v></x:c></x:row>
  <x:row><x:c t="inlineStr"><x:is><x:r><x:t>李</x:t></x:r><x:r><x:t>四</x:t></x:r><x:rPh><x:t>リ</x:t></x:rPh></x:is></x:c><x:c><x:v>1.1010520010312102E+17</x:v></x:c><x:c t="inlineStr"><x:is><x:t>北京理工大学</x:t></x:is></x:c></x:row>
  <x:row r="6" spans="1:3" ht="20" customHeight="1"><x:c r="A6" s="1"/><x:c r="C6" t="b"><x:v>1</x:v></x:c></x:row>
  <x:row r="9"><x:c r='A9' t='inlineStr'><x:is><x:t>王五</x:t></x:is></x:c><x:c r='B9' t='inlineStr'><x:is><x:t>` + badCheck(idC) + `</x:t></x:is></x:c><x:c r='C9' t='inlineStr'><x:is><x:t>北京理工大学</x:t></x:is></x:c></x:row>
</x:sheetData>
<x:pageMargins left="0.7" right="0.7"/>
</x:worksheet>`
	other := `<worksheet><sheetData><row r="1"><c t="inlineStr"><is><t>junk</t></is></c></row></sheetData></worksheet>`
	data := zipParts(t, [][2]string{{"[Content_Types].xml", ctXML}, {"_rels/.rels", rootRel}, {"xl/workbook.xml", wbXML},
		{"xl/_rels/workbook.xml.rels", wbRels}, {"xl/sharedStrings.xml", sstXML},
		{"xl/worksheets/sheet1.xml", sheet}, {"xl/worksheets/sheet2.xml", other}})
	res, err := parseLean(bytes.NewReader(data), int64(len(data)), today)
	if err != nil {
		t.Fatal(err)
	}
	if len(res.Entries) != 1 || res.Rows != 4 {
		t.Fatalf("%+v", res)
	}
	if e := res.Entries[0]; e.Name != "张三" || e.Number != idA || e.School != "北京&理工大学" {
		t.Fatalf("entry %+v", e)
	}
	if p := res.Problems; len(p) != 3 || p[0].Row != 4 || !strings.Contains(p[0].Reason, "stored as a number") ||
		p[1].Row != 6 || p[1].Reason != "missing field id_number; missing field name" ||
		p[2].Row != 9 || p[2].Reason != "bad check character" {
		t.Fatalf("problems %+v", p)
	}
	// Through the public API too (file and reader).
	if res2 := mustParse(t, "hand.xlsx", data); !reflect.DeepEqual(res, res2) {
		t.Fatalf("Parse differs: %+v", res2)
	}
}

func TestLeanBrokenWorkbooks(t *testing.T) {
	good := func(sheet string) []byte {
		return zipParts(t, [][2]string{{"[Content_Types].xml", ctXML}, {"_rels/.rels", rootRel}, {"xl/workbook.xml", wbXML},
			{"xl/_rels/workbook.xml.rels", wbRels}, {"xl/sharedStrings.xml", sstXML}, {"xl/worksheets/sheet1.xml", sheet}})
	}
	for name, data := range map[string][]byte{
		"no sheet part":  zipParts(t, [][2]string{{"_rels/.rels", rootRel}, {"xl/workbook.xml", wbXML}, {"xl/_rels/workbook.xml.rels", wbRels}}),
		"no workbook":    zipParts(t, [][2]string{{"hello.txt", "hi"}}),
		"bad sst index":  good(`<worksheet><sheetData><row><c t="s"><v>99</v></c></row></sheetData></worksheet>`),
		"truncated":      good(`<worksheet><sheetData><row><c t="s"><v>0</v></c></row><row><c t="s"`),
		"rows backward":  good(`<worksheet><sheetData><row r="5"></row><row r="2"></row></sheetData></worksheet>`),
		"cells backward": good(`<worksheet><sheetData><row><c r="C1" t="s"><v>0</v></c><c r="A1" t="s"><v>1</v></c></row></sheetData></worksheet>`),
		"dtd":            good(`<!DOCTYPE x [<!ENTITY a "b">]><worksheet><sheetData/></worksheet>`),
		"no data":        good(`<worksheet><sheetData/></worksheet>`),
	} {
		t.Run(name, func(t *testing.T) {
			res, err := Parse(bytes.NewReader(data), today)
			if !errors.Is(err, ErrUnreadable) && !errors.Is(err, ErrEmpty) {
				t.Fatalf("err %v, result %+v", err, res)
			}
		})
	}
}

func TestXMLScanPieces(t *testing.T) {
	// A tag with '>' inside a quoted value, a comment with '>' and '<',
	// CDATA with markup, a long text that crosses the read buffer.
	long := strings.Repeat("很长的文字", 20000)
	doc := `<?xml version="1.0"?><a x="1>2" y='"'><!-- a > b < c --><b>t&lt;1&amp;&#65;&bogus;</b><![CDATA[<c>&amp;</c>]]><d>` + long + `</d></a>`
	var got []string
	h := &recHandler{out: &got}
	if err := scanXML(strings.NewReader(doc), h); err != nil {
		t.Fatal(err)
	}
	want := []string{`<a x="1>2" y='"'`, "<b", "text t<1&A&bogus;", "</b", "text <c>&amp;</c>", "<d", "text " + long, "</d", "</a"}
	if !reflect.DeepEqual(got, want) {
		t.Fatalf("got %q", got)
	}
	if v, ok := xmlAttr([]byte(` x="1>2" y='"' r:id="rId&amp;1"`), "id"); !ok || v != "rId&1" {
		t.Fatalf("attr %q %v", v, ok)
	}
}

type recHandler struct {
	out *[]string
	buf []byte
}

func (h *recHandler) flush() {
	if len(h.buf) > 0 {
		*h.out = append(*h.out, "text "+string(decodeText(nil, h.buf)))
		h.buf = h.buf[:0]
	}
}
func (h *recHandler) start(name, attrs []byte) error {
	h.flush()
	*h.out = append(*h.out, "<"+string(name)+string(attrs))
	return nil
}
func (h *recHandler) end(name []byte) error {
	h.flush()
	*h.out = append(*h.out, "</"+string(name))
	return nil
}
func (h *recHandler) text(raw []byte) { h.buf = append(h.buf, raw...) }
