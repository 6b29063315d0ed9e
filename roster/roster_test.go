package roster

import (
	"bytes"
	"errors"
	"math/rand/v2"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/xuri/excelize/v2"
	"golang.org/x/text/encoding/simplifiedchinese"
	"golang.org/x/text/encoding/unicode"

	"gradphoto/app"
)

var (
	idA = id("110105", "20010312", 123) // 张三
	idB = id("310104", "20000229", 45)  // leap day
	idC = id("440305", "20020715", 7)
)

// writeFile writes data into a fresh file under t.TempDir.
func writeFile(t testing.TB, name string, data []byte) string {
	t.Helper()
	p := filepath.Join(t.TempDir(), name)
	if err := os.WriteFile(p, data, 0o600); err != nil {
		t.Fatal(err)
	}
	return p
}

func parseFile(t *testing.T, name string, data []byte) (Result, error) {
	t.Helper()
	p := writeFile(t, name, data)
	res, err := ParseFile(p, today)
	// Parse on a plain reader must agree with ParseFile.
	res2, err2 := Parse(bytes.NewReader(data), today)
	if (err == nil) != (err2 == nil) || len(res.Entries) != len(res2.Entries) || len(res.Problems) != len(res2.Problems) || res.Rows != res2.Rows {
		t.Fatalf("ParseFile and Parse disagree: %v/%v, %d/%d entries, %d/%d problems",
			err, err2, len(res.Entries), len(res2.Entries), len(res.Problems), len(res2.Problems))
	}
	return res, err
}

func mustParse(t *testing.T, name string, data []byte) Result {
	t.Helper()
	res, err := parseFile(t, name, data)
	if err != nil {
		t.Fatalf("parse %s: %v", name, err)
	}
	if len(res.Entries)+len(res.Problems) != res.Rows {
		t.Fatalf("entries %d + problems %d != rows %d", len(res.Entries), len(res.Problems), res.Rows)
	}
	return res
}

const goodCSV = "姓名,身份证号,证件类型,学号,学校,学院,专业,学位,毕业年份,已缴费\n" +
	"张三," + "IDA" + ",居民身份证,2021001,北京理工大学,计算机学院,计算机科学与技术,工学学士,2025,是\n" +
	"李四," + "IDB" + ",,2021002,北京理工大学,外国语学院,英语,文学学士,2025,否\n" +
	"Anna-Maria O'Neil,E12345678,护照,2021003,北京理工大学,,,,,\n"

func goodText() string {
	return strings.NewReplacer("IDA", idA, "IDB", idB).Replace(goodCSV)
}

func checkGood(t *testing.T, res Result) {
	t.Helper()
	if len(res.Problems) != 0 {
		t.Fatalf("problems: %+v", res.Problems)
	}
	if len(res.Entries) != 3 || res.Rows != 3 {
		t.Fatalf("got %d entries, %d rows; want 3", len(res.Entries), res.Rows)
	}
	want := app.RosterEntry{Doc: app.DocResidentID, Number: idA, Name: "张三", StudentNo: "2021001",
		School: "北京理工大学", College: "计算机学院", Major: "计算机科学与技术", Degree: "工学学士",
		GradYear: 2025, Prepaid: true}
	if res.Entries[0] != want {
		t.Errorf("entry 0 = %+v\nwant      %+v", res.Entries[0], want)
	}
	if e := res.Entries[1]; e.Doc != app.DocResidentID || e.Number != idB || e.Prepaid || e.Major != "英语" {
		t.Errorf("entry 1 = %+v", e)
	}
	if e := res.Entries[2]; e.Doc != app.DocPassport || e.Number != "E12345678" || e.Name != "Anna-Maria O'Neil" || e.GradYear != 0 || e.Prepaid {
		t.Errorf("entry 2 = %+v", e)
	}
}

func TestCSVUTF8(t *testing.T) {
	checkGood(t, mustParse(t, "roster.csv", []byte(goodText())))
}

func TestCSVUTF8BOM(t *testing.T) {
	checkGood(t, mustParse(t, "roster.csv", append([]byte("\uFEFF"), goodText()...)))
}

func TestCSVGBK(t *testing.T) {
	gbk, err := simplifiedchinese.GBK.NewEncoder().String(goodText())
	if err != nil {
		t.Fatal(err)
	}
	if bytes.Equal([]byte(gbk), []byte(goodText())) {
		t.Fatal("encoding did nothing")
	}
	// the extension must not matter
	checkGood(t, mustParse(t, "roster.txt", []byte(gbk)))
}

func TestCSVGB18030FourByte(t *testing.T) {
	// 䶮 (U+4DAE) is outside GBK: GB18030 writes it in four bytes.
	text := "姓名,身份证号,学校\n刘䶮," + idA + ",北京理工大学\n"
	enc, err := simplifiedchinese.GB18030.NewEncoder().String(text)
	if err != nil {
		t.Fatal(err)
	}
	res := mustParse(t, "roster.csv", []byte(enc))
	if len(res.Entries) != 1 || res.Entries[0].Name != "刘䶮" {
		t.Fatalf("got %+v %+v", res.Entries, res.Problems)
	}
}

// A GBK file whose first 64 KB are plain ASCII: the encoding is settled
// at the first non-ASCII byte, far into the file.
func TestCSVGBKLateNonASCII(t *testing.T) {
	var b strings.Builder
	b.WriteString("name,id_number,school\n")
	rows := genRows(6000, 7)
	for _, r := range rows {
		b.WriteString("Li Lei," + r[1] + ",BIT\n")
	}
	b.WriteString("王小明," + idA + ",北京理工大学\n")
	if b.Len() < 2*sniffSize {
		t.Fatalf("test file too small: %d", b.Len())
	}
	gbk, _ := simplifiedchinese.GBK.NewEncoder().String(b.String())
	res := mustParse(t, "roster.csv", []byte(gbk))
	if len(res.Problems) != 0 || len(res.Entries) != 6001 {
		t.Fatalf("%d entries, problems %+v", len(res.Entries), res.Problems[:min(3, len(res.Problems))])
	}
	if last := res.Entries[6000]; last.Name != "王小明" || last.School != "北京理工大学" {
		t.Fatalf("last entry %+v", last)
	}
}

// A UTF-8 file with one damaged byte: only that row is lost.
func TestCSVUTF8Damaged(t *testing.T) {
	rows := genRows(200, 9)
	rows[50][0] = "王\xff明"
	res := mustParse(t, "r.csv", []byte(csvText(headerZh, rows)))
	if len(res.Entries) != 199 || len(res.Problems) != 1 || res.Problems[0].Row != 52 {
		t.Fatalf("%d entries, problems %+v", len(res.Entries), res.Problems)
	}
}

// The same for GBK.
func TestCSVGBKDamaged(t *testing.T) {
	rows := genRows(200, 9)
	gbk, _ := simplifiedchinese.GBK.NewEncoder().String(csvText(headerZh, rows))
	data := []byte(gbk)
	i := bytes.Index(data, []byte(rows[50][1])) - 3 // inside the name before the number
	data[i] = 0xFF
	res := mustParse(t, "r.csv", data)
	if len(res.Entries) != 199 || len(res.Problems) != 1 || res.Problems[0].Row != 52 {
		t.Fatalf("%d entries, problems %+v", len(res.Entries), res.Problems)
	}
}

func TestCSVUTF16(t *testing.T) {
	text := strings.ReplaceAll(goodText(), ",", "\t")
	enc, err := unicode.UTF16(unicode.LittleEndian, unicode.UseBOM).NewEncoder().String(text)
	if err != nil {
		t.Fatal(err)
	}
	checkGood(t, mustParse(t, "roster.txt", []byte(enc)))
}

func TestTabAndSemicolon(t *testing.T) {
	checkGood(t, mustParse(t, "roster.tsv", []byte(strings.ReplaceAll(goodText(), ",", "\t"))))
	checkGood(t, mustParse(t, "roster.csv", []byte(strings.ReplaceAll(goodText(), ",", ";"))))
}

func TestEnglishHeadersOtherOrder(t *testing.T) {
	text := " Prepaid ,School,ID Number,NAME,Grad_Year,id_type,Major\n" +
		"yes,北京理工大学," + idA + ",张三,2024,resident_id,英语\n" +
		"N,北京理工大学,H12345678,陈大文,,港澳通行证,\n"
	res := mustParse(t, "r.csv", []byte(text))
	if len(res.Problems) != 0 || len(res.Entries) != 2 {
		t.Fatalf("%+v %+v", res.Entries, res.Problems)
	}
	if e := res.Entries[0]; e.Name != "张三" || e.Number != idA || !e.Prepaid || e.GradYear != 2024 || e.Major != "英语" || e.School != "北京理工大学" {
		t.Errorf("entry 0 = %+v", e)
	}
	if e := res.Entries[1]; e.Doc != app.DocHKMOPermit || e.Number != "H12345678" || e.Prepaid {
		t.Errorf("entry 1 = %+v", e)
	}
}

func TestHeaderAliases(t *testing.T) {
	for _, h := range []string{
		"姓名,身份证号,学校", "姓名,证件号码,学校", "姓名,证件号,学校", "姓名*,身份证号码（必填）,学校名称",
		"Name,ID_NUMBER,School", "name,id-number,school", "ｎａｍｅ,ID Number,SCHOOL",
	} {
		res, err := Parse(strings.NewReader(h+"\n张三,"+idA+",北京理工大学\n"), today)
		if err != nil || len(res.Entries) != 1 {
			t.Errorf("header %q: %v, %+v", h, err, res)
		}
	}
}

func TestBadRows(t *testing.T) {
	badDate := id("110105", "20010230", 1) // 30 February
	text := "姓名,身份证号,证件类型,学校,毕业年份,已缴费\n" + // row 1
		"张三," + idA + ",,北京理工大学,2025,是\n" + // 2 good
		"李四," + badCheck(idB) + ",,北京理工大学,2025,\n" + // 3
		"王五," + badDate + ",,北京理工大学,2025,\n" + // 4
		"," + idC + ",,北京理工大学,2025,\n" + // 5 missing name
		"赵六," + idC + ",驾驶证,北京理工大学,2025,\n" + // 6 unknown doc type
		"\n" + // 7 blank: skipped silently
		",,,,,\n" + // 8 blank
		"张三," + idA + ",,北京理工大学,2025,是\n" + // 9 duplicate of row 2
		"孙七," + idB[:10] + ",,北京理工大学,2025,\n" + // 10 wrong length
		"周八," + idB + ",,,2025,\n" + // 11 missing school
		"吴九," + idB + ",,北京理工大学,1890,\n" + // 12 bad year
		"郑十," + idB + ",,北京理工大学,2025,maybe\n" + // 13 bad prepaid
		"钱一," + id("990105", "20010312", 1) + ",,北京理工大学,,\n" + // 14 region
		"冯二,1.10105E+17,,北京理工大学,,\n" + // 15 Excel float
		"陈3," + idB + ",,北京理工大学,,\n" + // 16 bad name characters
		"," + badCheck(idB) + ",,北京理工大学,,\n" // 17 two problems
	res := mustParse(t, "bad.csv", []byte(text))
	if len(res.Entries) != 1 || res.Entries[0].Number != idA {
		t.Fatalf("entries %+v", res.Entries)
	}
	want := []struct {
		row    int
		reason string
		err    error
	}{
		{3, "bad check character", app.ErrIDChecksum},
		{4, "invalid birth date", app.ErrIDDate},
		{5, "missing field name", app.ErrNameEmpty},
		{6, "unknown document type", app.ErrUnknownDocType},
		{9, "duplicate of row 2", ErrDuplicate},
		{10, "wrong length", app.ErrIDLength},
		{11, "missing field school", ErrMissingField},
		{12, "bad grad_year", ErrBadValue},
		{13, "bad prepaid value", ErrBadValue},
		{14, "unknown region code", app.ErrIDRegion},
		{15, "stored as a number", app.ErrIDLength},
		{16, "not letters", app.ErrNameChars},
		{17, "bad check character; missing field name", app.ErrNameEmpty},
	}
	if len(res.Problems) != len(want) {
		t.Fatalf("got %d problems, want %d: %+v", len(res.Problems), len(want), res.Problems)
	}
	for i, w := range want {
		p := res.Problems[i]
		if p.Row != w.row || !strings.Contains(p.Reason, w.reason) || !errors.Is(p.Err, w.err) {
			t.Errorf("problem %d = row %d %q (%v); want row %d %q (%v)", i, p.Row, p.Reason, p.Err, w.row, w.reason, w.err)
		}
	}
	if p := res.Problems[0]; p.Number != badCheck(idB) {
		t.Errorf("problem number %q", p.Number)
	}
	if !errors.Is(res.Problems[12].Err, app.ErrIDChecksum) {
		t.Errorf("joined error lost the checksum: %v", res.Problems[12].Err)
	}
}

func TestRowNumbersMultiline(t *testing.T) {
	text := "\n\n" + // rows 1-2 blank
		"姓名,身份证号,学校,专业\n" + // row 3 header
		"张三," + idA + ",北京理工大学,\"计算机\n科学\"\n" + // row 4, two lines
		"\n" + // row 5
		"李四," + badCheck(idB) + ",北京理工大学,英语\n" // row 6
	res := mustParse(t, "r.csv", []byte(text))
	if len(res.Entries) != 1 || res.Entries[0].Major != "计算机\n科学" {
		t.Fatalf("entries %+v", res.Entries)
	}
	if len(res.Problems) != 1 || res.Problems[0].Row != 6 {
		t.Fatalf("problems %+v", res.Problems)
	}
}

func TestTitleRowAboveHeader(t *testing.T) {
	text := "北京理工大学2025届本科毕业生名单,,\n姓名,身份证号,学校\n张三," + badCheck(idA) + ",北京理工大学\n"
	res := mustParse(t, "r.csv", []byte(text))
	if len(res.Problems) != 1 || res.Problems[0].Row != 3 {
		t.Fatalf("%+v", res)
	}
}

func TestMalformedQuotes(t *testing.T) {
	text := "姓名,身份证号,学校\n张\"三," + idA + ",北京理工大学\n李四," + idB + ",北京理工大学\n"
	res := mustParse(t, "r.csv", []byte(text))
	if len(res.Entries) != 1 || len(res.Problems) != 1 || res.Problems[0].Row != 2 || !errors.Is(res.Problems[0].Err, ErrMalformed) {
		t.Fatalf("%+v", res)
	}
}

func TestExcelTextTricks(t *testing.T) {
	text := "姓名,身份证号,学号,学校\n" +
		"张三,=\"" + idA + "\",'0021,北京理工大学\n" + // formula text, bare
		"李四,'" + idB + "\t,\"=\"\"0022\"\"\",北京理工大学\r\n" + // apostrophe + tab; formula text, quoted
		"王五,\"" + idC[:6] + " " + idC[6:14] + " " + idC[14:] + "\",,=\"北京理工大学\"\n" // spaced digits
	res := mustParse(t, "r.csv", []byte(text))
	if len(res.Entries) != 3 || res.Entries[0].Number != idA || res.Entries[0].StudentNo != "0021" ||
		res.Entries[1].Number != idB || res.Entries[1].StudentNo != "0022" || res.Entries[2].Number != idC ||
		res.Entries[2].School != "北京理工大学" {
		t.Fatalf("%+v", res)
	}
}

func TestPrepaidAndYearValues(t *testing.T) {
	for v, want := range map[string]bool{"是": true, "Y": true, "yes": true, "TRUE": true, "1": true,
		"否": false, "n": false, "No": false, "false": false, "0": false, "": false} {
		res, err := Parse(strings.NewReader("姓名,身份证号,学校,已缴费,毕业年份\n张三,"+idA+",北京理工大学,"+v+",2026\n"), today)
		if err != nil || len(res.Entries) != 1 || res.Entries[0].Prepaid != want || res.Entries[0].GradYear != 2026 {
			t.Errorf("prepaid %q: %v %+v", v, err, res)
		}
	}
	for _, y := range []string{"2027", "1949", "25", "20255", "二〇二五"} {
		res, _ := Parse(strings.NewReader("姓名,身份证号,学校,毕业年份\n张三,"+idA+",北京理工大学,"+y+"\n"), today)
		if len(res.Problems) != 1 {
			t.Errorf("year %q accepted", y)
		}
	}
	for _, y := range []string{"1950", "2026", "2025届", "2024年"} {
		res, _ := Parse(strings.NewReader("姓名,身份证号,学校,毕业年份\n张三,"+idA+",北京理工大学,"+y+"\n"), today)
		if len(res.Entries) != 1 {
			t.Errorf("year %q refused: %+v", y, res.Problems)
		}
	}
}

func writeXLSX(t testing.TB, header []string, rows [][]string) []byte {
	t.Helper()
	f := excelize.NewFile()
	defer f.Close()
	sw, err := f.NewStreamWriter("Sheet1")
	if err != nil {
		t.Fatal(err)
	}
	row := func(n int, cells []string) {
		vals := make([]any, len(cells))
		for i, c := range cells {
			vals[i] = c
		}
		cell, _ := excelize.CoordinatesToCellName(1, n)
		if err := sw.SetRow(cell, vals); err != nil {
			t.Fatal(err)
		}
	}
	row(1, header)
	for i, r := range rows {
		row(i+2, r)
	}
	if err := sw.Flush(); err != nil {
		t.Fatal(err)
	}
	var buf bytes.Buffer
	if err := f.Write(&buf); err != nil {
		t.Fatal(err)
	}
	return buf.Bytes()
}

func TestXLSX(t *testing.T) {
	f := excelize.NewFile()
	defer f.Close()
	// English headers, another order; typed cells as Excel would hold them.
	head := []any{"School", "Name", "ID Number", "Grad Year", "Prepaid", "备注"}
	_ = f.SetSheetRow("Sheet1", "A1", &head)
	r2 := []any{"北京理工大学", "张三", idA, 2025, true, "x"}
	_ = f.SetSheetRow("Sheet1", "A2", &r2)
	r3 := []any{"北京理工大学", "李四", badCheck(idB), 2025, false}
	_ = f.SetSheetRow("Sheet1", "A3", &r3)
	// row 4 left empty; row 5 a number cell that lost its digits, as Excel writes it
	r5 := []any{"北京理工大学", "王五", "1.1010520010312102E+17"}
	_ = f.SetSheetRow("Sheet1", "A5", &r5)
	r6 := []any{"北京理工大学", "赵六", idC, 2024, false}
	_ = f.SetSheetRow("Sheet1", "A6", &r6)
	// a second sheet is ignored
	_, _ = f.NewSheet("Other")
	_ = f.SetCellValue("Other", "A1", "junk")
	var buf bytes.Buffer
	if err := f.Write(&buf); err != nil {
		t.Fatal(err)
	}
	res := mustParse(t, "roster.dat", buf.Bytes())
	if len(res.Entries) != 2 || res.Rows != 4 {
		t.Fatalf("%+v", res)
	}
	if e := res.Entries[0]; e.Name != "张三" || e.Number != idA || e.GradYear != 2025 || !e.Prepaid {
		t.Errorf("entry 0 %+v", e)
	}
	if e := res.Entries[1]; e.Number != idC || e.GradYear != 2024 || e.Prepaid {
		t.Errorf("entry 1 %+v", e)
	}
	if len(res.Problems) != 2 || res.Problems[0].Row != 3 || res.Problems[0].Reason != "bad check character" ||
		res.Problems[1].Row != 5 || !strings.Contains(res.Problems[1].Reason, "stored as a number") {
		t.Fatalf("problems %+v", res.Problems)
	}
}

func TestXLSXChineseHeadersStream(t *testing.T) {
	rows := genRows(200, 3)
	res := mustParse(t, "roster.xlsx", writeXLSX(t, headerZh, rows))
	if len(res.Entries) != 200 || len(res.Problems) != 0 {
		t.Fatalf("%d entries, problems %+v", len(res.Entries), res.Problems)
	}
	if e := res.Entries[199]; e.Number != rows[199][1] || e.Name != rows[199][0] || e.Major != rows[199][6] {
		t.Fatalf("last %+v vs %v", e, rows[199])
	}
}

func TestFileErrors(t *testing.T) {
	rnd := make([]byte, 4096)
	r := rand.New(rand.NewPCG(1, 2))
	for i := range rnd {
		rnd[i] = byte(r.Uint32())
	}
	png := []byte("\x89PNG\r\n\x1a\n\x00\x00\x00\rIHDR\x00\x00\x00\x01\x00\x00\x00\x01\x08\x02\x00\x00\x00\x90wS\xde")
	brokenZip := append([]byte("PK\x03\x04"), rnd[:200]...)
	var zipNoWorkbook bytes.Buffer
	{
		f := excelize.NewFile()
		_ = f.Write(&zipNoWorkbook)
		f.Close()
	}
	truncated := zipNoWorkbook.Bytes()[:zipNoWorkbook.Len()/2]
	gbkHeader, _ := simplifiedchinese.GBK.NewEncoder().String("姓名,学校\n张三,北京理工大学\n")
	for _, c := range []struct {
		name string
		data []byte
		want error
	}{
		{"empty", nil, ErrEmpty},
		{"bom only", []byte("\uFEFF"), ErrEmpty},
		{"blank lines", []byte("\r\n\n  \n,,,\n"), ErrEmpty},
		{"random", rnd, ErrUnreadable},
		{"random short", rnd[:16], ErrUnreadable},
		{"png", png, ErrUnreadable},
		{"nul", []byte("姓名,身份证号,学校\n\x00\x00\x00"), ErrUnreadable},
		{"late nul", append([]byte(goodText()+strings.Repeat("张三,"+idA+",北京理工大学\n", 5000)), 0, 1, 2), ErrUnreadable},
		{"broken zip", brokenZip, ErrUnreadable},
		{"truncated xlsx", truncated, ErrUnreadable},
		{"legacy xls", append([]byte{0xD0, 0xCF, 0x11, 0xE0, 0xA1, 0xB1, 0x1A, 0xE1}, rnd[:100]...), ErrUnreadable},
		{"empty xlsx", zipNoWorkbook.Bytes(), ErrEmpty},
		{"missing school", []byte("姓名,身份证号\n张三," + idA + "\n"), ErrMissingColumn},
		{"missing id gbk", []byte(gbkHeader), ErrMissingColumn},
		{"no header", []byte(strings.Repeat("张三,"+idA+",北京理工大学\n", 10)), ErrMissingColumn},
		{"duplicate column", []byte("姓名,name,身份证号,学校\n"), ErrDuplicateColumn},
	} {
		t.Run(c.name, func(t *testing.T) {
			res, err := parseFile(t, "f", c.data)
			if !errors.Is(err, c.want) {
				t.Fatalf("err = %v, want %v (result %+v)", err, c.want, res)
			}
		})
	}
	_, err := ParseFile(filepath.Join(t.TempDir(), "nope.csv"), today)
	if !errors.Is(err, ErrUnreadable) {
		t.Fatalf("missing file: %v", err)
	}
	_, err = Parse(strings.NewReader("姓名,身份证号\n"), today)
	if !strings.Contains(err.Error(), "school (学校)") || strings.Contains(err.Error(), "name") {
		t.Fatalf("missing column message: %v", err)
	}
	_, err = Parse(strings.NewReader("学号,专业\n"), today)
	if !strings.Contains(err.Error(), "name (姓名), id_number (身份证号), school (学校)") {
		t.Fatalf("missing columns message: %v", err)
	}
}

func TestHeaderOnly(t *testing.T) {
	res := mustParse(t, "r.csv", []byte("姓名,身份证号,学校\n\n"))
	if res.Rows != 0 || len(res.Entries) != 0 {
		t.Fatalf("%+v", res)
	}
}

func TestLargeCSV(t *testing.T) {
	rows := genRows(20000, 11)
	res := mustParse(t, "big.csv", []byte(csvText(headerZh, rows)))
	if len(res.Entries) != 20000 || len(res.Problems) != 0 {
		t.Fatalf("%d entries, %d problems: %+v", len(res.Entries), len(res.Problems), res.Problems[:min(3, len(res.Problems))])
	}
}
