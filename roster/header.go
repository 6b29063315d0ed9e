package roster

import (
	"fmt"
	"strings"
	"unicode"

	"golang.org/x/text/width"
)

// field is one column the importer understands.
type field int

const (
	fName field = iota
	fNumber
	fDocType
	fStudentNo
	fSchool
	fCollege
	fMajor
	fDegree
	fGradYear
	fPrepaid
	numFields
)

// fieldNames are the canonical (English) column names, used in messages.
var fieldNames = [numFields]string{
	fName: "name", fNumber: "id_number", fDocType: "id_type", fStudentNo: "student_no",
	fSchool: "school", fCollege: "college", fMajor: "major", fDegree: "degree",
	fGradYear: "grad_year", fPrepaid: "prepaid",
}

// fieldZh are the Chinese column names, used in messages next to the English ones.
var fieldZh = [numFields]string{
	fName: "姓名", fNumber: "身份证号", fDocType: "证件类型", fStudentNo: "学号",
	fSchool: "学校", fCollege: "学院", fMajor: "专业", fDegree: "学位",
	fGradYear: "毕业年份", fPrepaid: "已缴费",
}

func (f field) String() string { return fieldNames[f] }

// required are the columns a roster file must have.
var required = []field{fName, fNumber, fSchool}

// aliases lists, for each canonical column name, the header texts accepted
// for it. Headers are compared after normHeader: case, spaces, underscores,
// hyphens, full-width forms, "*" marks and parenthesised notes do not
// matter ("ID Number", "id_number", "身份证号（必填）" all match).
var aliases = map[string][]string{
	"name":       {"姓名", "name", "学生姓名", "full_name"},
	"id_number":  {"身份证号", "身份证号码", "证件号码", "证件号", "id_number", "id_no"},
	"id_type":    {"证件类型", "id_type", "doc_type", "document_type"},
	"student_no": {"学号", "student_no", "student_number", "student_id"},
	"school":     {"学校", "school", "学校名称", "院校"},
	"college":    {"学院", "college", "院系"},
	"major":      {"专业", "major", "专业名称"},
	"degree":     {"学位", "degree"},
	"grad_year":  {"毕业年份", "grad_year", "graduation_year", "毕业年度"},
	"prepaid":    {"已缴费", "prepaid", "是否已缴费", "是否缴费"},
}

// aliasIndex maps a normalised header to its field.
var aliasIndex = func() map[string]field {
	m := make(map[string]field)
	for f := field(0); f < numFields; f++ {
		for _, a := range aliases[fieldNames[f]] {
			m[normHeader(a)] = f
		}
	}
	return m
}()

// normHeader folds a header cell for comparison: full-width to ASCII,
// lower case, parenthesised notes dropped, only letters and digits kept.
func normHeader(s string) string {
	s = width.Narrow.String(s)
	var b strings.Builder
	depth := 0
	for _, r := range s {
		switch r {
		case '(', '[', '【', '（':
			depth++
			continue
		case ')', ']', '】', '）':
			if depth > 0 {
				depth--
			}
			continue
		}
		if depth > 0 {
			continue
		}
		if unicode.IsLetter(r) || unicode.IsDigit(r) {
			b.WriteRune(unicode.ToLower(r))
		}
	}
	return b.String()
}

// columns maps each field to its index in a row; -1 when absent.
type columns [numFields]int

// mapHeader reads a header row. It fails with ErrDuplicateColumn when two
// cells name the same column, or ErrMissingColumn naming every required
// column it lacks. Unknown columns (序号, 性别, 备注, …) are ignored.
func mapHeader(cells []string) (columns, error) {
	var c columns
	for i := range c {
		c[i] = -1
	}
	for i, cell := range cells {
		f, ok := aliasIndex[normHeader(cell)]
		if !ok {
			continue
		}
		if c[f] >= 0 {
			return c, fmt.Errorf("%w: %s (%s) in columns %d and %d",
				ErrDuplicateColumn, fieldNames[f], fieldZh[f], c[f]+1, i+1)
		}
		c[f] = i
	}
	var missing []string
	for _, f := range required {
		if c[f] < 0 {
			missing = append(missing, fmt.Sprintf("%s (%s)", fieldNames[f], fieldZh[f]))
		}
	}
	if len(missing) > 0 {
		return c, fmt.Errorf("%w: %s", ErrMissingColumn, strings.Join(missing, ", "))
	}
	return c, nil
}
