package storage

import (
	"context"
	"fmt"
	"strconv"
	"strings"

	"gradphoto/api"
)

// ImportRoster adds or updates roster entries (by school and number); they
// get one new change number, so kiosks that pulled before see them next.
func (db *DB) ImportRoster(ctx context.Context, entries []api.RosterEntry) error {
	err := db.withTx(ctx, func(tx *txn) error {
		var seq int64
		if err := tx.QueryRowContext(ctx, "SELECT COALESCE(MAX(seq), 0) + 1 FROM roster").Scan(&seq); err != nil {
			return err
		}
		for _, e := range entries {
			_, err := tx.ExecContext(ctx, `INSERT INTO roster (school, number, doc_type, name, student_no, college,
				major, degree, grad_year, prepaid, seq) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)
				ON CONFLICT (school, number) DO UPDATE SET doc_type = excluded.doc_type, name = excluded.name,
				student_no = excluded.student_no, college = excluded.college, major = excluded.major,
				degree = excluded.degree, grad_year = excluded.grad_year, prepaid = excluded.prepaid, seq = excluded.seq`,
				e.School, e.Number, e.DocType, e.Name, e.StudentNo, e.College, e.Major, e.Degree, e.GradYear, e.Prepaid, seq)
			if err != nil {
				return err
			}
		}
		return audit(ctx, tx, "admin", "roster.import", fmt.Sprintf("%d entries", len(entries)), formatTime(db.now()))
	})
	if err != nil {
		return fmt.Errorf("storage: import roster: %w", err)
	}
	return nil
}

// RosterSince returns a school's entries changed after cursor since ("" =
// all), at most limit, with the cursor to ask with next.
func (db *DB) RosterSince(ctx context.Context, school, since string, limit int) (api.RosterPage, error) {
	page := api.RosterPage{Entries: []api.RosterEntry{}, Next: since}
	seq, after, err := parseRosterCursor(since)
	if err != nil {
		return page, fmt.Errorf("storage: roster: %w", err)
	}
	rows, err := db.r.QueryContext(ctx, `SELECT doc_type, number, name, student_no, school, college, major, degree,
		grad_year, prepaid, seq FROM roster WHERE school = ? AND (seq > ? OR (seq = ? AND number > ?))
		ORDER BY seq, number LIMIT ?`, school, seq, seq, after, limit+1)
	if err != nil {
		return page, fmt.Errorf("storage: roster: %w", err)
	}
	defer rows.Close()
	for rows.Next() {
		if len(page.Entries) == limit {
			page.More = true
			break
		}
		var e api.RosterEntry
		var s int64
		if err := rows.Scan(&e.DocType, &e.Number, &e.Name, &e.StudentNo, &e.School, &e.College, &e.Major,
			&e.Degree, &e.GradYear, &e.Prepaid, &s); err != nil {
			return page, fmt.Errorf("storage: roster: %w", err)
		}
		page.Entries = append(page.Entries, e)
		page.Next = strconv.FormatInt(s, 10) + ":" + e.Number
	}
	return page, rows.Err()
}

// parseRosterCursor reads "SEQ:NUMBER" (the last entry seen); "" is the start.
func parseRosterCursor(c string) (int64, string, error) {
	if c == "" {
		return 0, "", nil
	}
	seq, number, ok := strings.Cut(c, ":")
	n, err := strconv.ParseInt(seq, 10, 64)
	if !ok || err != nil || n < 0 {
		return 0, "", fmt.Errorf("cursor %q: %w", c, ErrBadInput)
	}
	return n, number, nil
}
