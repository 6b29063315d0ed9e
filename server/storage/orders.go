package storage

import (
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"slices"
	"time"

	"gradphoto/api"
)

// Order is a payment order as the server holds it.
type Order struct {
	ID, DeviceID, IdemKey, SessionID string
	Services                         []string
	AmountFen                        int64
	Provider, Status, QR             string
	TransactionID                    string // the provider's, once paid
	ExpiresAt, CreatedAt, UpdatedAt  time.Time
	PaidAt                           time.Time // zero until paid
}

// API is the order as a kiosk sees it.
func (o Order) API() api.Order {
	return api.Order{ID: o.ID, Status: o.Status, Provider: o.Provider, AmountFen: o.AmountFen,
		Services: o.Services, QR: o.QR, ExpiresAt: o.ExpiresAt, PaidAt: o.PaidAt}
}

const orderColumns = `id, device_id, idem_key, session_id, services, amount_fen, provider, status, qr,
	transaction_id, expires_at, created_at, updated_at, COALESCE(paid_at, '')`

func scanOrder(row interface{ Scan(...any) error }) (Order, error) {
	var o Order
	var services, expires, created, updated, paid string
	err := row.Scan(&o.ID, &o.DeviceID, &o.IdemKey, &o.SessionID, &services, &o.AmountFen, &o.Provider,
		&o.Status, &o.QR, &o.TransactionID, &expires, &created, &updated, &paid)
	if err != nil {
		return Order{}, notFound(err)
	}
	if err := json.Unmarshal([]byte(services), &o.Services); err != nil {
		return Order{}, fmt.Errorf("order %s: services: %w", o.ID, err)
	}
	for _, t := range []struct {
		s   string
		dst *time.Time
	}{{expires, &o.ExpiresAt}, {created, &o.CreatedAt}, {updated, &o.UpdatedAt}, {paid, &o.PaidAt}} {
		if t.s == "" {
			continue
		}
		if *t.dst, err = parseTime(t.s); err != nil {
			return Order{}, fmt.Errorf("order %s: %w", o.ID, err)
		}
	}
	return o, nil
}

// CreateOrder stores a new pending order (o.ID, DeviceID, IdemKey,
// SessionID, Services, AmountFen, Provider and ExpiresAt set). When the
// device already made an order with that idempotency key, that order is
// returned instead (created is false); it must be for the same session
// and services, else ErrConflict.
func (db *DB) CreateOrder(ctx context.Context, o Order) (_ Order, created bool, err error) {
	services, err := json.Marshal(o.Services)
	if err != nil {
		return Order{}, false, fmt.Errorf("storage: create order: %w", err)
	}
	now := formatTime(db.now())
	var out Order
	err = db.withLocks(ctx, []string{lockDevice(o.DeviceID)}, func(tx *txn) error {
		prior, err := scanOrder(tx.QueryRowContext(ctx, "SELECT "+orderColumns+
			" FROM orders WHERE device_id = ? AND idem_key = ?", o.DeviceID, o.IdemKey))
		switch {
		case err == nil:
			if prior.SessionID != o.SessionID || !slices.Equal(prior.Services, o.Services) {
				return fmt.Errorf("idempotency key %q was used for another order: %w", o.IdemKey, ErrConflict)
			}
			out, created = prior, false
			return nil
		case !errors.Is(err, ErrNotFound):
			return err
		}
		_, err = tx.ExecContext(ctx, `INSERT INTO orders (id, device_id, idem_key, session_id, services,
			amount_fen, provider, status, expires_at, created_at, updated_at)
			VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)`, o.ID, o.DeviceID, o.IdemKey, o.SessionID, string(services),
			o.AmountFen, o.Provider, api.OrderPending, formatTime(o.ExpiresAt), now, now)
		if err != nil {
			return err
		}
		out, err = scanOrder(tx.QueryRowContext(ctx, "SELECT "+orderColumns+" FROM orders WHERE id = ?", o.ID))
		created = err == nil
		return err
	})
	if err != nil {
		return Order{}, false, fmt.Errorf("storage: create order: %w", err)
	}
	return out, created, nil
}

// Order reads an order; ErrNotFound if there is none.
func (db *DB) Order(ctx context.Context, id string) (Order, error) {
	o, err := scanOrder(db.r.QueryRowContext(ctx, "SELECT "+orderColumns+" FROM orders WHERE id = ?", id))
	if err != nil {
		return Order{}, fmt.Errorf("storage: order %s: %w", id, err)
	}
	return o, nil
}

// SetOrderQR records the provider's QR payload of a pending order.
func (db *DB) SetOrderQR(ctx context.Context, id, qr string) (Order, error) {
	return db.updateOrder(ctx, "set order qr", id, `UPDATE orders SET qr = ?, updated_at = ? WHERE id = ?`,
		qr, formatTime(db.now()), id)
}

// PayOrder records that the provider took the payment (transaction id,
// time). Paying an order twice with the same transaction changes nothing
// (a repeated notification); another transaction for a paid order is
// ErrConflict. A payment that arrives after the order expired or was
// closed is recorded all the same: the money was taken.
func (db *DB) PayOrder(ctx context.Context, id, transaction string, at time.Time) (Order, error) {
	var device string
	if err := db.r.QueryRowContext(ctx, "SELECT device_id FROM orders WHERE id = ?", id).Scan(&device); err != nil {
		return Order{}, fmt.Errorf("storage: pay order %s: %w", id, notFound(err))
	}
	var o Order
	err := db.withLocks(ctx, []string{lockDevice(device)}, func(tx *txn) error {
		prior, err := scanOrder(tx.QueryRowContext(ctx, "SELECT "+orderColumns+" FROM orders WHERE id = ?", id))
		if err != nil {
			return err
		}
		if prior.Status == api.OrderPaid {
			if prior.TransactionID != transaction {
				return fmt.Errorf("paid by transaction %s, not %s: %w", prior.TransactionID, transaction, ErrConflict)
			}
			o = prior
			return nil
		}
		if _, err := tx.ExecContext(ctx, `UPDATE orders SET status = ?, transaction_id = ?, paid_at = ?,
			updated_at = ? WHERE id = ?`, api.OrderPaid, transaction, formatTime(at), formatTime(db.now()), id); err != nil {
			return err
		}
		if err := releasePaidLater(ctx, tx, prior.DeviceID, prior.SessionID, formatTime(db.now())); err != nil {
			return err
		}
		o, err = scanOrder(tx.QueryRowContext(ctx, "SELECT "+orderColumns+" FROM orders WHERE id = ?", id))
		return err
	})
	if err != nil {
		return Order{}, fmt.Errorf("storage: pay order %s: %w", id, err)
	}
	return o, nil
}

// EndOrder moves a pending order to status (api.OrderExpired or
// api.OrderClosed); an order no longer pending is returned as it is.
func (db *DB) EndOrder(ctx context.Context, id, status string) (Order, error) {
	if status != api.OrderExpired && status != api.OrderClosed {
		return Order{}, fmt.Errorf("storage: end order %s: status %q: %w", id, status, ErrBadInput)
	}
	return db.updateOrder(ctx, "end order", id, `UPDATE orders SET status = ?, updated_at = ?
		WHERE id = ? AND status = ?`, status, formatTime(db.now()), id, api.OrderPending)
}

// updateOrder runs one UPDATE of an order and reads it back. The UPDATE
// is its own check (WHERE status = pending): it needs no lock but the
// row's.
func (db *DB) updateOrder(ctx context.Context, op, id, query string, args ...any) (Order, error) {
	var o Order
	err := db.withLocks(ctx, nil, func(tx *txn) error {
		if _, err := tx.ExecContext(ctx, query, args...); err != nil {
			return err
		}
		var err error
		o, err = scanOrder(tx.QueryRowContext(ctx, "SELECT "+orderColumns+" FROM orders WHERE id = ?", id))
		return err
	})
	if err != nil {
		return Order{}, fmt.Errorf("storage: %s %s: %w", op, id, err)
	}
	return o, nil
}

// sessionPaid reports whether a kiosk session has a paid order.
func sessionPaid(ctx context.Context, tx *txn, deviceID, sessionID string) (bool, error) {
	var n int
	err := tx.QueryRowContext(ctx, "SELECT COUNT(*) FROM orders WHERE device_id = ? AND session_id = ? AND status = ?",
		deviceID, sessionID, api.OrderPaid).Scan(&n)
	return n > 0, err
}

// releasePaidLater puts the submissions that waited for a pay-later
// payment of this session into review, now that it is paid. The
// transaction holds the kiosk's lock, as a submit does (lock.go).
func releasePaidLater(ctx context.Context, tx *txn, deviceID, sessionID, now string) error {
	rows, err := tx.QueryContext(ctx, "SELECT "+submissionColumns+` FROM submissions WHERE device_id = ?
		AND session_id = ? AND payment = ? AND status = ? AND submitted_at IS NOT NULL`,
		deviceID, sessionID, api.PaymentLater, api.StatusReceived)
	if err != nil {
		return err
	}
	var waiting []Submission
	for rows.Next() {
		s, err := scanSubmission(rows)
		if err != nil {
			rows.Close()
			return err
		}
		waiting = append(waiting, s)
	}
	if err := rows.Close(); err != nil {
		return err
	}
	// wait for a photo of theirs being written (lock.go): what enters
	// review is what the reviewer will see
	locks := make([]string, len(waiting))
	for i, s := range waiting {
		locks[i] = lockSubmission(s.ID)
	}
	slices.Sort(locks)
	if err := tx.lock(ctx, locks); err != nil {
		return err
	}
	for _, s := range waiting {
		if _, err := tx.ExecContext(ctx, "UPDATE submissions SET status = ?, updated_at = ? WHERE id = ?",
			api.StatusInReview, now, s.ID); err != nil {
			return err
		}
		if err := addChange(ctx, tx, s, api.StatusInReview, "", now); err != nil {
			return err
		}
	}
	return nil
}

// PaidSessionOrder is a kiosk session's paid order, if it has one
// (ErrNotFound otherwise).
func (db *DB) PaidSessionOrder(ctx context.Context, deviceID, sessionID string) (Order, error) {
	o, err := scanOrder(db.r.QueryRowContext(ctx, "SELECT "+orderColumns+
		" FROM orders WHERE device_id = ? AND session_id = ? AND status = ? LIMIT 1", deviceID, sessionID, api.OrderPaid))
	if err != nil {
		return Order{}, fmt.Errorf("storage: paid order of %s: %w", sessionID, err)
	}
	return o, nil
}

// SessionOrderCount counts the orders made for a kiosk session.
func (db *DB) SessionOrderCount(ctx context.Context, sessionID string) (int, error) {
	var n int
	if err := db.r.QueryRowContext(ctx, "SELECT COUNT(*) FROM orders WHERE session_id = ?", sessionID).Scan(&n); err != nil {
		return 0, fmt.Errorf("storage: count orders of %s: %w", sessionID, err)
	}
	return n, nil
}
