package storage

import (
	"context"
	"fmt"
)

// Audit appends to the audit log.
func (db *DB) Audit(ctx context.Context, actor, action, detail string) error {
	if err := audit(ctx, db.w, actor, action, detail, formatTime(db.now())); err != nil {
		return fmt.Errorf("storage: audit: %w", err)
	}
	return nil
}

func audit(ctx context.Context, q queryer, actor, action, detail, at string) error {
	_, err := q.ExecContext(ctx, "INSERT INTO audit_log (at, actor, action, detail) VALUES (?, ?, ?, ?)",
		at, actor, action, detail)
	return err
}

// AuditCount is how many entries of action the audit log holds.
func (db *DB) AuditCount(ctx context.Context, action string) (int, error) {
	var n int
	if err := db.r.QueryRowContext(ctx, "SELECT COUNT(*) FROM audit_log WHERE action = ?", action).Scan(&n); err != nil {
		return 0, fmt.Errorf("storage: audit count: %w", err)
	}
	return n, nil
}
