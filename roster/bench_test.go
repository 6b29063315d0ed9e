package roster

import (
	"context"
	"path/filepath"
	"testing"
	"time"

	"gradphoto/internal/testfile"
	"gradphoto/store"
)

const benchRows = 50000

// BenchmarkRosterImport50k: one op parses a realistic 50 000-row CSV and
// imports it into a fresh store (open + migrate + one upsert transaction).
// Budget: ≤ 3 s per op on one core (docs/ARCHITECTURE.md, budgets).
func BenchmarkRosterImport50k(b *testing.B) {
	path := writeFile(b, "roster.csv", []byte(csvText(headerZh, genRows(benchRows, 42))))
	benchImport(b, path)
}

// BenchmarkRosterImport50kXLSX is the same roster as an XLSX workbook
// stored the way Excel stores it (shared strings).
func BenchmarkRosterImport50kXLSX(b *testing.B) {
	path := writeFile(b, "roster.xlsx", benchXLSX(b))
	benchImport(b, path)
}

// benchXLSX is the 50 000-row roster as an Excel-like workbook.
func benchXLSX(b *testing.B) []byte {
	rows := genRows(benchRows, 42)
	all := make([][]any, 0, len(rows)+1)
	row := func(r []string) []any {
		out := make([]any, len(r))
		for i, c := range r {
			out[i] = c
		}
		return out
	}
	all = append(all, row(headerZh))
	for _, r := range rows {
		all = append(all, row(r))
	}
	return testfile.XLSX(b, all)
}

// BenchmarkParse50k is the parsing alone, to tell it from the store's share.
func BenchmarkParse50k(b *testing.B) {
	path := writeFile(b, "roster.csv", []byte(csvText(headerZh, genRows(benchRows, 42))))
	for b.Loop() {
		if res, err := ParseFile(path, today); err != nil || len(res.Entries) != benchRows {
			b.Fatalf("%v, %d entries", err, len(res.Entries))
		}
	}
}

// BenchmarkParse50kXLSX is the XLSX parsing alone.
func BenchmarkParse50kXLSX(b *testing.B) {
	path := writeFile(b, "roster.xlsx", benchXLSX(b))
	for b.Loop() {
		if res, err := ParseFile(path, today); err != nil || len(res.Entries) != benchRows {
			b.Fatalf("%v, %d entries", err, len(res.Entries))
		}
	}
}

func benchImport(b *testing.B, path string) {
	ctx := context.Background()
	var total time.Duration
	b.ResetTimer()
	for i := 0; i < b.N; i++ {
		b.StopTimer()
		db := filepath.Join(b.TempDir(), "bench.db")
		b.StartTimer()
		t0 := time.Now()
		res, err := ParseFile(path, today)
		if err != nil || len(res.Entries) != benchRows || len(res.Problems) != 0 {
			b.Fatalf("parse: %v, %d entries, %d problems", err, len(res.Entries), len(res.Problems))
		}
		st, err := store.Open(ctx, db, store.Options{})
		if err != nil {
			b.Fatal(err)
		}
		stats, err := st.ImportRoster(ctx, res.Entries)
		if err != nil || stats.Inserted != benchRows {
			b.Fatalf("import: %v, %+v", err, stats)
		}
		if err := st.Close(); err != nil {
			b.Fatal(err)
		}
		total += time.Since(t0)
	}
	b.ReportMetric(float64(total.Milliseconds())/float64(b.N), "ms/op")
	b.ReportMetric(float64(benchRows*b.N)/total.Seconds(), "rows/s")
}
