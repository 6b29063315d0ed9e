package storage

import (
	"context"
	"crypto/rand"
	"database/sql"
	"fmt"
	"time"

	"gradphoto/api"
)

// Device is an enrolled kiosk.
type Device struct {
	ID         string
	School     string // the school it serves; "" any
	Name       string
	CodePrefix string // the first characters of its receipt codes (api.CodePrefix)
	CreatedAt  time.Time
}

// AddEnrolCode stores a one-time enrolment code (its hash) for school,
// valid until expires.
func (db *DB) AddEnrolCode(ctx context.Context, codeHash []byte, school string, expires time.Time) error {
	_, err := db.w.ExecContext(ctx, `INSERT INTO enrol_codes (code_hash, school, created_at, expires_at)
		VALUES (?, ?, ?, ?)`, codeHash, school, formatTime(db.now()), formatTime(expires))
	if err != nil {
		return fmt.Errorf("storage: add enrolment code: %w", err)
	}
	return nil
}

// Enrol uses a code once: the device d (its ID and Name set) is stored
// with the hash of its token and the code's school. An unknown, used or
// expired code gives ErrForbidden.
func (db *DB) Enrol(ctx context.Context, codeHash []byte, d Device, tokenHash []byte) (Device, error) {
	d.CreatedAt = db.now().UTC()
	err := db.withTx(ctx, func(tx *txn) error {
		var expires string
		var used sql.NullString
		err := tx.QueryRowContext(ctx, "SELECT school, expires_at, used_at FROM enrol_codes WHERE code_hash = ?",
			codeHash).Scan(&d.School, &expires, &used)
		if err != nil {
			return fmt.Errorf("code: %w", forbiddenIfNone(err))
		}
		if used.Valid || expires < formatTime(d.CreatedAt) {
			return fmt.Errorf("code used or expired: %w", ErrForbidden)
		}
		if _, err := tx.ExecContext(ctx, "UPDATE enrol_codes SET used_at = ?, device_id = ? WHERE code_hash = ?",
			formatTime(d.CreatedAt), d.ID, codeHash); err != nil {
			return err
		}
		var n int
		if err := tx.QueryRowContext(ctx, "SELECT COUNT(*) FROM devices").Scan(&n); err != nil {
			return err
		}
		if d.CodePrefix, err = api.CodePrefix(n); err != nil {
			return err
		}
		_, err = tx.ExecContext(ctx, `INSERT INTO devices (id, token_hash, school, name, code_prefix, created_at)
			VALUES (?, ?, ?, ?, ?, ?)`, d.ID, tokenHash, d.School, d.Name, d.CodePrefix, formatTime(d.CreatedAt))
		return err
	})
	if err != nil {
		return Device{}, fmt.Errorf("storage: enrol: %w", err)
	}
	return d, nil
}

func forbiddenIfNone(err error) error {
	if err == sql.ErrNoRows {
		return ErrForbidden
	}
	return err
}

// DeviceByToken finds the device a bearer token's hash belongs to;
// ErrNotFound for an unknown or revoked token.
func (db *DB) DeviceByToken(ctx context.Context, tokenHash []byte) (Device, error) {
	var d Device
	var created string
	err := db.r.QueryRowContext(ctx, `SELECT id, school, name, created_at FROM devices
		WHERE token_hash = ? AND revoked_at IS NULL`, tokenHash).Scan(&d.ID, &d.School, &d.Name, &created)
	if err == nil {
		d.CreatedAt, err = parseTime(created)
	}
	if err != nil {
		return Device{}, fmt.Errorf("storage: device by token: %w", notFound(err))
	}
	return d, nil
}

// DeviceTokenHash is the stored hash of a device's bearer token (it keys
// the device's pay-later addresses); ErrNotFound for an unknown or revoked
// device.
func (db *DB) DeviceTokenHash(ctx context.Context, id string) ([]byte, error) {
	var h []byte
	err := db.r.QueryRowContext(ctx, "SELECT token_hash FROM devices WHERE id = ? AND revoked_at IS NULL", id).Scan(&h)
	if err != nil {
		return nil, fmt.Errorf("storage: device %s: %w", id, notFound(err))
	}
	return h, nil
}

// RevokeDevice stops a device's token from working.
func (db *DB) RevokeDevice(ctx context.Context, id string) error {
	res, err := db.w.ExecContext(ctx, "UPDATE devices SET revoked_at = ? WHERE id = ? AND revoked_at IS NULL",
		formatTime(db.now()), id)
	if err == nil {
		err = oneRow(res)
	}
	if err != nil {
		return fmt.Errorf("storage: revoke device %s: %w", id, err)
	}
	return nil
}

// oneRow is ErrNotFound unless res changed a row.
func oneRow(res sql.Result) error {
	n, err := res.RowsAffected()
	if err != nil {
		return err
	}
	if n == 0 {
		return ErrNotFound
	}
	return nil
}

// Device is a device by its id (revoked ones too); ErrNotFound when none.
func (db *DB) Device(ctx context.Context, id string) (Device, error) {
	var d Device
	var created string
	err := db.r.QueryRowContext(ctx, "SELECT id, school, name, created_at FROM devices WHERE id = ?", id).
		Scan(&d.ID, &d.School, &d.Name, &created)
	if err == nil {
		d.CreatedAt, err = parseTime(created)
	}
	if err != nil {
		return Device{}, fmt.Errorf("storage: device %s: %w", id, notFound(err))
	}
	return d, nil
}

// ImportDevice is the device of a kiosk that was never enrolled, known
// from its backup: made on its first import (with a random token hash no
// token matches, so it can never call the API), found on later ones.
func (db *DB) ImportDevice(ctx context.Context, d Device) (Device, error) {
	token := make([]byte, 32)
	if _, err := rand.Read(token); err != nil {
		return Device{}, err
	}
	_, err := db.w.ExecContext(ctx, `INSERT INTO devices (id, token_hash, school, name, created_at)
		VALUES (?, ?, ?, ?, ?) ON CONFLICT (id) DO NOTHING`, d.ID, token, d.School, d.Name, formatTime(db.now()))
	if err != nil {
		return Device{}, fmt.Errorf("storage: import device %s: %w", d.ID, err)
	}
	return db.Device(ctx, d.ID)
}
