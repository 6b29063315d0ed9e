package store

import (
	"context"
	"database/sql"
	"fmt"
	"time"
)

// OutboxItem is one thing waiting to be sent to the server.
type OutboxItem struct {
	ID        int64
	Kind      string // what to do, e.g. "photo.upload"
	Ref       string // the id of the row it is about
	Payload   []byte // kind-specific; JSON for the store's own kinds
	Attempts  int
	NextAt    time.Time // not before
	LastError string
	CreatedAt time.Time
}

// Enqueue adds an item, due now.
func (s *Store) Enqueue(ctx context.Context, kind, ref string, payload []byte) error {
	if err := s.enqueueTx(ctx, s.w, kind, ref, payload); err != nil {
		return fmt.Errorf("store: enqueue %s: %w", kind, err)
	}
	return nil
}

type execer interface {
	ExecContext(ctx context.Context, query string, args ...any) (sql.Result, error)
}

// enqueueTx adds an item inside the caller's transaction, so the domain
// row and its outbox row commit (or vanish) together.
func (s *Store) enqueueTx(ctx context.Context, tx execer, kind, ref string, payload []byte) error {
	now := formatTime(s.now())
	_, err := tx.ExecContext(ctx,
		"INSERT INTO outbox (kind, ref, payload, next_at, created_at) VALUES (?, ?, ?, ?, ?)",
		kind, ref, payload, now, now)
	return err
}

// DueOutbox returns up to limit items due at now (NextAt <= now), oldest
// first. limit <= 0 means no limit.
func (s *Store) DueOutbox(ctx context.Context, now time.Time, limit int) ([]OutboxItem, error) {
	if limit <= 0 {
		limit = -1
	}
	items, err := s.dueOutbox(ctx, formatTime(now), limit)
	if err != nil {
		return nil, fmt.Errorf("store: due outbox: %w", err)
	}
	return items, nil
}

func (s *Store) dueOutbox(ctx context.Context, now string, limit int) ([]OutboxItem, error) {
	rows, err := s.r.QueryContext(ctx, `SELECT id, kind, ref, payload, attempts, next_at,
		last_error, created_at FROM outbox WHERE next_at <= ? ORDER BY id LIMIT ?`, now, limit)
	if err != nil {
		return nil, err
	}
	defer rows.Close()
	var items []OutboxItem
	for rows.Next() {
		it, err := scanOutbox(rows)
		if err != nil {
			return nil, err
		}
		items = append(items, it)
	}
	return items, rows.Err()
}

func scanOutbox(rows *sql.Rows) (OutboxItem, error) {
	var (
		it           OutboxItem
		next, create string
		err          error
	)
	if err = rows.Scan(&it.ID, &it.Kind, &it.Ref, &it.Payload, &it.Attempts, &next,
		&it.LastError, &create); err != nil {
		return OutboxItem{}, err
	}
	if it.NextAt, err = parseTime(next); err != nil {
		return OutboxItem{}, err
	}
	it.CreatedAt, err = parseTime(create)
	return it, err
}

// OutboxDone removes a sent item. app.ErrNotFound if it is not there.
func (s *Store) OutboxDone(ctx context.Context, id int64) error {
	if err := affectedOne(s.w.ExecContext(ctx, "DELETE FROM outbox WHERE id = ?", id)); err != nil {
		return fmt.Errorf("store: outbox done %d: %w", id, err)
	}
	return nil
}

// OutboxFailed records a failed attempt and when to try again.
func (s *Store) OutboxFailed(ctx context.Context, id int64, cause error, next time.Time) error {
	msg := ""
	if cause != nil {
		msg = cause.Error()
	}
	err := affectedOne(s.w.ExecContext(ctx,
		"UPDATE outbox SET attempts = attempts + 1, next_at = ?, last_error = ? WHERE id = ?",
		formatTime(next), msg, id))
	if err != nil {
		return fmt.Errorf("store: outbox failed %d: %w", id, err)
	}
	return nil
}

// OutboxLen is the number of items waiting, due or not.
func (s *Store) OutboxLen(ctx context.Context) (int, error) {
	var n int
	if err := s.r.QueryRowContext(ctx, "SELECT COUNT(*) FROM outbox").Scan(&n); err != nil {
		return 0, fmt.Errorf("store: outbox len: %w", err)
	}
	return n, nil
}
