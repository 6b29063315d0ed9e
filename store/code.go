package store

import (
	"context"
	"crypto/rand"
	"database/sql"
	"encoding/hex"
	"errors"
	"fmt"
	"math/big"
	"strconv"

	"gradphoto/api"
)

// Settings of the receipt codes: the prefix (the server's, from the
// enrolment; a random one until then), the key of the permutation and the
// next sequence number.
const (
	settingCodePrefix = "code.prefix"
	settingCodeKey    = "code.key"
	settingCodeNext   = "code.next"
)

// NextCode hands out the kiosk's next receipt code (see api.MakeCode): the
// sequence number moves on in the same transaction, so no code is handed
// out twice, even across a crash.
func (s *Store) NextCode(ctx context.Context) (string, error) {
	var code string
	err := s.withTx(ctx, func(tx *sql.Tx) error {
		prefix, err := s.settingOr(ctx, tx, settingCodePrefix, randomPrefix)
		if err != nil {
			return err
		}
		key, err := s.settingOr(ctx, tx, settingCodeKey, randomKey)
		if err != nil {
			return err
		}
		next, err := s.settingOr(ctx, tx, settingCodeNext, func() (string, error) { return "0", nil })
		if err != nil {
			return err
		}
		seq, err := strconv.ParseUint(next, 10, 32)
		if err != nil {
			return fmt.Errorf("code.next %q: %w", next, err)
		}
		rawKey, err := hex.DecodeString(key)
		if err != nil {
			return fmt.Errorf("code.key: %w", err)
		}
		if code, err = api.MakeCode(prefix, uint32(seq), rawKey); err != nil {
			return err
		}
		return s.setSettingTx(ctx, tx, settingCodeNext, strconv.FormatUint(seq+1, 10))
	})
	if err != nil {
		return "", fmt.Errorf("store: next receipt code: %w", err)
	}
	return code, nil
}

// setCodePrefix makes the server's prefix the kiosk's from now on.
func (s *Store) setCodePrefix(ctx context.Context, prefix string) error {
	if prefix == "" {
		return nil
	}
	if _, err := api.MakeCode(prefix, 0, nil); err != nil {
		return err
	}
	return s.SetSetting(ctx, settingCodePrefix, prefix)
}

// settingOr reads a setting in tx; a missing one is made by make and stored.
func (s *Store) settingOr(ctx context.Context, tx *sql.Tx, key string, make func() (string, error)) (string, error) {
	var v string
	err := tx.QueryRowContext(ctx, "SELECT value FROM settings WHERE key = ?", key).Scan(&v)
	if !errors.Is(err, sql.ErrNoRows) {
		return v, err
	}
	if v, err = make(); err != nil {
		return "", err
	}
	_, err = tx.ExecContext(ctx, "INSERT INTO settings (key, value, updated_at) VALUES (?, ?, ?)",
		key, v, formatTime(s.now()))
	return v, err
}

func (s *Store) setSettingTx(ctx context.Context, tx *sql.Tx, key, value string) error {
	_, err := tx.ExecContext(ctx, "UPDATE settings SET value = ?, updated_at = ? WHERE key = ?",
		value, formatTime(s.now()), key)
	return err
}

// randomPrefix is the prefix of a kiosk the server has not numbered (yet).
func randomPrefix() (string, error) {
	n, err := rand.Int(rand.Reader, big.NewInt(api.CodePrefixes))
	if err != nil {
		return "", err
	}
	return api.CodePrefix(int(n.Int64()))
}

func randomKey() (string, error) {
	b := make([]byte, 32)
	if _, err := rand.Read(b); err != nil {
		return "", err
	}
	return hex.EncodeToString(b), nil
}
