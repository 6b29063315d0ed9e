package storage

import (
	"context"
	"fmt"
	"time"
)

// Reviewer is a person who approves and rejects photos on the web pages.
type Reviewer struct {
	ID           string
	Name         string
	PasswordHash string   // argon2id, encoded with its parameters
	Schools      []string // the schools they may see; "*" is all
}

// AddReviewer stores a new reviewer; a name already taken is ErrConflict.
func (db *DB) AddReviewer(ctx context.Context, r Reviewer) error {
	err := db.withTx(ctx, func(tx *txn) error {
		now := formatTime(db.now())
		_, err := tx.ExecContext(ctx, "INSERT INTO reviewers (id, name, password_hash, created_at) VALUES (?, ?, ?, ?)",
			r.ID, r.Name, r.PasswordHash, now)
		if isUnique(err) {
			return fmt.Errorf("name %q is taken: %w", r.Name, ErrConflict)
		}
		if err != nil {
			return err
		}
		for _, s := range r.Schools {
			if _, err := tx.ExecContext(ctx, "INSERT INTO reviewer_schools (reviewer_id, school) VALUES (?, ?) ON CONFLICT DO NOTHING",
				r.ID, s); err != nil {
				return err
			}
		}
		return audit(ctx, tx, "admin", "reviewer.add", r.Name, now)
	})
	if err != nil {
		return fmt.Errorf("storage: add reviewer: %w", err)
	}
	return nil
}

// ReviewerByName finds a reviewer by log-in name.
func (db *DB) ReviewerByName(ctx context.Context, name string) (Reviewer, error) {
	return db.reviewer(ctx, "name", name)
}

// ReviewerByID finds a reviewer by id.
func (db *DB) ReviewerByID(ctx context.Context, id string) (Reviewer, error) {
	return db.reviewer(ctx, "id", id)
}

func (db *DB) reviewer(ctx context.Context, col, v string) (Reviewer, error) {
	var r Reviewer
	err := db.r.QueryRowContext(ctx, "SELECT id, name, password_hash FROM reviewers WHERE "+col+" = ?", v).
		Scan(&r.ID, &r.Name, &r.PasswordHash)
	if err == nil {
		r.Schools, err = db.reviewerSchools(ctx, r.ID)
	}
	if err != nil {
		return Reviewer{}, fmt.Errorf("storage: reviewer: %w", notFound(err))
	}
	return r, nil
}

func (db *DB) reviewerSchools(ctx context.Context, id string) ([]string, error) {
	return db.strings(ctx, "SELECT school FROM reviewer_schools WHERE reviewer_id = ? ORDER BY school", id)
}

// strings runs a query of one text column on the read pool.
func (db *DB) strings(ctx context.Context, query string, args ...any) ([]string, error) {
	rows, err := db.r.QueryContext(ctx, query, args...)
	if err != nil {
		return nil, err
	}
	defer rows.Close()
	var out []string
	for rows.Next() {
		var s string
		if err := rows.Scan(&s); err != nil {
			return nil, err
		}
		out = append(out, s)
	}
	return out, rows.Err()
}

// WebSession is a reviewer logged in: the cookie's token (its hash kept)
// and the CSRF token every form of the session carries.
type WebSession struct {
	ReviewerID string
	CSRF       string
	Expires    time.Time
}

// AddWebSession stores a log-in session.
func (db *DB) AddWebSession(ctx context.Context, tokenHash []byte, s WebSession) error {
	_, err := db.w.ExecContext(ctx, `INSERT INTO web_sessions (token_hash, reviewer_id, csrf, created_at, expires_at)
		VALUES (?, ?, ?, ?, ?)`, tokenHash, s.ReviewerID, s.CSRF, formatTime(db.now()), formatTime(s.Expires))
	if err != nil {
		return fmt.Errorf("storage: add web session: %w", err)
	}
	return nil
}

// WebSession finds a session that has not expired.
func (db *DB) WebSession(ctx context.Context, tokenHash []byte) (WebSession, error) {
	var s WebSession
	var exp string
	err := db.r.QueryRowContext(ctx, "SELECT reviewer_id, csrf, expires_at FROM web_sessions WHERE token_hash = ? AND expires_at > ?",
		tokenHash, formatTime(db.now())).Scan(&s.ReviewerID, &s.CSRF, &exp)
	if err == nil {
		s.Expires, err = parseTime(exp)
	}
	if err != nil {
		return WebSession{}, fmt.Errorf("storage: web session: %w", notFound(err))
	}
	return s, nil
}

// DeleteWebSession logs a session out (and drops every expired one).
func (db *DB) DeleteWebSession(ctx context.Context, tokenHash []byte) error {
	err := db.withTx(ctx, func(tx *txn) error { // one sweep at a time: two could deadlock
		_, err := tx.ExecContext(ctx, "DELETE FROM web_sessions WHERE token_hash = ? OR expires_at <= ?",
			tokenHash, formatTime(db.now()))
		return err
	})
	if err != nil {
		return fmt.Errorf("storage: delete web session: %w", err)
	}
	return nil
}
