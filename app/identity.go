package app

import (
	"errors"
	"fmt"
	"slices"
	"strings"
	"time"
	"unicode"
	"unicode/utf8"

	"golang.org/x/text/width"
)

// DocType is the kind of identity document a graduate shows.
type DocType string

// The identity documents the kiosk accepts at the Identity step.
const (
	DocResidentID      DocType = "resident_id"      // 居民身份证
	DocResidencePermit DocType = "residence_permit" // 港澳台居民居住证
	DocHKMOPermit      DocType = "hkmo_permit"      // 港澳居民来往内地通行证
	DocTWPermit        DocType = "tw_permit"        // 台湾居民来往大陆通行证
	DocPassport        DocType = "passport"         // 护照
	DocForeignPR       DocType = "foreign_pr"       // 外国人永久居留身份证
)

// CardSides lists the sides of the document the kiosk photographs: both
// sides of a card; none of a passport (its number and the roster's record
// are enough, and its data page is not a card the guide fits).
func (d DocType) CardSides() []CardSide {
	if d == DocPassport {
		return nil
	}
	return []CardSide{CardFront, CardBack}
}

// Letters reports whether the document's numbers have letters besides X.
func (d DocType) Letters() bool { return d != DocResidentID && d != DocResidencePermit }

// DocTypes lists every accepted document type, the default first.
var DocTypes = []DocType{DocResidentID, DocResidencePermit, DocHKMOPermit, DocTWPermit, DocPassport, DocForeignPR}

// ParseDocType accepts a DocType code or its Chinese name (as rosters write it).
// An empty string means the default, 居民身份证.
func ParseDocType(s string) (DocType, error) {
	s = strings.TrimSpace(s)
	if s == "" {
		return DocResidentID, nil
	}
	for _, d := range DocTypes {
		if strings.EqualFold(s, string(d)) {
			return d, nil
		}
	}
	if d, ok := docTypeNames[s]; ok {
		return d, nil
	}
	return "", fmt.Errorf("%w: %q", ErrUnknownDocType, s)
}

var docTypeNames = map[string]DocType{
	"居民身份证": DocResidentID, "身份证": DocResidentID,
	"港澳台居民居住证": DocResidencePermit, "居住证": DocResidencePermit,
	"港澳居民来往内地通行证": DocHKMOPermit, "港澳通行证": DocHKMOPermit, "回乡证": DocHKMOPermit,
	"台湾居民来往大陆通行证": DocTWPermit, "台湾通行证": DocTWPermit, "台胞证": DocTWPermit,
	"护照":         DocPassport,
	"外国人永久居留身份证": DocForeignPR, "外国人永久居留证": DocForeignPR, "永久居留身份证": DocForeignPR,
}

// Errors of ID-number validation. ValidateNumber wraps one of them in an *IDError.
var (
	ErrUnknownDocType = errors.New("unknown document type")
	ErrIDEmpty        = errors.New("number is empty")
	ErrIDLength       = errors.New("wrong length")
	ErrIDFormat       = errors.New("wrong characters")
	ErrIDRegion       = errors.New("unknown region code")
	ErrIDDate         = errors.New("invalid birth date")
	ErrIDChecksum     = errors.New("bad check character")
)

// IDError says why a number is not valid for its document type.
type IDError struct {
	Doc    DocType
	Reason error // one of the ErrID* sentinels
}

func (e *IDError) Error() string { return fmt.Sprintf("%s: %v", e.Doc, e.Reason) }
func (e *IDError) Unwrap() error { return e.Reason }

// NormalizeNumber folds full-width characters to ASCII, upper-cases letters
// and drops spaces, hyphens and brackets, as graduates and spreadsheets type them.
func NormalizeNumber(raw string) string {
	var b strings.Builder
	b.Grow(len(raw))
	for _, r := range width.Narrow.String(raw) {
		switch {
		case unicode.IsSpace(r), r == '-', r == '(', r == ')', r == '（', r == '）':
			continue
		}
		b.WriteRune(unicode.ToUpper(r))
	}
	return b.String()
}

// ValidateNumber normalises raw and checks it against the rules of doc.
// It returns the normalised number, or an *IDError.
func ValidateNumber(doc DocType, raw string, today time.Time) (string, error) {
	n := NormalizeNumber(raw)
	fail := func(reason error) (string, error) { return "", &IDError{Doc: doc, Reason: reason} }
	if n == "" {
		return fail(ErrIDEmpty)
	}
	if slices.Contains(DocTypes, doc) && !isASCII(n) {
		// Every accepted number is ASCII letters and digits. Lengths are
		// counted in bytes below, so a multi-byte character would otherwise
		// be reported as a wrong length.
		return fail(ErrIDFormat)
	}
	var err error
	switch doc {
	case DocResidentID:
		err = checkResidentID(n, today, false)
	case DocResidencePermit:
		err = checkResidentID(n, today, true)
	case DocHKMOPermit:
		err = checkPattern(n, hkmoPermit)
	case DocTWPermit:
		err = checkPattern(n, twPermit)
	case DocPassport:
		err = checkPassport(n)
	case DocForeignPR:
		err = checkForeignPR(n, today)
	default:
		return fail(ErrUnknownDocType)
	}
	if err != nil {
		return fail(err)
	}
	return n, nil
}

// provinces are the first two digits of GB/T 2260 codes that issue resident IDs.
var provinces = map[string]bool{
	"11": true, "12": true, "13": true, "14": true, "15": true,
	"21": true, "22": true, "23": true,
	"31": true, "32": true, "33": true, "34": true, "35": true, "36": true, "37": true,
	"41": true, "42": true, "43": true, "44": true, "45": true, "46": true,
	"50": true, "51": true, "52": true, "53": true, "54": true,
	"61": true, "62": true, "63": true, "64": true, "65": true,
}

// permitPrefixes are the fixed address codes of 港澳台居民居住证 (Hong Kong, Macao, Taiwan).
var permitPrefixes = map[string]bool{"810000": true, "820000": true, "830000": true}

// checkResidentID applies GB 11643-1999: 17 digits, a MOD 11-2 check
// character, a real birth date not in the future and a known region.
func checkResidentID(n string, today time.Time, permit bool) error {
	if len(n) != 18 {
		return ErrIDLength
	}
	if !allDigits(n[:17]) || !isCheckChar(n[17]) {
		return ErrIDFormat
	}
	if permit && !permitPrefixes[n[:6]] {
		return ErrIDRegion
	}
	if !permit && !provinces[n[:2]] {
		return ErrIDRegion
	}
	if !validDate(n[6:14], today) {
		return ErrIDDate
	}
	if CheckChar(n[:17]) != n[17] {
		return ErrIDChecksum
	}
	return nil
}

// CheckChar computes the GB 11643 MOD 11-2 check character of 17 digits.
func CheckChar(digits17 string) byte {
	weights := [17]int{7, 9, 10, 5, 8, 4, 2, 1, 6, 3, 7, 9, 10, 5, 8, 4, 2}
	sum := 0
	for i := 0; i < 17; i++ {
		sum += int(digits17[i]-'0') * weights[i]
	}
	return "10X98765432"[sum%11]
}

// validDate reports whether yyyymmdd is a real calendar date between 1900 and today.
func validDate(yyyymmdd string, today time.Time) bool {
	t, err := time.Parse("20060102", yyyymmdd)
	if err != nil || t.Year() < 1900 {
		return false
	}
	y, m, d := today.Date()
	return !t.After(time.Date(y, m, d, 0, 0, 0, 0, time.UTC))
}

type pattern struct {
	lengths []int
	valid   func(n string) bool
}

// hkmoPermit: H or M, then 8 digits, optionally 2 more (the issue count).
var hkmoPermit = pattern{lengths: []int{9, 11}, valid: func(n string) bool {
	return (n[0] == 'H' || n[0] == 'M') && allDigits(n[1:])
}}

// twPermit: 8 digits since 2015; 10 digits on older permits.
var twPermit = pattern{lengths: []int{8, 10}, valid: allDigits}

func checkPattern(n string, p pattern) error {
	ok := false
	for _, l := range p.lengths {
		ok = ok || len(n) == l
	}
	if !ok {
		return ErrIDLength
	}
	if !p.valid(n) {
		return ErrIDFormat
	}
	return nil
}

// checkPassport accepts the ICAO document-number alphabet: 5 to 17 letters
// and digits with at least one digit (Chinese passports: E/G + 8).
func checkPassport(n string) error {
	if len(n) < 5 || len(n) > 17 {
		return ErrIDLength
	}
	digits := 0
	for i := 0; i < len(n); i++ {
		c := n[i]
		switch {
		case c >= '0' && c <= '9':
			digits++
		case c >= 'A' && c <= 'Z':
		default:
			return ErrIDFormat
		}
	}
	if digits == 0 {
		return ErrIDFormat
	}
	return nil
}

// checkForeignPR accepts the 2023 card (18 characters: 9, region, nationality,
// birth date, sequence, MOD 11-2 check) and the 2017 card (15 characters:
// 3-letter nationality, 2-digit region, YYMMDD birth date, sequence, check digit).
func checkForeignPR(n string, today time.Time) error {
	switch len(n) {
	case 18:
		if n[0] != '9' || !allDigits(n[:17]) || !isCheckChar(n[17]) {
			return ErrIDFormat
		}
		if !validDate(n[6:14], today) {
			return ErrIDDate
		}
		if CheckChar(n[:17]) != n[17] {
			return ErrIDChecksum
		}
		return nil
	case 15:
		if !allLetters(n[:3]) || !allDigits(n[3:]) {
			return ErrIDFormat
		}
		if !validShortDate(n[5:11], today) {
			return ErrIDDate
		}
		return nil
	}
	return ErrIDLength
}

// validShortDate checks a YYMMDD date: the 2000s reading when it is a real
// date not in the future, else the 1900s one (born 1926-12-01 is "261201"
// and must not be read as a date later this year).
func validShortDate(yymmdd string, today time.Time) bool {
	return validDate("20"+yymmdd, today) || validDate("19"+yymmdd, today)
}

func allDigits(s string) bool {
	for i := 0; i < len(s); i++ {
		if s[i] < '0' || s[i] > '9' {
			return false
		}
	}
	return true
}

func isASCII(s string) bool {
	for i := 0; i < len(s); i++ {
		if s[i] >= utf8.RuneSelf {
			return false
		}
	}
	return true
}

func allLetters(s string) bool {
	for i := 0; i < len(s); i++ {
		if s[i] < 'A' || s[i] > 'Z' {
			return false
		}
	}
	return true
}

func isCheckChar(c byte) bool { return (c >= '0' && c <= '9') || c == 'X' }

// Errors of name validation.
var (
	ErrNameEmpty = errors.New("name is empty")
	ErrNameLong  = errors.New("name is too long")
	ErrNameChars = errors.New("name has characters that are not letters")
)

// MaxNameRunes bounds a name; the longest official transliterations stay below it.
const MaxNameRunes = 60

// NormalizeName trims, folds full-width Latin to ASCII, collapses inner
// spaces and writes every variant of the ethnic-name separator dot as ·
// (U+00B7), of the apostrophe as ' and of the hyphen as -, so a name typed
// with ・ or • matches the roster's ·, and a spreadsheet's O’Neil matches O'Neil.
func NormalizeName(raw string) string {
	n := strings.Map(func(r rune) rune {
		switch {
		case strings.ContainsRune(nameDots, r):
			return '·'
		case strings.ContainsRune(nameApostrophes, r):
			return '\''
		case strings.ContainsRune(nameHyphens, r):
			return '-'
		}
		return r
	}, width.Narrow.String(raw))
	return strings.Join(strings.Fields(n), " ")
}

// Variants of the punctuation allowed in names, as input methods and
// spreadsheets' autocorrection write them. nameDots: middle dot, bullet,
// katakana middle dot (full and half width), hyphenation point, bullet and
// dot operators. nameApostrophes: right and left single quotation marks,
// modifier letter apostrophe. nameHyphens: hyphen, non-breaking hyphen, en dash.
const (
	nameDots        = "·•・･‧∙⋅"
	nameApostrophes = "’‘ʼ"
	nameHyphens     = "‐‑–"
)

// ValidateName accepts Chinese names (with the ethnic-name dot ·) and Latin
// names (letters, spaces, hyphens, apostrophes, dots). It returns the normalised name.
func ValidateName(raw string) (string, error) {
	n := NormalizeName(raw)
	if n == "" {
		return "", ErrNameEmpty
	}
	if utf8.RuneCountInString(n) > MaxNameRunes {
		return "", ErrNameLong
	}
	for _, r := range n {
		if !unicode.IsLetter(r) && !strings.ContainsRune(" ·.'-", r) {
			return "", ErrNameChars
		}
	}
	return n, nil
}

// MaskID shows an ID number as 110105********002X: the region (6) and the last
// four stay, the rest is starred. Short numbers keep two characters each side.
// It counts characters, not bytes, so a number that was never normalised
// (full-width digits from a spreadsheet) is not cut inside a character.
func MaskID(n string) string {
	r := []rune(n)
	head, tail := 6, 4
	if len(r) < 15 {
		head, tail = 2, 2
	}
	if len(r) <= head+tail {
		return strings.Repeat("*", len(r))
	}
	return string(r[:head]) + strings.Repeat("*", len(r)-head-tail) + string(r[len(r)-tail:])
}

// MaskName shows a name as 张*明: first and last character kept, the middle
// starred; a two-character name keeps its first (张*). A name of several
// words written with spaces (a passport's Latin name) keeps its first word
// and the first and last letter of each other one (Anna S*****t), so a
// graduate can still recognise it. Something is always hidden.
func MaskName(name string) string {
	r := []rune(name)
	if masked, ok := maskWords(r); ok {
		return masked
	}
	return maskWord(r)
}

// maskWord keeps the first and last rune of r (the first only when r is
// two runes long) and stars the rest.
func maskWord(r []rune) string {
	switch {
	case len(r) == 0:
		return ""
	case len(r) <= 2:
		return string(r[0]) + strings.Repeat("*", len(r)-1)
	}
	return string(r[0]) + strings.Repeat("*", len(r)-2) + string(r[len(r)-1])
}

// maskWords masks a name of space-separated words word by word after the
// first; ok is false when r is not such a name or nothing would be hidden.
func maskWords(r []rune) (string, bool) {
	first := -1
	for i, c := range r {
		if c == ' ' {
			first = i
			break
		}
	}
	if first <= 0 {
		return "", false
	}
	var b strings.Builder
	b.WriteString(string(r[:first]))
	hidden := false
	for i := first; i < len(r); {
		j := i
		for j < len(r) && (r[j] == ' ') == (r[i] == ' ') {
			j++
		}
		part := string(r[i:j])
		if r[i] != ' ' {
			part = maskWord(r[i:j])
			hidden = hidden || j-i >= 2
		}
		b.WriteString(part)
		i = j
	}
	return b.String(), hidden
}

// Identity is who the graduate says they are, validated.
type Identity struct {
	Doc    DocType
	Number string // normalised
	Name   string // normalised
}

// NewIdentity validates and normalises a graduate's entry. The name may be
// empty: at the kiosk the graduate types only the number and confirms the
// roster's name; a name given (the terminal, a test) must be valid.
func NewIdentity(doc DocType, number, name string, today time.Time) (Identity, error) {
	n, err := ValidateNumber(doc, number, today)
	if err != nil {
		return Identity{}, err
	}
	if strings.TrimSpace(name) == "" {
		return Identity{Doc: doc, Number: n}, nil
	}
	nm, err := ValidateName(name)
	if err != nil {
		return Identity{}, err
	}
	return Identity{Doc: doc, Number: n, Name: nm}, nil
}
