package remote

import (
	"context"
	"fmt"

	"gradphoto/api"
	"gradphoto/store"
)

// Enrol registers the kiosk with the server at url by its one-time code
// and keeps the server's address and the kiosk's token (encrypted) in st;
// ca is a campus CA's PEM to trust ("" none).
func Enrol(ctx context.Context, st *store.Store, url, code, name, ca string) (api.Enrolment, error) {
	c, err := New(Config{URL: url, CA: ca})
	if err != nil {
		return api.Enrolment{}, fmt.Errorf("enrol: %w", err)
	}
	en, err := c.Enrol(ctx, code, name)
	if err != nil {
		return api.Enrolment{}, err
	}
	cfg := store.ServerConfig{URL: url, DeviceID: en.DeviceID, Token: en.Token, School: en.School, CA: ca,
		CodePrefix: en.CodePrefix}
	if err := st.SetServerConfig(ctx, cfg); err != nil {
		return api.Enrolment{}, err
	}
	return en, nil
}
