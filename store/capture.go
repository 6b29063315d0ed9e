package store

import (
	"context"
	"database/sql"
	"encoding/json"
	"fmt"

	"gradphoto/app"
)

// Photo kinds of a capture.
const (
	KindRaw      = "raw"      // the still as the camera took it (kept on the kiosk)
	KindStandard = "standard" // the standardised photo (sent to the server)
)

// KindSubmit is the outbox item that puts a confirmed submission into review.
const KindSubmit = "submission.submit" // Ref: submission id

// SaveShot stores both photos of one capture — the still as taken and the
// standardised photo, each with its report — in one transaction, and queues
// the standardised photo's upload (the raw still stays on the kiosk). It
// returns the two photo ids. An unknown session gives app.ErrNotFound.
func (s *Store) SaveShot(ctx context.Context, sessionID string, shot app.Shot) (string, string, error) {
	raw := Photo{SessionID: sessionID, Kind: KindRaw, Data: shot.Raw, Report: shot.RawReport}
	std := Photo{SessionID: sessionID, Kind: KindStandard, Data: shot.Standard, Report: shot.StandardReport}
	for _, p := range []*Photo{&raw, &std} {
		if err := fillPhoto(p, s.now()); err != nil {
			return "", "", fmt.Errorf("store: save shot: %w", err)
		}
	}
	payload, err := json.Marshal(uploadPayload{SessionID: sessionID, Kind: std.Kind, SHA256: std.SHA256})
	if err != nil {
		return "", "", fmt.Errorf("store: save shot: %w", err)
	}
	err = s.withTx(ctx, func(tx *sql.Tx) error {
		for _, p := range []Photo{raw, std} {
			if err := insertPhoto(ctx, tx, p); err != nil {
				return err
			}
		}
		return s.enqueueTx(ctx, tx, KindPhotoUpload, std.ID, payload)
	})
	if err != nil {
		return "", "", fmt.Errorf("store: save shot: %w", err)
	}
	return raw.ID, std.ID, nil
}

// submitPayload is what the sync worker sends for a submission.
type submitPayload struct {
	SessionID  string `json:"session_id"`
	StandardID string `json:"standard_photo_id"`
	Payment    string `json:"payment"`
	OrderRef   string `json:"order_ref,omitempty"`
}

// Submit records a confirmed session in one transaction: the session row
// (with its submission id), the submission's first status (queued, 待同步,
// so the status look-up finds it at once) and the outbox item that sends it
// to review.
func (s *Store) Submit(ctx context.Context, sess app.Session) error {
	if err := s.submit(ctx, sess); err != nil {
		return fmt.Errorf("store: submit %s: %w", sess.SubmissionID, err)
	}
	return nil
}

func (s *Store) submit(ctx context.Context, sess app.Session) error {
	if sess.SubmissionID == "" || sess.Identity == nil {
		return fmt.Errorf("session %s has no submission id or identity", sess.ID)
	}
	payload, err := json.Marshal(submitPayload{SessionID: sess.ID, StandardID: sess.StandardID,
		Payment: string(sess.Payment), OrderRef: sess.OrderRef})
	if err != nil {
		return err
	}
	return s.withTx(ctx, func(tx *sql.Tx) error {
		if err := s.saveSession(ctx, tx, sess); err != nil {
			return err
		}
		status := app.StatusRecord{SubmissionID: sess.SubmissionID, Number: sess.Identity.Number,
			Status: app.StatusQueued, UpdatedAt: sess.UpdatedAt}
		if status.UpdatedAt.IsZero() {
			status.UpdatedAt = s.now()
		}
		if err := s.putStatusTx(ctx, tx, status); err != nil {
			return err
		}
		return s.enqueueTx(ctx, tx, KindSubmit, sess.SubmissionID, payload)
	})
}
