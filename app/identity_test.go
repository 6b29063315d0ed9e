package app_test

import (
	"errors"
	"strings"
	"testing"
	"time"
	"unicode/utf8"

	"gradphoto/app"
)

// today is the fixed "now" of the identity tests.
var today = time.Date(2026, 11, 26, 10, 0, 0, 0, time.UTC)

// withCheck appends the GB 11643 check character to 17 digits.
func withCheck(digits17 string) string {
	return digits17 + string(app.CheckChar(digits17))
}

// badCheck appends a check character that is not the right one.
func badCheck(digits17 string) string {
	c := app.CheckChar(digits17)
	if c == '0' {
		return digits17 + "1"
	}
	return digits17 + "0"
}

func TestCheckCharWorkedExample(t *testing.T) {
	// GB 11643-1999, appendix: 11010519491231002 → X.
	if c := app.CheckChar("11010519491231002"); c != 'X' {
		t.Fatalf("CheckChar(11010519491231002) = %q, want 'X'", c)
	}
	if c := app.CheckChar("44052418800101001"); c != '4' {
		t.Fatalf("CheckChar(44052418800101001) = %q, want '4'", c)
	}
}

type numberCase struct {
	name string
	doc  app.DocType
	raw  string
	want string // normalised number when valid
	err  error  // sentinel when invalid
}

func numberCases() []numberCase {
	return []numberCase{
		// 居民身份证
		{"resident worked example", app.DocResidentID, "11010519491231002X", "11010519491231002X", nil},
		{"resident lower-case x", app.DocResidentID, "11010519491231002x", "11010519491231002X", nil},
		{"resident full-width digits and spaces", app.DocResidentID, "１１０１０５ 19491231 002x", "11010519491231002X", nil},
		{"resident ideographic space and hyphens", app.DocResidentID, "110105-19491231-002Ｘ\u3000", "11010519491231002X", nil},
		{"resident leap day 2024", app.DocResidentID, withCheck("44030520240229123"), withCheck("44030520240229123"), nil},
		{"resident born today", app.DocResidentID, withCheck("31011520261126001"), withCheck("31011520261126001"), nil},
		{"resident Xinjiang", app.DocResidentID, withCheck("65010219990815321"), withCheck("65010219990815321"), nil},
		{"resident wrong check char", app.DocResidentID, "110105194912310021", "", app.ErrIDChecksum},
		{"resident wrong check digit", app.DocResidentID, badCheck("44030520010101123"), "", app.ErrIDChecksum},
		{"resident 30 February", app.DocResidentID, withCheck("11010519490230002"), "", app.ErrIDDate},
		{"resident 29 February 2025", app.DocResidentID, withCheck("11010520250229002"), "", app.ErrIDDate},
		{"resident month 13", app.DocResidentID, withCheck("11010519491301002"), "", app.ErrIDDate},
		{"resident day 00", app.DocResidentID, withCheck("11010519490100002"), "", app.ErrIDDate},
		{"resident born tomorrow", app.DocResidentID, withCheck("11010520261127002"), "", app.ErrIDDate},
		{"resident born next year", app.DocResidentID, withCheck("11010520270101002"), "", app.ErrIDDate},
		{"resident before 1900", app.DocResidentID, withCheck("11010518991231002"), "", app.ErrIDDate},
		{"resident province 99", app.DocResidentID, withCheck("99010519491231002"), "", app.ErrIDRegion},
		{"resident province 71 Taiwan", app.DocResidentID, withCheck("71000019491231002"), "", app.ErrIDRegion},
		{"resident province 81 Hong Kong", app.DocResidentID, withCheck("81000019491231002"), "", app.ErrIDRegion},
		{"resident province 00", app.DocResidentID, withCheck("00010519491231002"), "", app.ErrIDRegion},
		{"resident 17 characters", app.DocResidentID, "11010519491231002", "", app.ErrIDLength},
		{"resident 19 characters", app.DocResidentID, "11010519491231002X1", "", app.ErrIDLength},
		{"resident old 15 digits", app.DocResidentID, "110105491231002", "", app.ErrIDLength},
		{"resident letter inside", app.DocResidentID, "1101051949A231002X", "", app.ErrIDFormat},
		{"resident check char Y", app.DocResidentID, "11010519491231002Y", "", app.ErrIDFormat},
		{"resident X not last", app.DocResidentID, "X10105194912310021", "", app.ErrIDFormat},
		{"resident dot inside", app.DocResidentID, "110105.9491231002X", "", app.ErrIDFormat},
		{"resident Chinese numerals inside", app.DocResidentID, "110105一九四九1231002X", "", app.ErrIDFormat},
		{"resident accented letter last", app.DocResidentID, "11010519491231002É", "", app.ErrIDFormat},
		{"resident empty", app.DocResidentID, "", "", app.ErrIDEmpty},
		{"resident only blanks", app.DocResidentID, " \t-（）", "", app.ErrIDEmpty},

		// 港澳台居民居住证
		{"permit Hong Kong", app.DocResidencePermit, withCheck("81000019970701123"), withCheck("81000019970701123"), nil},
		{"permit Macao", app.DocResidencePermit, withCheck("82000019991220456"), withCheck("82000019991220456"), nil},
		{"permit Taiwan", app.DocResidencePermit, withCheck("83000020000229789"), withCheck("83000020000229789"), nil},
		{"permit mainland prefix", app.DocResidencePermit, "11010519491231002X", "", app.ErrIDRegion},
		{"permit 810100 prefix", app.DocResidencePermit, withCheck("81010019970701123"), "", app.ErrIDRegion},
		{"permit bad check", app.DocResidencePermit, badCheck("81000019970701123"), "", app.ErrIDChecksum},
		{"permit bad date", app.DocResidencePermit, withCheck("83000019990229789"), "", app.ErrIDDate},
		{"permit as resident ID", app.DocResidentID, withCheck("81000019970701123"), "", app.ErrIDRegion},
		{"permit short", app.DocResidencePermit, "8100001997070112", "", app.ErrIDLength},

		// 港澳居民来往内地通行证
		{"HK/MO permit H", app.DocHKMOPermit, "H12345678", "H12345678", nil},
		{"HK/MO permit M", app.DocHKMOPermit, "M87654321", "M87654321", nil},
		{"HK/MO permit with issue count", app.DocHKMOPermit, "H1234567801", "H1234567801", nil},
		{"HK/MO permit lower case, spaced", app.DocHKMOPermit, "h 1234 5678", "H12345678", nil},
		{"HK/MO permit full-width", app.DocHKMOPermit, "Ｍ１２３４５６７８", "M12345678", nil},
		{"HK/MO permit wrong letter", app.DocHKMOPermit, "C12345678", "", app.ErrIDFormat},
		{"HK/MO permit two letters", app.DocHKMOPermit, "HM2345678", "", app.ErrIDFormat},
		{"HK/MO permit no letter", app.DocHKMOPermit, "123456789", "", app.ErrIDFormat},
		{"HK/MO permit 7 digits", app.DocHKMOPermit, "H1234567", "", app.ErrIDLength},
		{"HK/MO permit 9 digits", app.DocHKMOPermit, "H123456789", "", app.ErrIDLength},

		// 台湾居民来往大陆通行证
		{"TW permit 8 digits", app.DocTWPermit, "12345678", "12345678", nil},
		{"TW permit 10 digits", app.DocTWPermit, "1234567890", "1234567890", nil},
		{"TW permit spaced", app.DocTWPermit, "1234 5678", "12345678", nil},
		{"TW permit 7 digits", app.DocTWPermit, "1234567", "", app.ErrIDLength},
		{"TW permit 9 digits", app.DocTWPermit, "123456789", "", app.ErrIDLength},
		{"TW permit letter", app.DocTWPermit, "1234567A", "", app.ErrIDFormat},

		// 护照
		{"passport Chinese E", app.DocPassport, "E12345678", "E12345678", nil},
		{"passport Chinese EA", app.DocPassport, "EA1234567", "EA1234567", nil},
		{"passport Chinese G lower", app.DocPassport, "g12345678", "G12345678", nil},
		{"passport foreign digits", app.DocPassport, "123456789", "123456789", nil},
		{"passport foreign X", app.DocPassport, "X1234567", "X1234567", nil},
		{"passport 5 characters", app.DocPassport, "AB123", "AB123", nil},
		{"passport 17 characters", app.DocPassport, "ABCDEFGH123456789", "ABCDEFGH123456789", nil},
		{"passport hyphen dropped", app.DocPassport, "E-1234-5678", "E12345678", nil},
		{"passport no digits", app.DocPassport, "ABCDE", "", app.ErrIDFormat},
		{"passport too short", app.DocPassport, "E123", "", app.ErrIDLength},
		{"passport 18 characters", app.DocPassport, "E12345678901234567", "", app.ErrIDLength},
		{"passport punctuation", app.DocPassport, "E1234.5678", "", app.ErrIDFormat},
		{"passport slash", app.DocPassport, "E1234/5678", "", app.ErrIDFormat},
		{"passport Chinese letter", app.DocPassport, "E1234护照78", "", app.ErrIDFormat},
		{"passport 4 Chinese characters", app.DocPassport, "护照号码", "", app.ErrIDFormat},
		{"TW permit circled digits", app.DocTWPermit, "①②③④⑤⑥⑦⑧", "", app.ErrIDFormat},

		// 外国人永久居留身份证
		{"foreign PR 2023", app.DocForeignPR, withCheck("91184019900101001"), withCheck("91184019900101001"), nil},
		{"foreign PR 2023 spaced", app.DocForeignPR, "911840 19900101 001" + string(app.CheckChar("91184019900101001")), withCheck("91184019900101001"), nil},
		{"foreign PR 2023 bad check", app.DocForeignPR, badCheck("91184019900101001"), "", app.ErrIDChecksum},
		{"foreign PR 2023 bad date", app.DocForeignPR, withCheck("91184019900231001"), "", app.ErrIDDate},
		{"foreign PR 2023 future date", app.DocForeignPR, withCheck("91184020301231001"), "", app.ErrIDDate},
		{"foreign PR 2023 not starting with 9", app.DocForeignPR, "11010519491231002X", "", app.ErrIDFormat},
		{"foreign PR 2017", app.DocForeignPR, "USA119001010012", "USA119001010012", nil},
		{"foreign PR 2017 lower case", app.DocForeignPR, "can310507154321", "CAN310507154321", nil},
		{"foreign PR 2017 born 2001", app.DocForeignPR, "GBR440103150011", "GBR440103150011", nil},
		{"foreign PR 2017 bad date", app.DocForeignPR, "USA119002300012", "", app.ErrIDDate},
		{"foreign PR 2017 digits for nationality", app.DocForeignPR, "US1119001010012", "", app.ErrIDFormat},
		{"foreign PR 2017 letter in digits", app.DocForeignPR, "USA1190010100A2", "", app.ErrIDFormat},
		{"foreign PR wrong length", app.DocForeignPR, "USA11900101001", "", app.ErrIDLength},

		// Unknown type
		{"unknown document type", app.DocType("driving_licence"), "12345678", "", app.ErrUnknownDocType},
	}
}

func TestValidateNumber(t *testing.T) {
	for _, tc := range numberCases() {
		t.Run(tc.name, func(t *testing.T) {
			got, err := app.ValidateNumber(tc.doc, tc.raw, today)
			if tc.err == nil {
				if err != nil {
					t.Fatalf("ValidateNumber(%s, %q) = %v, want valid", tc.doc, tc.raw, err)
				}
				if got != tc.want {
					t.Fatalf("ValidateNumber(%s, %q) = %q, want %q", tc.doc, tc.raw, got, tc.want)
				}
				return
			}
			if err == nil {
				t.Fatalf("ValidateNumber(%s, %q) = %q, nil; want %v", tc.doc, tc.raw, got, tc.err)
			}
			if got != "" {
				t.Errorf("invalid number returned %q, want empty", got)
			}
			if !errors.Is(err, tc.err) {
				t.Errorf("ValidateNumber(%s, %q) error = %v, want errors.Is %v", tc.doc, tc.raw, err, tc.err)
			}
			var idErr *app.IDError
			if !errors.As(err, &idErr) {
				t.Fatalf("error %v (%T) is not an *app.IDError", err, err)
			}
			if idErr.Doc != tc.doc || idErr.Reason != tc.err {
				t.Errorf("IDError = {%s, %v}, want {%s, %v}", idErr.Doc, idErr.Reason, tc.doc, tc.err)
			}
			if !strings.Contains(err.Error(), string(tc.doc)) {
				t.Errorf("error text %q does not name the document type", err)
			}
		})
	}
}

func TestValidateNumberTodayIsADate(t *testing.T) {
	// Late on 26 November in Beijing is still the 26th: a birth date of the
	// 26th is not "in the future".
	beijing := time.FixedZone("CST", 8*3600)
	late := time.Date(2026, 11, 26, 23, 59, 0, 0, beijing)
	if _, err := app.ValidateNumber(app.DocResidentID, withCheck("31011520261126001"), late); err != nil {
		t.Errorf("born on today's local date: %v", err)
	}
	if _, err := app.ValidateNumber(app.DocResidentID, withCheck("31011520261127001"), late); !errors.Is(err, app.ErrIDDate) {
		t.Errorf("born tomorrow: err = %v, want ErrIDDate", err)
	}
}

func TestValidateNumberForeignPRCentury(t *testing.T) {
	// The 2017 card writes the birth year with two digits. 1926-12-01 is
	// a real birth date on 2026-11-26, while 2026-12-01 is in the future.
	if _, err := app.ValidateNumber(app.DocForeignPR, "USA112612010012", today); err != nil {
		t.Errorf("born 1 December 1926 (YY = this year, date later in the year): %v", err)
	}
	// Born earlier this year: 2026 is the only reading that is not a
	// century ago, and both are in the past, so it is valid either way.
	if _, err := app.ValidateNumber(app.DocForeignPR, "USA112601010012", today); err != nil {
		t.Errorf("born 1 January (26): %v", err)
	}
	// 29 February 2000 (a leap year) but 1900 is not.
	if _, err := app.ValidateNumber(app.DocForeignPR, "USA110002290012", today); err != nil {
		t.Errorf("born 29 February 2000: %v", err)
	}
	// 30 February is impossible in any century.
	if _, err := app.ValidateNumber(app.DocForeignPR, "USA119902300012", today); !errors.Is(err, app.ErrIDDate) {
		t.Errorf("30 February: err = %v, want ErrIDDate", err)
	}
}

func TestNormalizeNumber(t *testing.T) {
	cases := []struct{ in, want string }{
		{"", ""},
		{"11010519491231002x", "11010519491231002X"},
		{"１１０１０５ 19491231 002ｘ", "11010519491231002X"},
		{" e1234-5678 ", "E12345678"},
		{"H(1234)5678", "H12345678"},
		{"H（1234）5678", "H12345678"},
		{"\t1234\n5678\u3000", "12345678"},
		{"ｕｓａ", "USA"},
	}
	for _, c := range cases {
		if got := app.NormalizeNumber(c.in); got != c.want {
			t.Errorf("NormalizeNumber(%q) = %q, want %q", c.in, got, c.want)
		}
	}
}

func TestParseDocType(t *testing.T) {
	cases := []struct {
		in   string
		want app.DocType
	}{
		{"", app.DocResidentID},
		{"  ", app.DocResidentID},
		{"resident_id", app.DocResidentID},
		{"RESIDENT_ID", app.DocResidentID},
		{"residence_permit", app.DocResidencePermit},
		{"hkmo_permit", app.DocHKMOPermit},
		{"tw_permit", app.DocTWPermit},
		{"Passport", app.DocPassport},
		{"foreign_pr", app.DocForeignPR},
		{"居民身份证", app.DocResidentID},
		{" 身份证 ", app.DocResidentID},
		{"港澳台居民居住证", app.DocResidencePermit},
		{"港澳居民来往内地通行证", app.DocHKMOPermit},
		{"回乡证", app.DocHKMOPermit},
		{"台湾居民来往大陆通行证", app.DocTWPermit},
		{"台胞证", app.DocTWPermit},
		{"护照", app.DocPassport},
		{"外国人永久居留身份证", app.DocForeignPR},
		{"外国人永久居留证", app.DocForeignPR},
	}
	for _, c := range cases {
		got, err := app.ParseDocType(c.in)
		if err != nil || got != c.want {
			t.Errorf("ParseDocType(%q) = %q, %v; want %q", c.in, got, err, c.want)
		}
	}
	for _, bad := range []string{"驾驶证", "id", "resident", "passport2"} {
		got, err := app.ParseDocType(bad)
		if !errors.Is(err, app.ErrUnknownDocType) {
			t.Errorf("ParseDocType(%q) = %q, %v; want ErrUnknownDocType", bad, got, err)
		}
		if got != "" {
			t.Errorf("ParseDocType(%q) returned %q with an error", bad, got)
		}
	}
	// Every listed type parses back from its own code.
	for _, d := range app.DocTypes {
		if got, err := app.ParseDocType(string(d)); err != nil || got != d {
			t.Errorf("ParseDocType(%q) = %q, %v", d, got, err)
		}
	}
	if app.DocTypes[0] != app.DocResidentID {
		t.Errorf("default document type is %q, want resident ID first", app.DocTypes[0])
	}
}

func TestValidateName(t *testing.T) {
	ok := []struct{ in, want string }{
		{"张三", "张三"},
		{"  张三  ", "张三"},
		{"欧阳娜娜", "欧阳娜娜"},
		{"阿依古丽·买买提", "阿依古丽·买买提"},
		{"阿依古丽・买买提", "阿依古丽·买买提"}, // katakana middle dot, as some input methods type it
		{"阿依古丽•买买提", "阿依古丽·买买提"},
		{"阿依古丽･买买提", "阿依古丽·买买提"},
		{"John O'Neil-Smith", "John O'Neil-Smith"},
		{"John O’Neil‐Smith", "John O'Neil-Smith"}, // typographic apostrophe and hyphen
		{"  John   Smith ", "John Smith"},
		{"Ｊｏｈｎ　Ｓｍｉｔｈ", "John Smith"},
		{"J. R. R. Tolkien", "J. R. R. Tolkien"},
		{"Zoë Müller", "Zoë Müller"},
		{strings.Repeat("龙", app.MaxNameRunes), strings.Repeat("龙", app.MaxNameRunes)},
	}
	for _, c := range ok {
		got, err := app.ValidateName(c.in)
		if err != nil || got != c.want {
			t.Errorf("ValidateName(%q) = %q, %v; want %q", c.in, got, err, c.want)
		}
	}
	bad := []struct {
		in  string
		err error
	}{
		{"", app.ErrNameEmpty},
		{" \u3000\t", app.ErrNameEmpty},
		{"张3", app.ErrNameChars},
		{"Zhang San 2", app.ErrNameChars},
		{"Zhang_San", app.ErrNameChars},
		{"张三!", app.ErrNameChars},
		{"张三😀", app.ErrNameChars},
		{"<script>", app.ErrNameChars},
		{strings.Repeat("龙", app.MaxNameRunes+1), app.ErrNameLong},
		{strings.Repeat("ab ", 30) + "c", app.ErrNameLong},
	}
	for _, c := range bad {
		got, err := app.ValidateName(c.in)
		if !errors.Is(err, c.err) {
			t.Errorf("ValidateName(%q) = %q, %v; want %v", c.in, got, err, c.err)
		}
		if err != nil && got != "" {
			t.Errorf("ValidateName(%q) returned %q with an error", c.in, got)
		}
	}
}

func TestNewIdentity(t *testing.T) {
	id, err := app.NewIdentity(app.DocResidentID, "１１０１０５ 19491231 002x", " 张三 ", today)
	if err != nil {
		t.Fatal(err)
	}
	want := app.Identity{Doc: app.DocResidentID, Number: "11010519491231002X", Name: "张三"}
	if id != want {
		t.Errorf("NewIdentity = %+v, want %+v", id, want)
	}
	if _, err := app.NewIdentity(app.DocResidentID, "110105194912310021", "张三", today); !errors.Is(err, app.ErrIDChecksum) {
		t.Errorf("bad number: err = %v, want ErrIDChecksum", err)
	}
	// At the kiosk only the number is typed; the roster's name is confirmed later.
	if id, err := app.NewIdentity(app.DocResidentID, "11010519491231002X", " ", today); err != nil || id.Name != "" {
		t.Errorf("no name: %+v, %v; want the number alone", id, err)
	}
	if _, err := app.NewIdentity(app.DocResidentID, "11010519491231002X", "张3", today); !errors.Is(err, app.ErrNameChars) {
		t.Errorf("a name given is still checked: err = %v, want ErrNameChars", err)
	}
}

func TestMaskID(t *testing.T) {
	cases := []struct{ in, want string }{
		{"11010519491231002X", "110105********002X"},
		{withCheck("91184019900101001"), "911840********" + withCheck("91184019900101001")[14:]},
		{"USA119001010012", "USA119*****0012"},
		{"E12345678", "E1*****78"},
		{"H1234567801", "H1*******01"},
		{"12345678", "12****78"},
		{"AB123", "AB*23"},
		{"1234", "****"},
		{"1", "*"},
		{"", ""},
	}
	for _, c := range cases {
		if got := app.MaskID(c.in); got != c.want {
			t.Errorf("MaskID(%q) = %q, want %q", c.in, got, c.want)
		}
	}
}

func TestMaskIDNotNormalised(t *testing.T) {
	// A roster may hold a number that was never normalised; the mask must
	// still be valid text of the same length.
	in := "１１０１０５１９４９１２３１００２Ｘ"
	got := app.MaskID(in)
	if !utf8.ValidString(got) {
		t.Fatalf("MaskID(%q) = %q is not valid UTF-8", in, got)
	}
	if want := "１１０１０５********００２Ｘ"; got != want {
		t.Errorf("MaskID(%q) = %q, want %q", in, got, want)
	}
}

func TestMaskName(t *testing.T) {
	cases := []struct{ in, want string }{
		{"张三明", "张*明"},
		{"张三", "张*"},
		{"欧阳娜娜", "欧**娜"},
		{"欧阳小峰锋", "欧***锋"},
		{"阿依古丽·买买提", "阿******提"},
		{"John Smith", "John S***h"},
		{"Anna Maria Schmidt", "Anna M***a S*****t"},
		{"Li  Na", "Li  N*"},
		{"A B", "A*B"},
		{" Jo", " *o"},
		{"张", "张"},
		{"", ""},
	}
	for _, c := range cases {
		got := app.MaskName(c.in)
		if got != c.want {
			t.Errorf("MaskName(%q) = %q, want %q", c.in, got, c.want)
		}
		if n := utf8.RuneCountInString(c.in); n >= 2 && !strings.Contains(got, "*") {
			t.Errorf("MaskName(%q) = %q hides nothing", c.in, got)
		}
	}
}

// Fuzz targets. Seeds are the table's numbers plus a few odd inputs.

func FuzzValidateNumber(f *testing.F) {
	for _, tc := range numberCases() {
		f.Add(tc.raw)
	}
	for _, s := range []string{"", "X", "9", "\xff\xfe", "ǅ", "ß", "ﬀ", "Ⅻ", "①②③", "١٢٣٤٥٦٧٨", "H１２３４５６７８", "\u00a0E1234 5678"} {
		f.Add(s)
	}
	f.Fuzz(func(t *testing.T, raw string) {
		for _, doc := range append(app.DocTypes, app.DocType("other")) {
			out, err := app.ValidateNumber(doc, raw, today)
			if err != nil {
				var idErr *app.IDError
				if !errors.As(err, &idErr) {
					t.Fatalf("%s %q: error %v (%T) is not an *IDError", doc, raw, err, err)
				}
				if out != "" {
					t.Fatalf("%s %q: invalid but returned %q", doc, raw, out)
				}
				if !isIDSentinel(idErr.Reason) {
					t.Fatalf("%s %q: reason %v is not a sentinel", doc, raw, idErr.Reason)
				}
				continue
			}
			if n := app.NormalizeNumber(out); n != out {
				t.Fatalf("%s %q: valid output %q is not normalised (%q)", doc, raw, out, n)
			}
			again, err := app.ValidateNumber(doc, out, today)
			if err != nil || again != out {
				t.Fatalf("%s %q: revalidating %q = %q, %v", doc, raw, out, again, err)
			}
			for i := 0; i < len(out); i++ {
				if c := out[i]; !(c >= '0' && c <= '9' || c >= 'A' && c <= 'Z') {
					t.Fatalf("%s %q: valid output %q has %q", doc, raw, out, c)
				}
			}
		}
	})
}

func isIDSentinel(err error) bool {
	for _, s := range []error{app.ErrUnknownDocType, app.ErrIDEmpty, app.ErrIDLength, app.ErrIDFormat, app.ErrIDRegion, app.ErrIDDate, app.ErrIDChecksum} {
		if err == s {
			return true
		}
	}
	return false
}

func FuzzNormalizeNumber(f *testing.F) {
	for _, s := range []string{"", "11010519491231002x", "１１０１０５ 19491231 002x", "H（1234）5678", "ǅ", "ß", "ﬀ", "\xff", "ｱ", "・", "\u3000"} {
		f.Add(s)
	}
	f.Fuzz(func(t *testing.T, s string) {
		once := app.NormalizeNumber(s)
		if twice := app.NormalizeNumber(once); twice != once {
			t.Fatalf("NormalizeNumber not idempotent: %q → %q → %q", s, once, twice)
		}
		if strings.ContainsAny(once, " \t\n-()（）") {
			t.Fatalf("NormalizeNumber(%q) = %q keeps a separator", s, once)
		}
	})
}

func FuzzValidateName(f *testing.F) {
	for _, s := range []string{"张三", "阿依古丽·买买提", "阿依古丽・买买提", "John O'Neil-Smith", "Ｊｏｈｎ　Ｓｍｉｔｈ", "", "张3", "\xff", strings.Repeat("龙", 61)} {
		f.Add(s)
	}
	f.Fuzz(func(t *testing.T, s string) {
		out, err := app.ValidateName(s)
		if err != nil {
			if out != "" {
				t.Fatalf("ValidateName(%q) returned %q with %v", s, out, err)
			}
			if !errors.Is(err, app.ErrNameEmpty) && !errors.Is(err, app.ErrNameLong) && !errors.Is(err, app.ErrNameChars) {
				t.Fatalf("ValidateName(%q): unexpected error %v", s, err)
			}
			return
		}
		if !utf8.ValidString(out) {
			t.Fatalf("ValidateName(%q) = %q is not valid UTF-8", s, out)
		}
		if n := utf8.RuneCountInString(out); n == 0 || n > app.MaxNameRunes {
			t.Fatalf("ValidateName(%q) = %q has %d runes", s, out, n)
		}
		if strings.TrimSpace(out) != out || strings.Contains(out, "  ") {
			t.Fatalf("ValidateName(%q) = %q is not trimmed and collapsed", s, out)
		}
		again, err := app.ValidateName(out)
		if err != nil || again != out {
			t.Fatalf("ValidateName(%q) = %q, but again = %q, %v", s, out, again, err)
		}
	})
}

func FuzzMask(f *testing.F) {
	for _, s := range []string{"", "1", "张", "张三", "张三明", "11010519491231002X", "E12345678", "１１０１０５１９４９１２３１００２Ｘ", "\xff\xfe", "a\xffb"} {
		f.Add(s)
	}
	f.Fuzz(func(t *testing.T, s string) {
		n := utf8.RuneCountInString(s)
		id := app.MaskID(s)
		if m := utf8.RuneCountInString(id); m != n {
			t.Fatalf("MaskID(%q) = %q: %d runes, want %d", s, id, m, n)
		}
		if n > 0 && !strings.Contains(id, "*") {
			t.Fatalf("MaskID(%q) = %q hides nothing", s, id)
		}
		if utf8.ValidString(s) && !utf8.ValidString(id) {
			t.Fatalf("MaskID(%q) = %q is not valid UTF-8", s, id)
		}
		name := app.MaskName(s)
		if m := utf8.RuneCountInString(name); m != n {
			t.Fatalf("MaskName(%q) = %q: %d runes, want %d", s, name, m, n)
		}
		if n >= 2 && !strings.Contains(name, "*") {
			t.Fatalf("MaskName(%q) = %q hides nothing", s, name)
		}
	})
}

func TestRosterEntryMatches(t *testing.T) {
	entry := app.RosterEntry{Doc: app.DocResidentID, Number: "11010519491231002X", Name: "阿依古丽·买买提"}
	for _, typed := range []string{"阿依古丽·买买提", "阿依古丽・买买提", " 阿依古丽•买买提 "} {
		id, err := app.NewIdentity(app.DocResidentID, "11010519491231002x", typed, today)
		if err != nil {
			t.Fatal(err)
		}
		if !entry.Matches(id) {
			t.Errorf("roster %q does not match typed %q", entry.Name, typed)
		}
	}
	id, _ := app.NewIdentity(app.DocResidentID, "11010519491231002X", "阿依古丽", today)
	if entry.Matches(id) {
		t.Error("a different name matches")
	}
	id, _ = app.NewIdentity(app.DocPassport, "11010519491231002X", "阿依古丽·买买提", today)
	if entry.Matches(id) {
		t.Error("a different document type matches")
	}
	// A spreadsheet's autocorrected apostrophe matches the typed one.
	oneil := app.RosterEntry{Doc: app.DocPassport, Number: "E12345678", Name: "Mary O’Neil"}
	id, _ = app.NewIdentity(app.DocPassport, "E12345678", "Mary O'Neil", today)
	if !oneil.Matches(id) {
		t.Error("roster O’Neil does not match typed O'Neil")
	}
	// A roster name written with full-width letters and extra spaces still matches.
	latin := app.RosterEntry{Doc: app.DocPassport, Number: "E12345678", Name: "Ｊｏｈｎ　 Smith"}
	id, _ = app.NewIdentity(app.DocPassport, "e12345678", "John Smith", today)
	if !latin.Matches(id) {
		t.Error("full-width roster name does not match")
	}
}
