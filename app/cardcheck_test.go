package app_test

import (
	"testing"

	"gradphoto/app"
)

func TestCardCheckRoundTrip(t *testing.T) {
	for _, c := range []app.CardCheck{{}, {Number: app.AgreeMatch}, {Number: app.AgreeDiffers, Name: app.AgreeUnread},
		{Name: app.AgreeMatch}} {
		if got := app.ParseCardCheck(c.String()); got != c {
			t.Errorf("ParseCardCheck(%q) = %+v, want %+v", c.String(), got, c)
		}
	}
	if got := app.ParseCardCheck("number:bogus name:match other:match"); got != (app.CardCheck{Name: app.AgreeMatch}) {
		t.Errorf("unknown parts kept: %+v", got)
	}
	if a := app.Compare("", "张三", app.NormalizeName); a != app.AgreeUnread {
		t.Errorf("nothing read: %q", a)
	}
	if a := app.Compare("11010519491231002x", "11010519491231002X", app.NormalizeNumber); a != app.AgreeMatch {
		t.Errorf("the same number: %q", a)
	}
	if a := app.Compare("张二", "张三", app.NormalizeName); a != app.AgreeDiffers {
		t.Errorf("another name: %q", a)
	}
}

func FuzzParseCardCheck(f *testing.F) {
	f.Add("number:match name:differs")
	f.Fuzz(func(t *testing.T, s string) {
		c := app.ParseCardCheck(s)
		if again := app.ParseCardCheck(c.String()); again != c {
			t.Fatalf("%q → %+v → %q → %+v", s, c, c.String(), again)
		}
	})
}
