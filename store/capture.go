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
// standardised photo, each with its report — in one transaction. It returns
// the two photo ids. An unknown session gives app.ErrNotFound. The photos
// go to the server with the session's submission, once it is confirmed.
func (s *Store) SaveShot(ctx context.Context, sessionID string, shot app.Shot) (string, string, error) {
	raw := Photo{SessionID: sessionID, Kind: KindRaw, Data: shot.Raw, Report: shot.RawReport}
	std := Photo{SessionID: sessionID, Kind: KindStandard, Data: shot.Standard, Report: shot.StandardReport}
	for _, p := range []*Photo{&raw, &std} {
		if err := fillPhoto(p, s.now()); err != nil {
			return "", "", fmt.Errorf("store: save shot: %w", err)
		}
	}
	err := s.withTx(ctx, func(tx *sql.Tx) error {
		for _, p := range []Photo{raw, std} {
			if err := s.insertPhoto(ctx, tx, p); err != nil {
				return err
			}
		}
		return nil
	})
	if err != nil {
		return "", "", fmt.Errorf("store: save shot: %w", err)
	}
	return raw.ID, std.ID, nil
}

// SubmitPayload is the outbox payload of KindSubmit: the confirmed session
// whose photos and metadata the sync worker sends.
type SubmitPayload struct {
	SessionID string `json:"session_id"`
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
	payload, err := json.Marshal(SubmitPayload{SessionID: sess.ID})
	if err != nil {
		return err
	}
	return s.withTx(ctx, func(tx *sql.Tx) error {
		if err := s.saveSession(ctx, tx, sess); err != nil {
			return err
		}
		status := app.StatusRecord{SubmissionID: sess.SubmissionID, Number: sess.Identity.Number,
			Status: app.StatusQueued, UpdatedAt: sess.UpdatedAt, Code: sess.Code}
		if status.UpdatedAt.IsZero() {
			status.UpdatedAt = s.now()
		}
		if err := s.putStatusTx(ctx, tx, status); err != nil {
			return err
		}
		if err := useVoucherTx(ctx, tx, sess, formatTime(s.now())); err != nil {
			return err
		}
		return s.enqueueTx(ctx, tx, KindSubmit, sess.SubmissionID, payload)
	})
}
