package store

import (
	"context"
	"fmt"
	"time"
)

// AuditEntry is one line of the append-only audit log.
type AuditEntry struct {
	ID     int64
	At     time.Time
	Actor  string // "kiosk", "assistant", …
	Action string // e.g. "payment.cash", "session.timeout"
	Detail string
}

// Audit appends an entry stamped with the store's clock. Entries can be
// neither changed nor deleted (the schema refuses). detail must not carry
// ID numbers or names: the log is not encrypted.
func (s *Store) Audit(ctx context.Context, actor, action, detail string) error {
	if err := audit(ctx, s.w, actor, action, detail, formatTime(s.now())); err != nil {
		return fmt.Errorf("store: audit %s: %w", action, err)
	}
	return nil
}

// audit appends an entry through ex (a transaction, or the writer).
func audit(ctx context.Context, ex execer, actor, action, detail, at string) error {
	_, err := ex.ExecContext(ctx, "INSERT INTO audit_log (at, actor, action, detail) VALUES (?, ?, ?, ?)",
		at, actor, action, detail)
	return storageFull(err)
}

// AuditLog returns up to limit entries, newest first; limit <= 0 means all.
func (s *Store) AuditLog(ctx context.Context, limit int) ([]AuditEntry, error) {
	if limit <= 0 {
		limit = -1
	}
	es, err := s.auditLog(ctx, limit)
	if err != nil {
		return nil, fmt.Errorf("store: audit log: %w", err)
	}
	return es, nil
}

func (s *Store) auditLog(ctx context.Context, limit int) ([]AuditEntry, error) {
	rows, err := s.r.QueryContext(ctx,
		"SELECT id, at, actor, action, detail FROM audit_log ORDER BY id DESC LIMIT ?", limit)
	if err != nil {
		return nil, err
	}
	defer rows.Close()
	var es []AuditEntry
	for rows.Next() {
		var e AuditEntry
		var at string
		if err := rows.Scan(&e.ID, &at, &e.Actor, &e.Action, &e.Detail); err != nil {
			return nil, err
		}
		if e.At, err = parseTime(at); err != nil {
			return nil, err
		}
		es = append(es, e)
	}
	return es, rows.Err()
}
