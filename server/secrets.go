package server

import (
	"crypto/rand"
	"encoding/base64"
	"strings"
)

// newToken is a random 256-bit token, URL-safe.
func newToken() string {
	b := make([]byte, 32)
	rand.Read(b)
	return base64.RawURLEncoding.EncodeToString(b)
}

// codeAlphabet has no letters people confuse (0/O, 1/I/L).
const codeAlphabet = "ABCDEFGHJKMNPQRSTUVWXYZ23456789"

// newCode is a one-time code people type: 12 characters in groups of four
// (about 59 bits), e.g. "K7QX-9M2F-3HPT".
func newCode() string {
	var sb strings.Builder
	b := make([]byte, 1)
	for n := 0; n < 12; {
		rand.Read(b)
		if int(b[0]) >= 256/len(codeAlphabet)*len(codeAlphabet) {
			continue // no bias towards the first letters
		}
		if n > 0 && n%4 == 0 {
			sb.WriteByte('-')
		}
		sb.WriteByte(codeAlphabet[int(b[0])%len(codeAlphabet)])
		n++
	}
	return sb.String()
}

// normCode is a typed code as stored: upper case, no dashes or spaces.
func normCode(s string) string {
	return strings.Map(func(r rune) rune {
		switch {
		case r == '-' || r == ' ':
			return -1
		case r >= 'a' && r <= 'z':
			return r - 'a' + 'A'
		}
		return r
	}, s)
}
