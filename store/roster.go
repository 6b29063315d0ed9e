package store

import (
	"bytes"
	"context"
	"database/sql"
	"encoding/hex"
	"errors"
	"fmt"
	"slices"

	"gradphoto/app"
)

// ErrEmptyNumber: a roster entry or status has no ID number.
var ErrEmptyNumber = errors.New("empty ID number")

// ImportStats counts what ImportRoster did.
type ImportStats struct {
	Inserted int // numbers new to the roster
	Updated  int // numbers already there, now overwritten
}

// rosterRow is a roster entry ready to write: hashed and encrypted.
type rosterRow struct {
	hash                   []byte
	number, name, student  []byte
	doc                    string
	school, college, major string
	degree                 string
	year                   int
	prepaid                bool
}

const upsertRoster = `
INSERT INTO roster (number_hash, doc_type, number_enc, name_enc, student_no_enc,
	school, college, major, degree, grad_year, prepaid, imported_at)
VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)
ON CONFLICT (number_hash) DO UPDATE SET
	doc_type = excluded.doc_type, number_enc = excluded.number_enc,
	name_enc = excluded.name_enc, student_no_enc = excluded.student_no_enc,
	school = excluded.school, college = excluded.college, major = excluded.major,
	degree = excluded.degree, grad_year = excluded.grad_year,
	prepaid = excluded.prepaid, imported_at = excluded.imported_at`

// ImportRoster adds or updates entries keyed by their ID number, in one
// transaction: either the whole roster is imported or none of it. A
// number already on the roster (or twice in entries) is updated, never
// duplicated.
func (s *Store) ImportRoster(ctx context.Context, entries []app.RosterEntry) (ImportStats, error) {
	rows, err := s.rosterRows(entries)
	if err != nil {
		return ImportStats{}, fmt.Errorf("store: import roster: %w", err)
	}
	var st ImportStats
	err = s.withTx(ctx, func(tx *sql.Tx) error {
		st, err = importRows(ctx, tx, rows, formatTime(s.now()))
		return err
	})
	if err != nil {
		return ImportStats{}, fmt.Errorf("store: import roster: %w", err)
	}
	return st, nil
}

// rosterRows hashes and encrypts before the write transaction starts, so
// the writer is held only for the inserts.
func (s *Store) rosterRows(entries []app.RosterEntry) ([]rosterRow, error) {
	rows := make([]rosterRow, len(entries))
	for i, e := range entries {
		r, err := s.rosterRow(e)
		if err != nil {
			return nil, fmt.Errorf("entry %d: %w", i+1, err)
		}
		rows[i] = r
	}
	return inKeyOrder(rows), nil
}

// inKeyOrder sorts rows by hash, keeping the entries' order among equal
// hashes (the last one wins). In key order the inserts append to the
// b-tree instead of splitting pages at random: much faster for a large
// roster. Sorting indices avoids moving the rows around.
func inKeyOrder(rows []rosterRow) []rosterRow {
	order := make([]int, len(rows))
	for i := range order {
		order[i] = i
	}
	slices.SortFunc(order, func(a, b int) int {
		if c := bytes.Compare(rows[a].hash, rows[b].hash); c != 0 {
			return c
		}
		return a - b
	})
	sorted := make([]rosterRow, len(rows))
	for i, j := range order {
		sorted[i] = rows[j]
	}
	return sorted
}

func (s *Store) rosterRow(e app.RosterEntry) (rosterRow, error) {
	number := app.NormalizeNumber(e.Number)
	if number == "" {
		return rosterRow{}, ErrEmptyNumber
	}
	r := rosterRow{hash: s.c.lookupNormal(number), doc: string(e.Doc), school: e.School,
		college: e.College, major: e.Major, degree: e.Degree, year: e.GradYear, prepaid: e.Prepaid}
	key := hex.EncodeToString(r.hash)
	var err error
	if r.number, err = s.c.sealString(ad("roster.number", key), number); err != nil {
		return rosterRow{}, err
	}
	if r.name, err = s.c.sealString(ad("roster.name", key), e.Name); err != nil {
		return rosterRow{}, err
	}
	r.student, err = s.c.sealString(ad("roster.student_no", key), e.StudentNo)
	return r, err
}

// importRows upserts rows with one prepared statement; counting the table
// before and after tells inserts from updates without a SELECT per row.
func importRows(ctx context.Context, tx *sql.Tx, rows []rosterRow, now string) (ImportStats, error) {
	before, err := countRoster(ctx, tx)
	if err != nil {
		return ImportStats{}, err
	}
	stmt, err := tx.PrepareContext(ctx, upsertRoster)
	if err != nil {
		return ImportStats{}, err
	}
	defer stmt.Close()
	for _, r := range rows {
		_, err := stmt.ExecContext(ctx, r.hash, r.doc, r.number, r.name, r.student,
			r.school, r.college, r.major, r.degree, r.year, r.prepaid, now)
		if err != nil {
			return ImportStats{}, err
		}
	}
	after, err := countRoster(ctx, tx)
	if err != nil {
		return ImportStats{}, err
	}
	inserted := after - before
	return ImportStats{Inserted: inserted, Updated: len(rows) - inserted}, nil
}

type queryer interface {
	QueryRowContext(ctx context.Context, query string, args ...any) *sql.Row
}

func countRoster(ctx context.Context, q queryer) (int, error) {
	var n int
	err := q.QueryRowContext(ctx, "SELECT COUNT(*) FROM roster").Scan(&n)
	return n, err
}

// RosterCount is the number of entries on the roster.
func (s *Store) RosterCount(ctx context.Context) (int, error) {
	n, err := countRoster(ctx, s.r)
	if err != nil {
		return 0, fmt.Errorf("store: roster count: %w", err)
	}
	return n, nil
}

// FindRoster finds the roster entry for an ID number (normalised first).
// It returns app.ErrNotFound when the number is not on the roster.
func (s *Store) FindRoster(ctx context.Context, number string) (app.RosterEntry, error) {
	e, err := s.findRoster(ctx, s.r, s.c.lookup(number))
	if err != nil {
		return app.RosterEntry{}, fmt.Errorf("store: find roster: %w", err)
	}
	return e, nil
}

func (s *Store) findRoster(ctx context.Context, q queryer, hash []byte) (app.RosterEntry, error) {
	var (
		e                     app.RosterEntry
		doc                   string
		number, name, student []byte
	)
	err := q.QueryRowContext(ctx, `SELECT doc_type, number_enc, name_enc, student_no_enc,
		school, college, major, degree, grad_year, prepaid FROM roster WHERE number_hash = ?`, hash).
		Scan(&doc, &number, &name, &student, &e.School, &e.College, &e.Major, &e.Degree, &e.GradYear, &e.Prepaid)
	if err != nil {
		return app.RosterEntry{}, notFound(err)
	}
	e.Doc = app.DocType(doc)
	key := hex.EncodeToString(hash)
	if e.Number, err = s.c.openString(ad("roster.number", key), number); err != nil {
		return app.RosterEntry{}, err
	}
	if e.Name, err = s.c.openString(ad("roster.name", key), name); err != nil {
		return app.RosterEntry{}, err
	}
	e.StudentNo, err = s.c.openString(ad("roster.student_no", key), student)
	return e, err
}

// RosterSchools lists the schools on the roster, sorted.
func (s *Store) RosterSchools(ctx context.Context) ([]string, error) {
	rows, err := s.r.QueryContext(ctx, "SELECT DISTINCT school FROM roster WHERE school <> '' ORDER BY school")
	if err != nil {
		return nil, fmt.Errorf("store: roster schools: %w", err)
	}
	defer rows.Close()
	var out []string
	for rows.Next() {
		var sch string
		if err := rows.Scan(&sch); err != nil {
			return nil, fmt.Errorf("store: roster schools: %w", err)
		}
		out = append(out, sch)
	}
	return out, rows.Err()
}
