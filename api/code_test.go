package api

import (
	"errors"
	"strings"
	"testing"
)

// Every sequence number gives a different code (the permutation is a
// bijection): checked exhaustively over the whole range.
func TestMakeCodeUnique(t *testing.T) {
	key := roundKeys([]byte("kiosk secret"))
	seen := make([]uint64, CodeSequences/64)
	for seq := uint32(0); seq < CodeSequences; seq++ {
		p := permuteWith(seq, key)
		if p >= CodeSequences {
			t.Fatalf("permute(%d) = %d out of range", seq, p)
		}
		if seen[p/64]&(1<<(p%64)) != 0 {
			t.Fatalf("permute(%d) = %d seen before", seq, p)
		}
		seen[p/64] |= 1 << (p % 64)
	}
}

func TestMakeCode(t *testing.T) {
	prefix, err := CodePrefix(1234)
	if err != nil {
		t.Fatal(err)
	}
	key := []byte("k")
	a, err := MakeCode(prefix, 0, key)
	if err != nil {
		t.Fatal(err)
	}
	b, _ := MakeCode(prefix, 1, key)
	other, _ := MakeCode(prefix, 0, []byte("another kiosk"))
	if len(a) != CodeLen || !strings.HasPrefix(a, prefix) || a == b || a == other {
		t.Errorf("codes %q %q %q", a, b, other)
	}
	for _, c := range a {
		if strings.ContainsRune("01IO", c) {
			t.Errorf("code %q has an ambiguous character", a)
		}
	}
	if got, err := NormalizeCode(" " + strings.ToLower(FormatCode(a)) + " "); err != nil || got != a {
		t.Errorf("NormalizeCode(FormatCode(%q)) = %q, %v", a, got, err)
	}
	for _, bad := range []string{"", "ABCD", "ABCD23450", "ABCD 234O", "ABC1 2345"} {
		if _, err := NormalizeCode(bad); !errors.Is(err, ErrCodeFormat) {
			t.Errorf("NormalizeCode(%q) = %v, want ErrCodeFormat", bad, err)
		}
	}
	if _, err := MakeCode(prefix, CodeSequences, key); !errors.Is(err, ErrCodeExhausted) {
		t.Errorf("past the last sequence: %v", err)
	}
	if _, err := CodePrefix(CodePrefixes); !errors.Is(err, ErrCodeExhausted) {
		t.Errorf("past the last prefix: %v", err)
	}
}

func FuzzNormalizeCode(f *testing.F) {
	f.Add("ABCD 2345")
	f.Add("abcd-efgh")
	f.Fuzz(func(t *testing.T, s string) {
		c, err := NormalizeCode(s)
		if err != nil {
			return
		}
		if len(c) != CodeLen || !inAlphabet(c) {
			t.Fatalf("NormalizeCode(%q) = %q", s, c)
		}
	})
}
