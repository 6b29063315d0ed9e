package store

import (
	"context"
	"database/sql"
	"encoding/json"
	"errors"
	"fmt"

	"gradphoto/api"
	"gradphoto/app"
)

// ErrVoucherKey: the voucher book came signed with another key than the
// one this kiosk first saw.
var ErrVoucherKey = errors.New("voucher key changed")

// Settings of the voucher book.
const (
	SettingVoucherKey    = "sync.voucher_key"    // the server's public key (base64)
	SettingVoucherCursor = "sync.voucher_cursor" // the book's cursor
)

// SaveVouchers keeps a page of the voucher book and the key that signs
// it (a voucher already held keeps whether it was used).
func (s *Store) SaveVouchers(ctx context.Context, key string, vs []api.Voucher) error {
	err := s.withTx(ctx, func(tx *sql.Tx) error {
		var pinned string
		err := tx.QueryRowContext(ctx, "SELECT value FROM settings WHERE key = ?", SettingVoucherKey).Scan(&pinned)
		if err != nil && !errors.Is(err, sql.ErrNoRows) {
			return err
		}
		if pinned != "" && pinned != key { // the first key seen is kept: a changed one is not believed
			return fmt.Errorf("the server's voucher key changed: %w", ErrVoucherKey)
		}
		for _, v := range vs {
			if _, err := tx.ExecContext(ctx, `INSERT INTO vouchers (hash, school, amount_fen, expires_at, sig)
				VALUES (?, ?, ?, ?, ?) ON CONFLICT (hash) DO UPDATE SET school = excluded.school,
				amount_fen = excluded.amount_fen, expires_at = excluded.expires_at, sig = excluded.sig`,
				v.Hash, v.School, v.AmountFen, formatTime(v.Expires), v.Sig); err != nil {
				return err
			}
		}
		return s.setSetting(ctx, tx, SettingVoucherKey, key)
	})
	if err != nil {
		return fmt.Errorf("store: save vouchers: %w", err)
	}
	return nil
}

// Voucher is the book's entry of a voucher hash, the key the book is
// signed with, and whether this kiosk has used the voucher;
// app.ErrNotFound when the book does not hold it.
func (s *Store) Voucher(ctx context.Context, hash string) (v api.Voucher, key string, used bool, err error) {
	var expires string
	var usedAt sql.NullString
	err = s.r.QueryRowContext(ctx, `SELECT hash, school, amount_fen, expires_at, sig, used_at FROM vouchers
		WHERE hash = ?`, hash).Scan(&v.Hash, &v.School, &v.AmountFen, &expires, &v.Sig, &usedAt)
	if err == nil {
		v.Expires, err = parseTime(expires)
	}
	if err == nil {
		key, err = s.Setting(ctx, SettingVoucherKey)
	}
	if err != nil {
		return api.Voucher{}, "", false, fmt.Errorf("store: voucher: %w", notFound(err))
	}
	return v, key, usedAt.Valid, nil
}

// useVoucherTx marks the voucher a submitted session paid with as used.
func useVoucherTx(ctx context.Context, tx *sql.Tx, sess app.Session, at string) error {
	if sess.Payment != app.PaymentVoucher {
		return nil
	}
	_, err := tx.ExecContext(ctx, "UPDATE vouchers SET used_at = ?, used_session = ? WHERE hash = ? AND used_at IS NULL",
		at, sess.ID, sess.OrderRef)
	return err
}

// SettingCatalog keeps the last catalog the server gave (JSON).
const SettingCatalog = "payment.catalog"

// SaveCatalog keeps the server's catalog for days without a network.
func (s *Store) SaveCatalog(ctx context.Context, c api.Catalog) error {
	b, err := json.Marshal(c)
	if err == nil {
		err = s.SetSetting(ctx, SettingCatalog, string(b))
	}
	if err != nil {
		return fmt.Errorf("store: save catalog: %w", err)
	}
	return nil
}

// CachedCatalog is the catalog kept last; app.ErrNotFound before the first.
func (s *Store) CachedCatalog(ctx context.Context) (api.Catalog, error) {
	var c api.Catalog
	v, err := s.Setting(ctx, SettingCatalog)
	if err == nil {
		err = json.Unmarshal([]byte(v), &c)
	}
	if err != nil {
		return api.Catalog{}, fmt.Errorf("store: cached catalog: %w", err)
	}
	return c, nil
}
