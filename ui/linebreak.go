package ui

import (
	"strings"
	"unicode"
)

// Chinese line breaking. Fyne wraps a label at its last space, and breaks
// inside a word only when a line has none; Chinese has no spaces between
// words, so "审核约需 2 个工作日" broke at "2 / 个". phraseBreaks rewrites
// Chinese text so that the only spaces are after the punctuation that ends
// a phrase: a line then breaks between phrases, and inside one only when a
// phrase is longer than the line.

// phraseEnds are the marks after which a Chinese line may break.
const phraseEnds = "，。；：！？、）"

// phraseBreaks drops the spaces between a Chinese character and a word
// character (around numbers and Latin words in a Chinese sentence) and puts
// one after each mark that ends a phrase. Text without Han characters is returned as is.
func phraseBreaks(s string) string {
	if !strings.ContainsFunc(s, isHan) {
		return s
	}
	r := []rune(s)
	var b strings.Builder
	quoted := 0 // inside “…”: a quoted phrase (a button's name) is not broken
	for i, c := range r {
		switch c {
		case '“', '「':
			quoted++
		case '”', '」':
			quoted = max(0, quoted-1)
		}
		if c == ' ' && i > 0 && i+1 < len(r) && inWord(r[i-1]) && inWord(r[i+1]) && (isHan(r[i-1]) || isHan(r[i+1])) {
			continue
		}
		b.WriteRune(c)
		if quoted == 0 && strings.ContainsRune(phraseEnds, c) && i+1 < len(r) && !unicode.IsSpace(r[i+1]) &&
			!strings.ContainsRune(phraseEnds+"”’", r[i+1]) {
			b.WriteRune(' ')
		}
	}
	return b.String()
}

func isHan(c rune) bool { return unicode.Is(unicode.Han, c) }

// inWord: a character a phrase is made of (a Han character, a letter, a digit).
func inWord(c rune) bool { return unicode.IsLetter(c) || unicode.IsDigit(c) }
