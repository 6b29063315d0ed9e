package store

import (
	"context"
	"fmt"
	"path/filepath"
	"testing"
	"time"

	"gradphoto/app"
)

// t0 is a fixed instant with nanoseconds, to prove times round-trip exactly.
var t0 = time.Date(2026, 6, 12, 8, 30, 15, 123456789, time.UTC)

// openAt opens a store in dir with a fixed clock and closes it at the end.
func openAt(t testing.TB, dir string) *Store {
	t.Helper()
	s, err := Open(context.Background(), filepath.Join(dir, "gradphoto.db"), Options{
		Now: func() time.Time { return t0 },
	})
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { s.Close() })
	return s
}

func openTest(t testing.TB) *Store { return openAt(t, t.TempDir()) }

// idNumber makes a valid 18-character resident ID number: region 110105,
// a real birth date and sequence seq (0–999).
func idNumber(birth time.Time, seq int) string {
	d17 := fmt.Sprintf("110105%s%03d", birth.Format("20060102"), seq%1000)
	return d17 + string(app.CheckChar(d17))
}

// rosterEntries makes n distinct, valid roster entries.
func rosterEntries(n int) []app.RosterEntry {
	es := make([]app.RosterEntry, n)
	base := time.Date(1995, 1, 1, 0, 0, 0, 0, time.UTC)
	for i := range es {
		es[i] = app.RosterEntry{
			Doc:       app.DocResidentID,
			Number:    idNumber(base.AddDate(0, 0, i/1000), i%1000),
			Name:      chineseName(i),
			StudentNo: fmt.Sprintf("2022%06d", i),
			School:    "北京大学", College: "信息科学技术学院", Major: "计算机科学与技术",
			Degree: "工学学士", GradYear: 2026, Prepaid: i%7 == 0,
		}
	}
	return es
}

// newSession saves a bare session and returns its id.
func newSession(t testing.TB, s *Store) string {
	t.Helper()
	id := app.NewID()
	err := s.SaveSession(context.Background(), app.Session{ID: id, Step: app.StepConsent, StartedAt: t0, UpdatedAt: t0})
	if err != nil {
		t.Fatal(err)
	}
	return id
}

// chineseName makes a valid name (letters only) from an index.
func chineseName(i int) string {
	family := []rune("王李张刘陈杨黄赵吴周徐孙马朱胡郭何高林罗")
	given := []rune("伟芳娜敏静丽强磊军洋勇艳杰娟涛明超秀霞平刚桂英华玉兰")
	return string([]rune{family[i%len(family)], given[(i/len(family))%len(given)], given[i%len(given)]})
}
