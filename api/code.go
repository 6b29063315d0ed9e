package api

import (
	"crypto/hmac"
	"crypto/sha256"
	"encoding/binary"
	"errors"
	"fmt"
	"strings"
)

// The receipt code: the 8 characters a graduate reads out to a teacher or
// types at the status look-up. Its alphabet has no character that reads as
// another (no 0/O, no 1/I). The first 3 characters are the kiosk's prefix,
// given by the server at enrolment (one per kiosk); the last 5 are the
// kiosk's own sequence number passed through a keyed permutation, so codes
// are unique across kiosks without asking the server, and one code does not
// tell the next.
const (
	CodeAlphabet  = "23456789ABCDEFGHJKLMNPQRSTUVWXYZ"
	CodeLen       = 8
	CodePrefixLen = 3
	// CodeSequences is how many codes a kiosk can make: 32⁵.
	CodeSequences = 1 << 25
	// CodePrefixes is how many kiosks can have a prefix: 32³.
	CodePrefixes = 1 << 15
)

// Errors of receipt codes.
var (
	ErrCodeFormat    = errors.New("receipt code: not 8 characters of the code alphabet")
	ErrCodeExhausted = errors.New("receipt code: no sequence number left")
)

// CodePrefix is the prefix of kiosk number n (0 ≤ n < CodePrefixes).
func CodePrefix(n int) (string, error) {
	if n < 0 || n >= CodePrefixes {
		return "", fmt.Errorf("receipt code: prefix %d: %w", n, ErrCodeExhausted)
	}
	return encodeCode(uint32(n), CodePrefixLen), nil
}

// MakeCode is the code of sequence number seq on the kiosk with prefix,
// permuted with key (the kiosk's own secret).
func MakeCode(prefix string, seq uint32, key []byte) (string, error) {
	if len(prefix) != CodePrefixLen || !inAlphabet(prefix) {
		return "", fmt.Errorf("receipt code: prefix %q: %w", prefix, ErrCodeFormat)
	}
	if seq >= CodeSequences {
		return "", ErrCodeExhausted
	}
	return prefix + encodeCode(permute(seq, key), CodeLen-CodePrefixLen), nil
}

// NormalizeCode upper-cases a typed code and drops spaces and hyphens;
// it returns ErrCodeFormat unless 8 characters of the alphabet are left.
func NormalizeCode(s string) (string, error) {
	s = strings.ToUpper(strings.NewReplacer(" ", "", "-", "").Replace(strings.TrimSpace(s)))
	if len(s) != CodeLen || !inAlphabet(s) {
		return "", ErrCodeFormat
	}
	return s, nil
}

// FormatCode writes a code in two groups of four, as the receipt shows it.
func FormatCode(c string) string {
	if len(c) != CodeLen {
		return c
	}
	return c[:4] + " " + c[4:]
}

func inAlphabet(s string) bool {
	for i := 0; i < len(s); i++ {
		if strings.IndexByte(CodeAlphabet, s[i]) < 0 {
			return false
		}
	}
	return true
}

// encodeCode writes v in base 32 with n characters, most significant first.
func encodeCode(v uint32, n int) string {
	b := make([]byte, n)
	for i := n - 1; i >= 0; i-- {
		b[i] = CodeAlphabet[v%32]
		v /= 32
	}
	return string(b)
}

// permute is a bijection of [0, 2²⁵): a 4-round Feistel network on 26
// bits, its round keys drawn from key with HMAC-SHA-256, walked until the
// value falls in range.
func permute(v uint32, key []byte) uint32 { return permuteWith(v, roundKeys(key)) }

func permuteWith(v uint32, k [4]uint64) uint32 {
	for {
		v = feistel(v, k)
		if v < CodeSequences {
			return v
		}
	}
}

func roundKeys(key []byte) [4]uint64 {
	m := hmac.New(sha256.New, key)
	m.Write([]byte("gradphoto receipt code"))
	sum := m.Sum(nil)
	var k [4]uint64
	for i := range k {
		k[i] = binary.BigEndian.Uint64(sum[8*i:])
	}
	return k
}

func feistel(v uint32, k [4]uint64) uint32 {
	const half, mask = 13, 1<<13 - 1
	l, r := v>>half, v&mask
	for _, rk := range k {
		l, r = r, l^uint32(mix(uint64(r)^rk))&mask
	}
	return l<<half | r
}

// mix is SplitMix64's finaliser: every input bit moves every output bit.
func mix(z uint64) uint64 {
	z = (z ^ z>>30) * 0xbf58476d1ce4e5b9
	z = (z ^ z>>27) * 0x94d049bb133111eb
	return z ^ z>>31
}
