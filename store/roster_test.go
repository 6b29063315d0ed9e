package store

import (
	"context"
	"errors"
	"testing"

	"gradphoto/app"
)

func TestImportRosterReimport(t *testing.T) {
	ctx := context.Background()
	s := openTest(t)
	es := rosterEntries(100)
	st, err := s.ImportRoster(ctx, es[:60])
	if err != nil || st != (ImportStats{Inserted: 60}) {
		t.Fatalf("first import = %+v, %v", st, err)
	}
	es[10].Name, es[10].Prepaid, es[10].Major = "改名", true, "数学"
	st, err = s.ImportRoster(ctx, es)
	if err != nil || st != (ImportStats{Inserted: 40, Updated: 60}) {
		t.Fatalf("re-import = %+v, %v; want 40 inserted, 60 updated", st, err)
	}
	if n, err := s.RosterCount(ctx); err != nil || n != 100 {
		t.Fatalf("RosterCount = %d, %v; want 100", n, err)
	}
	got, err := s.FindRoster(ctx, es[10].Number)
	if err != nil || got != es[10] {
		t.Fatalf("FindRoster after update = %+v, %v; want %+v", got, err, es[10])
	}
}

func TestImportRosterNormalisesNumbers(t *testing.T) {
	ctx := context.Background()
	s := openTest(t)
	e := rosterEntries(1)[0]
	spaced := e
	spaced.Number = e.Number[:6] + " " + e.Number[6:]
	if _, err := s.ImportRoster(ctx, []app.RosterEntry{e, spaced}); err != nil {
		t.Fatal(err)
	}
	if n, _ := s.RosterCount(ctx); n != 1 {
		t.Fatalf("the same number written two ways made %d rows", n)
	}
	if got, err := s.FindRoster(ctx, "１１"+e.Number[2:]); err != nil || got.Number != e.Number {
		t.Fatalf("FindRoster with full-width digits = %+v, %v", got, err)
	}
}

func TestImportRosterAllOrNothing(t *testing.T) {
	ctx := context.Background()
	s := openTest(t)
	es := rosterEntries(3)
	es[2].Number = " "
	if _, err := s.ImportRoster(ctx, es); !errors.Is(err, ErrEmptyNumber) {
		t.Fatalf("ImportRoster with an empty number = %v, want ErrEmptyNumber", err)
	}
	if n, _ := s.RosterCount(ctx); n != 0 {
		t.Fatalf("a failed import left %d rows", n)
	}
}

func TestFindRosterNotFound(t *testing.T) {
	s := openTest(t)
	_, err := s.FindRoster(context.Background(), "11010519491231002X")
	if !errors.Is(err, app.ErrNotFound) {
		t.Fatalf("FindRoster = %v, want app.ErrNotFound", err)
	}
}

func BenchmarkRosterLookup(b *testing.B) {
	ctx := context.Background()
	s := openTest(b)
	es := rosterEntries(50000)
	if _, err := s.ImportRoster(ctx, es); err != nil {
		b.Fatal(err)
	}
	b.ResetTimer()
	for i := 0; b.Loop(); i++ {
		if _, err := s.FindRoster(ctx, es[(i*7919)%len(es)].Number); err != nil {
			b.Fatal(err)
		}
	}
}

func BenchmarkImportRoster50k(b *testing.B) {
	ctx := context.Background()
	es := rosterEntries(50000)
	for b.Loop() {
		b.StopTimer()
		s := openTest(b)
		b.StartTimer()
		if _, err := s.ImportRoster(ctx, es); err != nil {
			b.Fatal(err)
		}
	}
}
