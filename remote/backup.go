package remote

import (
	"context"
	"errors"
	"fmt"
	"io"
	"time"

	"gradphoto/api/bundle"
	"gradphoto/store"
)

// Backup writes every confirmed attempt of the kiosk to w as a bundle
// sealed with passphrase: what a sync would send, for the server to
// import when no network ever came. ID-card images already purged (the
// server has them) are left out, as a sync would. It returns how many
// attempts it wrote.
func Backup(ctx context.Context, st *store.Store, w io.Writer, passphrase string, now time.Time) (int, error) {
	h, err := backupHeader(ctx, st, now)
	if err != nil {
		return 0, fmt.Errorf("backup: %w", err)
	}
	ids, err := st.ConfirmedSessions(ctx)
	if err != nil {
		return 0, fmt.Errorf("backup: %w", err)
	}
	h.Items = len(ids)
	bw, err := bundle.NewWriter(w, passphrase, h)
	if err != nil {
		return 0, fmt.Errorf("backup: %w", err)
	}
	for _, id := range ids {
		a, err := st.Attempt(ctx, id)
		if err != nil {
			return 0, fmt.Errorf("backup: %w", err)
		}
		meta, photos := submission(a)
		it := bundle.Item{Submission: meta, Photos: map[string][]byte{}}
		for _, p := range photos {
			it.Photos[p.kind] = p.data
		}
		if err := bw.Add(it); err != nil {
			return 0, fmt.Errorf("backup: %w", err)
		}
	}
	if err := bw.Close(); err != nil {
		return 0, fmt.Errorf("backup: %w", err)
	}
	return len(ids), nil
}

// backupHeader names the kiosk: its device at the server once enrolled,
// else its install id.
func backupHeader(ctx context.Context, st *store.Store, now time.Time) (bundle.Header, error) {
	h := bundle.Header{CreatedAt: now.UTC()}
	cfg, err := st.ServerConfig(ctx)
	switch {
	case err == nil && cfg.DeviceID != "":
		h.Kiosk, h.Enrolled, h.School = cfg.DeviceID, true, cfg.School
		return h, nil
	case err != nil && !errors.Is(err, store.ErrNotEnrolled):
		return h, err
	}
	h.Kiosk, err = st.InstallID(ctx)
	return h, err
}
