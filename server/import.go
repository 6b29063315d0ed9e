package server

import (
	"context"
	"errors"
	"fmt"
	"io"

	"gradphoto/api"
	"gradphoto/api/bundle"
	"gradphoto/server/storage"
)

// ImportStats counts what an import did.
type ImportStats struct {
	Kiosk    string // the device the submissions belong to
	Attempts int    // attempts read from the bundle
	Photos   int    // photos stored (new or the same again)
}

// Import stores the submissions of a kiosk's backup bundle exactly as a
// sync would: each attempt's metadata, photos and submit, in the order the
// kiosk wrote them, so importing twice, or after a sync, changes nothing.
// An enrolled kiosk's submissions go to its device; a kiosk never enrolled
// gets a device of its own (it can never call the API). A damaged bundle
// stops at the first bad part: what came before it is stored whole.
func (s *Server) Import(ctx context.Context, r io.Reader, passphrase string) (ImportStats, error) {
	br, err := bundle.NewReader(r, passphrase)
	if err != nil {
		return ImportStats{}, fmt.Errorf("import: %w", err)
	}
	d, err := s.importDevice(ctx, br.Header)
	if err != nil {
		return ImportStats{}, fmt.Errorf("import: %w", err)
	}
	st := ImportStats{Kiosk: d.ID}
	for {
		it, err := br.Next()
		if errors.Is(err, io.EOF) {
			break
		}
		if err != nil {
			return st, fmt.Errorf("import: after %d attempts: %w", st.Attempts, err)
		}
		n, err := s.importItem(ctx, d, it)
		if err != nil {
			return st, fmt.Errorf("import: submission %s: %w", it.Submission.ID, err)
		}
		st.Attempts++
		st.Photos += n
	}
	if err := s.store.Audit(ctx, "import", "backup.imported", fmt.Sprintf("device=%s attempts=%d", d.ID, st.Attempts)); err != nil {
		return st, err
	}
	return st, nil
}

// importDevice is the device a bundle's submissions belong to.
func (s *Server) importDevice(ctx context.Context, h bundle.Header) (storage.Device, error) {
	if h.Kiosk == "" || len(h.Kiosk) > 100 {
		return storage.Device{}, fmt.Errorf("%w: no kiosk named in the bundle", bundle.ErrCorrupt)
	}
	if !h.Enrolled {
		return s.store.ImportDevice(ctx, storage.Device{ID: "backup-" + h.Kiosk, School: h.School, Name: h.Name})
	}
	d, err := s.store.Device(ctx, h.Kiosk)
	if errors.Is(err, storage.ErrNotFound) {
		return d, fmt.Errorf("the bundle's kiosk %s was enrolled with another server", h.Kiosk)
	}
	return d, err
}

// importItem stores one attempt: metadata, photos, submit. It returns how
// many photos it stored.
func (s *Server) importItem(ctx context.Context, d storage.Device, it bundle.Item) (int, error) {
	m := it.Submission
	if _, err := s.putSubmission(ctx, d, m, m.ID); err != nil {
		return 0, err
	}
	n := 0
	for _, kind := range []string{api.KindStandard, api.KindRaw, api.KindCardFront, api.KindCardBack} {
		data, ok := it.Photos[kind]
		if !ok {
			continue
		}
		if _, err := s.putPhoto(ctx, d.ID, m.ID, kind, data); err != nil {
			return n, err
		}
		n++
	}
	if _, err := s.store.Submit(ctx, d.ID, m.ID); err != nil {
		return n, err
	}
	return n, nil
}
