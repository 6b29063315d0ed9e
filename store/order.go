package store

import (
	"context"
	"database/sql"
	"fmt"
	"gradphoto/app"
	"time"
)

// Order is a payment order of a session, as the server created it.
type Order struct {
	ID        string // the server's order id; a UUIDv7 is made when empty
	SessionID string
	Method    string // e.g. "wechat", "alipay"
	Status    string // e.g. "pending", "paid", "closed", "expired"
	QRPayload string
	AmountFen int64
	ExpiresAt time.Time
	CreatedAt time.Time // kept from the first save
	UpdatedAt time.Time
}

const upsertOrder = `
INSERT INTO orders (id, session_id, method, status, amount_fen, qr_payload, expires_at,
	created_at, updated_at)
VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?)
ON CONFLICT (id) DO UPDATE SET
	session_id = excluded.session_id, method = excluded.method, status = excluded.status,
	amount_fen = excluded.amount_fen, qr_payload = excluded.qr_payload,
	expires_at = excluded.expires_at, updated_at = excluded.updated_at`

// SaveOrder inserts or updates an order. It returns the order as stored
// (ID, CreatedAt and UpdatedAt filled in). An unknown session gives
// app.ErrNotFound.
func (s *Store) SaveOrder(ctx context.Context, o Order) (Order, error) {
	if err := s.fillOrder(&o); err != nil {
		return Order{}, fmt.Errorf("store: save order: %w", err)
	}
	_, err := s.w.ExecContext(ctx, upsertOrder, o.ID, o.SessionID, o.Method, o.Status,
		o.AmountFen, o.QRPayload, nullTime(o.ExpiresAt), formatTime(o.CreatedAt), formatTime(o.UpdatedAt))
	if err != nil {
		return Order{}, fmt.Errorf("store: save order: %w", unknownSession(err, o.SessionID))
	}
	return s.GetOrder(ctx, o.ID)
}

func (s *Store) fillOrder(o *Order) error {
	if o.AmountFen < 0 {
		return fmt.Errorf("negative amount %d fen", o.AmountFen)
	}
	if o.ID == "" {
		id := app.NewID()
		o.ID = id
	}
	now := s.now()
	if o.CreatedAt.IsZero() {
		o.CreatedAt = now
	}
	if o.UpdatedAt.IsZero() {
		o.UpdatedAt = now
	}
	return nil
}

// GetOrder reads an order; app.ErrNotFound if there is none.
func (s *Store) GetOrder(ctx context.Context, id string) (Order, error) {
	o, err := s.getOrder(ctx, id)
	if err != nil {
		return Order{}, fmt.Errorf("store: get order %s: %w", id, err)
	}
	return o, nil
}

func (s *Store) getOrder(ctx context.Context, id string) (Order, error) {
	var (
		o                Order
		expires          sql.NullString
		created, updated string
	)
	err := s.r.QueryRowContext(ctx, `SELECT id, session_id, method, status, amount_fen,
		qr_payload, expires_at, created_at, updated_at FROM orders WHERE id = ?`, id).
		Scan(&o.ID, &o.SessionID, &o.Method, &o.Status, &o.AmountFen, &o.QRPayload,
			&expires, &created, &updated)
	if err != nil {
		return Order{}, notFound(err)
	}
	if o.ExpiresAt, err = parseNullTime(expires); err != nil {
		return Order{}, err
	}
	if o.CreatedAt, err = parseTime(created); err != nil {
		return Order{}, err
	}
	o.UpdatedAt, err = parseTime(updated)
	return o, err
}
