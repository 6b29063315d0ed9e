package app

import "strings"

// Agreement is how a field read off the ID card compares with what the
// graduate typed or the roster says.
type Agreement string

// Agreements. A field that differs went on only because the graduate said
// so (the reviewer sees it); one unread was not checked.
const (
	AgreeUnknown Agreement = ""        // the card was not read
	AgreeMatch   Agreement = "match"   // read and the same
	AgreeDiffers Agreement = "differs" // read, different, and the graduate went on
	AgreeUnread  Agreement = "unread"  // the card was read but the field could not be
)

// CardCheck is how the portrait side of a 居民身份证, read by OCR, compared:
// its number with the typed one, its name with the roster's. It keeps no
// text read off the card.
type CardCheck struct {
	Number Agreement
	Name   Agreement
}

// String writes the check as "number:match name:differs" ("" when the card
// was not read), as it is stored and sent to review.
func (c CardCheck) String() string {
	var parts []string
	if c.Number != AgreeUnknown {
		parts = append(parts, "number:"+string(c.Number))
	}
	if c.Name != AgreeUnknown {
		parts = append(parts, "name:"+string(c.Name))
	}
	return strings.Join(parts, " ")
}

// ParseCardCheck reads what String wrote; unknown parts are ignored.
func ParseCardCheck(s string) CardCheck {
	var c CardCheck
	for _, part := range strings.Fields(s) {
		k, v, _ := strings.Cut(part, ":")
		a := Agreement(v)
		if a != AgreeMatch && a != AgreeDiffers && a != AgreeUnread {
			continue
		}
		switch k {
		case "number":
			c.Number = a
		case "name":
			c.Name = a
		}
	}
	return c
}

// Compare compares a field read off the card with the expected value;
// normalise puts both in one form first.
func Compare(read, want string, normalise func(string) string) Agreement {
	switch {
	case read == "":
		return AgreeUnread
	case normalise(read) == normalise(want):
		return AgreeMatch
	}
	return AgreeDiffers
}
