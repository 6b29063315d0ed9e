package store

import (
	"context"
	"database/sql"
	"encoding/json"
	"errors"
	"fmt"
	"time"

	"gradphoto/app"
)

// Attempt is one confirmed session of a submission, as the sync worker
// sends it: the session (identity, roster entry, payment), its two photos
// and its ID-card images (those not purged yet).
type Attempt struct {
	Session     app.Session
	Version     int // 1 for the first confirmed session of the submission, 2 for its retake…
	ConfirmedAt time.Time
	Photos      map[string]Photo // KindRaw, KindStandard; with Data
	Cards       map[app.CardSide]Card
}

// Card is an ID-card image of an attempt.
type Card struct {
	SHA256 string
	Image  []byte // nil once purged
}

// Attempt loads the confirmed session sessionID for the sync worker.
func (s *Store) Attempt(ctx context.Context, sessionID string) (Attempt, error) {
	a, err := s.attempt(ctx, sessionID)
	if err != nil {
		return Attempt{}, fmt.Errorf("store: attempt %s: %w", sessionID, err)
	}
	return a, nil
}

func (s *Store) attempt(ctx context.Context, sessionID string) (Attempt, error) {
	sess, err := s.getSession(ctx, sessionID)
	if err != nil {
		return Attempt{}, err
	}
	if sess.SubmissionID == "" {
		return Attempt{}, fmt.Errorf("session %s was not confirmed", sessionID)
	}
	s.fillRoster(ctx, &sess)
	a := Attempt{Session: sess, ConfirmedAt: sess.UpdatedAt, Photos: map[string]Photo{}, Cards: map[app.CardSide]Card{}}
	if err := s.r.QueryRowContext(ctx, `SELECT COUNT(*) FROM sessions WHERE submission_id = ? AND
		(started_at < ? OR (started_at = ? AND id <= ?))`, sess.SubmissionID,
		formatTime(sess.StartedAt), formatTime(sess.StartedAt), sess.ID).Scan(&a.Version); err != nil {
		return Attempt{}, err
	}
	for _, id := range []string{sess.PhotoID, sess.StandardID} {
		p, err := s.Photo(ctx, id)
		if errors.Is(err, ErrPurged) {
			continue // the raw still, after approval: the server has it
		}
		if err != nil {
			return Attempt{}, err
		}
		a.Photos[p.Kind] = p
	}
	for side, id := range sess.Cards {
		var sum string
		if err := s.r.QueryRowContext(ctx, "SELECT sha256 FROM documents WHERE id = ?", id).Scan(&sum); err != nil {
			return Attempt{}, err
		}
		img, err := s.document(ctx, id)
		if err != nil && !errors.Is(err, ErrPurged) {
			return Attempt{}, err
		}
		a.Cards[side] = Card{SHA256: sum, Image: img}
	}
	return a, nil
}

// Synced records, in one transaction, that the server holds an attempt:
// the outbox item is done, the local status becomes status (unless a
// review result already came back), and, when purgeCards, the attempt's
// ID-card images are deleted (the server confirmed it holds the same bytes).
func (s *Store) Synced(ctx context.Context, itemID int64, sessionID, submissionID string, status app.Status, purgeCards bool) error {
	err := s.withTx(ctx, func(tx *sql.Tx) error {
		if err := affectedOne(tx.ExecContext(ctx, "DELETE FROM outbox WHERE id = ?", itemID)); err != nil {
			return err
		}
		if _, err := tx.ExecContext(ctx, "UPDATE statuses SET status = ?, updated_at = ? WHERE submission_id = ? AND status = ?",
			string(status), formatTime(s.now()), submissionID, string(app.StatusQueued)); err != nil {
			return err
		}
		if !purgeCards {
			return nil
		}
		_, err := tx.ExecContext(ctx, `UPDATE documents SET image_enc = NULL, purged_at = ?
			WHERE session_id = ? AND purged_at IS NULL`, formatTime(s.now()), sessionID)
		return err
	})
	if err != nil {
		return fmt.Errorf("store: synced %s: %w", submissionID, err)
	}
	return nil
}

// StatusChange is a review result pulled from the server.
type StatusChange struct {
	SubmissionID string
	Version      int // the attempt it is about
	Status       app.Status
	Reason       string
}

// ApplyStatuses records review results. A result about an earlier attempt
// than the kiosk's latest (a retake already confirmed) is ignored; one for
// a submission the kiosk does not know is ignored too.
func (s *Store) ApplyStatuses(ctx context.Context, changes []StatusChange) error {
	err := s.withTx(ctx, func(tx *sql.Tx) error {
		now := formatTime(s.now())
		for _, c := range changes {
			if !c.Status.Valid() {
				return fmt.Errorf("unknown status %q", c.Status)
			}
			var attempts int
			if err := tx.QueryRowContext(ctx, "SELECT COUNT(*) FROM sessions WHERE submission_id = ?",
				c.SubmissionID).Scan(&attempts); err != nil {
				return err
			}
			if c.Version < attempts {
				continue
			}
			if _, err := tx.ExecContext(ctx, "UPDATE statuses SET status = ?, reason = ?, updated_at = ? WHERE submission_id = ?",
				string(c.Status), c.Reason, now, c.SubmissionID); err != nil {
				return err
			}
		}
		return nil
	})
	if err != nil {
		return fmt.Errorf("store: apply statuses: %w", err)
	}
	return nil
}

// SubmitItems returns up to limit outbox items of KindSubmit due at now.
func (s *Store) SubmitItems(ctx context.Context, now time.Time, limit int) ([]OutboxItem, []SubmitPayload, error) {
	items, err := s.DueOutbox(ctx, now, limit)
	if err != nil {
		return nil, nil, err
	}
	var out []OutboxItem
	var payloads []SubmitPayload
	for _, it := range items {
		if it.Kind != KindSubmit {
			continue
		}
		var p SubmitPayload
		if err := json.Unmarshal(it.Payload, &p); err != nil || p.SessionID == "" {
			return nil, nil, fmt.Errorf("store: outbox item %d: bad payload %q", it.ID, it.Payload)
		}
		out = append(out, it)
		payloads = append(payloads, p)
	}
	return out, payloads, nil
}

// ManifestEntry is one photo the kiosk sent (or will send) for review.
type ManifestEntry struct {
	Submission, Kind, SHA256 string
	Version                  int
	Status                   app.Status
}

// Manifest calls fn with every photo of every confirmed session, by
// submission and attempt: the raw still, the standardised photo and the
// ID-card images (purged ones too: their hash stays).
func (s *Store) Manifest(ctx context.Context, fn func(ManifestEntry) error) error {
	rows, err := s.r.QueryContext(ctx, `SELECT se.submission_id, se.id, COALESCE(st.status, ''),
		(SELECT COUNT(*) FROM sessions o WHERE o.submission_id = se.submission_id AND
			(o.started_at < se.started_at OR (o.started_at = se.started_at AND o.id <= se.id)))
		FROM sessions se LEFT JOIN statuses st ON st.submission_id = se.submission_id
		WHERE se.submission_id <> '' ORDER BY se.submission_id, se.started_at, se.id`)
	if err != nil {
		return fmt.Errorf("store: manifest: %w", err)
	}
	type attempt struct {
		sub, session, status string
		version              int
	}
	var all []attempt
	for rows.Next() {
		var a attempt
		if err := rows.Scan(&a.sub, &a.session, &a.status, &a.version); err != nil {
			rows.Close()
			return fmt.Errorf("store: manifest: %w", err)
		}
		all = append(all, a)
	}
	rows.Close()
	if err := rows.Err(); err != nil {
		return fmt.Errorf("store: manifest: %w", err)
	}
	for _, a := range all {
		entries, err := s.attemptHashes(ctx, a.session)
		if err != nil {
			return fmt.Errorf("store: manifest: %w", err)
		}
		for _, e := range entries {
			e.Submission, e.Version, e.Status = a.sub, a.version, app.Status(a.status)
			if err := fn(e); err != nil {
				return err
			}
		}
	}
	return nil
}

// attemptHashes lists a session's photos and card images with their kind
// as the server names them.
func (s *Store) attemptHashes(ctx context.Context, sessionID string) ([]ManifestEntry, error) {
	rows, err := s.r.QueryContext(ctx, `SELECT kind, sha256 FROM photos WHERE session_id = ? AND id IN
		(SELECT photo_id FROM sessions WHERE id = ? UNION SELECT standard_id FROM sessions WHERE id = ?)
		UNION ALL SELECT 'card-' || side, sha256 FROM documents d WHERE session_id = ? AND created_at =
		(SELECT MAX(created_at) FROM documents WHERE session_id = d.session_id AND side = d.side)
		ORDER BY 1`, sessionID, sessionID, sessionID, sessionID)
	if err != nil {
		return nil, err
	}
	defer rows.Close()
	var out []ManifestEntry
	for rows.Next() {
		var e ManifestEntry
		if err := rows.Scan(&e.Kind, &e.SHA256); err != nil {
			return nil, err
		}
		out = append(out, e)
	}
	return out, rows.Err()
}

// ConfirmedSessions lists every confirmed session not purged yet, each submission's
// versions oldest first (the order a sync sends them in).
func (s *Store) ConfirmedSessions(ctx context.Context) ([]string, error) {
	rows, err := s.r.QueryContext(ctx, `SELECT id FROM sessions WHERE submission_id <> '' AND purged_at IS NULL
		ORDER BY submission_id, started_at, id`)
	if err != nil {
		return nil, fmt.Errorf("store: confirmed sessions: %w", err)
	}
	defer rows.Close()
	var ids []string
	for rows.Next() {
		var id string
		if err := rows.Scan(&id); err != nil {
			return nil, fmt.Errorf("store: confirmed sessions: %w", err)
		}
		ids = append(ids, id)
	}
	return ids, rows.Err()
}
