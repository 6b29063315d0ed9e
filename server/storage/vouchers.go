package storage

import (
	"context"
	"crypto/ed25519"
	"database/sql"
	"errors"
	"fmt"
	"strconv"
	"time"

	"gradphoto/api"
)

// SigningKey is the server's Ed25519 key of name, made and stored the
// first time it is asked for.
func (db *DB) SigningKey(ctx context.Context, name string) (ed25519.PrivateKey, error) {
	var key []byte
	err := db.withTx(ctx, func(tx *txn) error {
		err := tx.QueryRowContext(ctx, "SELECT private FROM signing_keys WHERE name = ?", name).Scan(&key)
		if !errors.Is(err, sql.ErrNoRows) {
			return err
		}
		_, priv, err := ed25519.GenerateKey(nil)
		if err != nil {
			return err
		}
		key = priv
		_, err = tx.ExecContext(ctx, "INSERT INTO signing_keys (name, private, created_at) VALUES (?, ?, ?)",
			name, key, formatTime(db.now()))
		return err
	})
	if err == nil && len(key) != ed25519.PrivateKeySize {
		err = fmt.Errorf("stored key is %d bytes", len(key))
	}
	if err != nil {
		return nil, fmt.Errorf("storage: signing key %s: %w", name, err)
	}
	return ed25519.PrivateKey(key), nil
}

// AddVouchers stores signed vouchers.
func (db *DB) AddVouchers(ctx context.Context, vs []api.Voucher) error {
	err := db.withTx(ctx, func(tx *txn) error {
		for _, v := range vs {
			if _, err := tx.ExecContext(ctx, `INSERT INTO vouchers (seq, hash, school, amount_fen, expires_at, sig, created_at)
				VALUES ((SELECT COALESCE(MAX(seq), 0) + 1 FROM vouchers), ?, ?, ?, ?, ?, ?)`, v.Hash, v.School, v.AmountFen, formatTime(v.Expires), v.Sig,
				formatTime(db.now())); err != nil {
				return err
			}
		}
		return nil
	})
	if err != nil {
		return fmt.Errorf("storage: add vouchers: %w", err)
	}
	return nil
}

// VoucherBook is the vouchers of school (and those of any school) after
// the cursor since, at most limit, oldest first; next is the cursor to ask
// with next time.
func (db *DB) VoucherBook(ctx context.Context, school, since string, limit int) (vs []api.Voucher, next string, more bool, err error) {
	after := int64(0)
	if since != "" {
		if after, err = strconv.ParseInt(since, 10, 64); err != nil || after < 0 {
			return nil, "", false, fmt.Errorf("storage: voucher book: cursor %q: %w", since, ErrBadInput)
		}
	}
	rows, err := db.r.QueryContext(ctx, `SELECT seq, hash, school, amount_fen, expires_at, sig FROM vouchers
		WHERE seq > ? AND (school = ? OR school = '' OR ? = '') ORDER BY seq LIMIT ?`, after, school, school, limit+1)
	if err != nil {
		return nil, "", false, fmt.Errorf("storage: voucher book: %w", err)
	}
	defer rows.Close()
	next = since
	for rows.Next() {
		if len(vs) == limit {
			more = true
			break
		}
		var v api.Voucher
		var seq int64
		var expires string
		if err := rows.Scan(&seq, &v.Hash, &v.School, &v.AmountFen, &expires, &v.Sig); err != nil {
			return nil, "", false, fmt.Errorf("storage: voucher book: %w", err)
		}
		if v.Expires, err = parseTime(expires); err != nil {
			return nil, "", false, fmt.Errorf("storage: voucher book: %w", err)
		}
		vs = append(vs, v)
		next = strconv.FormatInt(seq, 10)
	}
	return vs, next, more, rows.Err()
}

// UseVoucher records that the voucher of hash paid for submission: once.
// The same submission again changes nothing; another one is ErrConflict;
// an unknown voucher is ErrNotFound.
func (db *DB) UseVoucher(ctx context.Context, hash, submission string, at time.Time) error {
	err := db.withLocks(ctx, []string{lockVoucher(hash)}, func(tx *txn) error {
		var usedBy sql.NullString
		err := tx.QueryRowContext(ctx, "SELECT used_by FROM vouchers WHERE hash = ?", hash).Scan(&usedBy)
		switch {
		case err != nil:
			return notFound(err)
		case usedBy.Valid && usedBy.String == submission:
			return nil
		case usedBy.Valid:
			return fmt.Errorf("voucher already paid for another submission: %w", ErrConflict)
		}
		_, err = tx.ExecContext(ctx, "UPDATE vouchers SET used_by = ?, used_at = ? WHERE hash = ?",
			submission, formatTime(at), hash)
		return err
	})
	if err != nil {
		return fmt.Errorf("storage: use voucher: %w", err)
	}
	return nil
}
