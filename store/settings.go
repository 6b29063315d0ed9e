package store

import (
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"time"

	"gradphoto/app"
)

// Setting returns a setting's value; app.ErrNotFound when it was never set.
func (s *Store) Setting(ctx context.Context, key string) (string, error) {
	var v string
	err := s.r.QueryRowContext(ctx, "SELECT value FROM settings WHERE key = ?", key).Scan(&v)
	if err != nil {
		return "", fmt.Errorf("store: setting %q: %w", key, notFound(err))
	}
	return v, nil
}

// SetSetting sets (or replaces) a setting.
func (s *Store) SetSetting(ctx context.Context, key, value string) error {
	if err := s.setSetting(ctx, s.w, key, value); err != nil {
		return fmt.Errorf("store: set setting %q: %w", key, err)
	}
	return nil
}

// setSetting sets a setting through ex (a transaction, or the writer).
func (s *Store) setSetting(ctx context.Context, ex execer, key, value string) error {
	_, err := ex.ExecContext(ctx, `INSERT INTO settings (key, value, updated_at) VALUES (?, ?, ?)
		ON CONFLICT (key) DO UPDATE SET value = excluded.value, updated_at = excluded.updated_at`,
		key, value, formatTime(s.now()))
	return storageFull(err)
}

// SettingOperatorPIN is the operator PIN's argon2id hash.
const SettingOperatorPIN = "operator.pin"

// OperatorPIN is the operator PIN's hash; app.ErrNotFound when none is set.
func (s *Store) OperatorPIN(ctx context.Context) (string, error) {
	return s.Setting(ctx, SettingOperatorPIN)
}

// SetOperatorPIN keeps a new operator PIN's hash.
func (s *Store) SetOperatorPIN(ctx context.Context, hash string) error {
	return s.SetSetting(ctx, SettingOperatorPIN, hash)
}

// SettingPINFailures are the wrong operator PINs in a row: "COUNT UNIXNANO".
const SettingPINFailures = "operator.pin_failures"

// PINFailures are the wrong operator PINs in a row (zero when none).
func (s *Store) PINFailures(ctx context.Context) (app.PINFailures, error) {
	v, err := s.Setting(ctx, SettingPINFailures)
	if errors.Is(err, app.ErrNotFound) {
		return app.PINFailures{}, nil
	}
	if err != nil {
		return app.PINFailures{}, err
	}
	var n int
	var at int64
	if _, err := fmt.Sscanf(v, "%d %d", &n, &at); err != nil {
		return app.PINFailures{}, fmt.Errorf("store: PIN failures %q: %w", v, err)
	}
	return app.PINFailures{Count: n, Last: time.Unix(0, at)}, nil
}

// SetPINFailures keeps the wrong operator PINs in a row.
func (s *Store) SetPINFailures(ctx context.Context, f app.PINFailures) error {
	var at int64
	if !f.Last.IsZero() {
		at = f.Last.UnixNano()
	}
	return s.SetSetting(ctx, SettingPINFailures, fmt.Sprintf("%d %d", f.Count, at))
}

// SettingInstallID names this kiosk installation before it is enrolled.
const SettingInstallID = "kiosk.install_id"

// InstallID is this kiosk installation's own id, made on first use.
func (s *Store) InstallID(ctx context.Context) (string, error) {
	id, err := s.Setting(ctx, SettingInstallID)
	if err == nil || !errors.Is(err, app.ErrNotFound) {
		return id, err
	}
	id = app.NewID()
	return id, s.SetSetting(ctx, SettingInstallID, id)
}

// SettingKiosk holds the operator's kiosk settings (JSON).
const SettingKiosk = "kiosk.settings"

// KioskSettings are the operator's settings; zero when never saved.
func (s *Store) KioskSettings(ctx context.Context) (app.KioskSettings, error) {
	var ks app.KioskSettings
	v, err := s.Setting(ctx, SettingKiosk)
	if errors.Is(err, app.ErrNotFound) {
		return ks, nil
	}
	if err != nil {
		return ks, err
	}
	if err := json.Unmarshal([]byte(v), &ks); err != nil {
		return ks, fmt.Errorf("store: kiosk settings: %w", err)
	}
	return ks, nil
}

// SaveKioskSettings keeps the operator's settings, checked first.
func (s *Store) SaveKioskSettings(ctx context.Context, ks app.KioskSettings) error {
	if err := ks.Validate(); err != nil {
		return fmt.Errorf("store: save kiosk settings: %w", err)
	}
	data, err := json.Marshal(ks)
	if err != nil {
		return err
	}
	return s.SetSetting(ctx, SettingKiosk, string(data))
}
