package ui

import (
	"errors"
	"unicode/utf8"
)

// typeKey applies a keypad key to what is typed: backspace, clear, or the
// key's character when fewer than max are there and keep allows it (nil:
// any).
func typeKey(typed, key string, max int, keep func(string) bool) string {
	switch key {
	case keyBackspace:
		if typed != "" {
			_, n := utf8.DecodeLastRuneInString(typed)
			return typed[:len(typed)-n]
		}
	case keyClear:
		return ""
	default:
		if utf8.RuneCountInString(typed) < max && (keep == nil || keep(key)) {
			return typed + key
		}
	}
	return typed
}

// errKey is one row of a table from errors to translation keys.
type errKey struct {
	err error
	key string
}

// keyOf is the translation key of the first row whose error err is (with
// errors.Is), else fallback.
func keyOf(err error, table []errKey, fallback string) string {
	for _, r := range table {
		if errors.Is(err, r.err) {
			return r.key
		}
	}
	return fallback
}
