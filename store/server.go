package store

import (
	"context"
	"errors"
	"fmt"

	"gradphoto/app"
)

// ErrNotEnrolled: the kiosk has no server (gradphoto enrol was not run).
var ErrNotEnrolled = errors.New("kiosk not enrolled with a server")

// ServerConfig is the server this kiosk syncs with, from its enrolment.
type ServerConfig struct {
	URL      string // e.g. https://photo.example.edu.cn
	DeviceID string
	Token    string // the bearer token (stored encrypted)
	School   string // the school it serves; "" any
	CA       string // PEM of a campus CA to trust besides the system's; "" none
	// CodePrefix starts the kiosk's receipt codes from the enrolment on
	// ("" keeps the one it has).
	CodePrefix string
}

// Setting keys of the server configuration and the sync cursors.
const (
	settingServerURL    = "server.url"
	settingDeviceID     = "server.device_id"
	settingToken        = "server.token"
	settingSchool       = "server.school"
	settingCA           = "server.ca"
	SettingStatusCursor = "sync.status_cursor"
	SettingRosterCursor = "sync.roster_cursor"
	SettingLastSync     = "sync.last_success"
)

// SetServerConfig stores the enrolment (the token encrypted) and resets
// the sync cursors.
func (s *Store) SetServerConfig(ctx context.Context, c ServerConfig) error {
	sealed, err := s.c.sealString(ad("settings.server.token", c.DeviceID), c.Token)
	if err != nil {
		return fmt.Errorf("store: set server config: %w", err)
	}
	for _, kv := range [][2]string{{settingServerURL, c.URL}, {settingDeviceID, c.DeviceID},
		{settingToken, string(sealed)}, {settingSchool, c.School}, {settingCA, c.CA},
		{SettingStatusCursor, "0"}, {SettingRosterCursor, ""}} {
		if err := s.SetSetting(ctx, kv[0], kv[1]); err != nil {
			return err
		}
	}
	if err := s.setCodePrefix(ctx, c.CodePrefix); err != nil {
		return fmt.Errorf("store: set server config: %w", err)
	}
	return s.Audit(ctx, "assistant", "server.enrol", "device "+c.DeviceID)
}

// ServerConfig reads the enrolment; ErrNotEnrolled when there is none.
func (s *Store) ServerConfig(ctx context.Context) (ServerConfig, error) {
	var c ServerConfig
	var sealed string
	for _, kv := range []struct {
		key string
		v   *string
	}{{settingServerURL, &c.URL}, {settingDeviceID, &c.DeviceID}, {settingToken, &sealed},
		{settingSchool, &c.School}, {settingCA, &c.CA}} {
		v, err := s.Setting(ctx, kv.key)
		if errors.Is(err, app.ErrNotFound) {
			return ServerConfig{}, ErrNotEnrolled
		}
		if err != nil {
			return ServerConfig{}, err
		}
		*kv.v = v
	}
	token, err := s.c.openString(ad("settings.server.token", c.DeviceID), []byte(sealed))
	if err != nil {
		return ServerConfig{}, fmt.Errorf("store: server token: %w", err)
	}
	c.Token = token
	return c, nil
}
