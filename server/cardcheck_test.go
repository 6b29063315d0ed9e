package server

import (
	"io"
	"log/slog"
	"testing"
)

// The reviewer reads the kiosk's ID card check in words, in both
// languages; parts it does not know are left out.
func TestCardCheckWords(t *testing.T) {
	s, err := New(Config{Store: newRig(t).db, Log: slog.New(slog.NewTextHandler(io.Discard, nil))})
	if err != nil {
		t.Fatal(err)
	}
	for _, c := range []struct{ lang, in, want string }{
		{"zh-CN", "number:match name:differs", "号码与证件一致 · 姓名与证件不一致（考生确认是本人）"},
		{"en", "number:unread", "card number not read"},
		{"zh-CN", "", "未读取证件（非身份证或未启用）"},
		{"en", "number:bogus other:match name:match", "name matches the card"},
	} {
		if got := s.cardCheck(c.lang, c.in); got != c.want {
			t.Errorf("cardCheck(%s, %q) = %q, want %q", c.lang, c.in, got, c.want)
		}
	}
}
