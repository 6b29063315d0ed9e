package store

import (
	"context"
	"database/sql"
	"fmt"

	"gradphoto/api"
)

const upsertOrder = `
INSERT INTO orders (id, session_id, method, status, amount_fen, qr_payload, expires_at,
	created_at, updated_at)
VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?)
ON CONFLICT (id) DO UPDATE SET
	status = excluded.status, qr_payload = excluded.qr_payload,
	expires_at = excluded.expires_at, updated_at = excluded.updated_at
WHERE orders.session_id = excluded.session_id`

// SaveOrder keeps the server's order o of a session (inserted, or its
// status brought up to date), so a kiosk restarted mid-payment finds it.
// An unknown session gives app.ErrNotFound.
func (s *Store) SaveOrder(ctx context.Context, sessionID string, o api.Order) error {
	if o.ID == "" || o.AmountFen < 0 {
		return fmt.Errorf("store: save order: no id, or a negative amount (%d fen)", o.AmountFen)
	}
	now := formatTime(s.now())
	_, err := s.w.ExecContext(ctx, upsertOrder, o.ID, sessionID, o.Provider, o.Status, o.AmountFen,
		o.QR, nullTime(o.ExpiresAt), now, now)
	if err != nil {
		return fmt.Errorf("store: save order: %w", unknownSession(err, sessionID))
	}
	return nil
}

// SessionOrders lists a session's orders, oldest first.
func (s *Store) SessionOrders(ctx context.Context, sessionID string) ([]api.Order, error) {
	out, err := s.sessionOrders(ctx, sessionID)
	if err != nil {
		return nil, fmt.Errorf("store: orders of %s: %w", sessionID, err)
	}
	return out, nil
}

func (s *Store) sessionOrders(ctx context.Context, sessionID string) ([]api.Order, error) {
	rows, err := s.r.QueryContext(ctx, `SELECT id, method, status, amount_fen, qr_payload, expires_at
		FROM orders WHERE session_id = ? ORDER BY created_at, rowid`, sessionID)
	if err != nil {
		return nil, err
	}
	defer rows.Close()
	var out []api.Order
	for rows.Next() {
		var o api.Order
		var expires sql.NullString
		if err := rows.Scan(&o.ID, &o.Provider, &o.Status, &o.AmountFen, &o.QR, &expires); err != nil {
			return nil, err
		}
		if o.ExpiresAt, err = parseNullTime(expires); err != nil {
			return nil, err
		}
		out = append(out, o)
	}
	return out, rows.Err()
}
