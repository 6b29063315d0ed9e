package store

import (
	"context"
	"database/sql"
	"fmt"
	"time"

	"gradphoto/app"
)

// Retention says how long the kiosk keeps a graduate's data once the
// server has it. Nothing the server does not have yet is ever purged.
type Retention struct {
	// RawAfterApproval: the still as taken is deleted this long after its
	// submission was approved (the standardised photo is what counts).
	RawAfterApproval time.Duration
	// AllAfter: everything else of a submission (number, name, look-up
	// hash, status, photos) is deleted this long after it was last
	// confirmed, once the server has it.
	AllAfter time.Duration
}

// DefaultRetention: raw stills 30 days after approval, the rest 180 days
// after the last confirmation.
var DefaultRetention = Retention{RawAfterApproval: 30 * 24 * time.Hour, AllAfter: 180 * 24 * time.Hour}

// PurgeStats counts what a purge deleted.
type PurgeStats struct {
	RawPhotos   int // raw stills emptied
	Submissions int // submissions forgotten
}

// Purge applies r at now, in one transaction, and audits what it did.
func (s *Store) Purge(ctx context.Context, now time.Time, r Retention) (PurgeStats, error) {
	var st PurgeStats
	err := s.withTx(ctx, func(tx *sql.Tx) error {
		var err error
		if r.RawAfterApproval > 0 {
			if st.RawPhotos, err = purgeRaw(ctx, tx, now, now.Add(-r.RawAfterApproval)); err != nil {
				return err
			}
		}
		if r.AllAfter > 0 {
			if st.Submissions, err = purgeAll(ctx, tx, now, now.Add(-r.AllAfter)); err != nil {
				return err
			}
		}
		if st == (PurgeStats{}) {
			return nil
		}
		return audit(ctx, tx, "kiosk", "retention.purge",
			fmt.Sprintf("raw_photos=%d submissions=%d", st.RawPhotos, st.Submissions), formatTime(now))
	})
	if err != nil {
		return PurgeStats{}, fmt.Errorf("store: purge: %w", err)
	}
	return st, nil
}

// purgeRaw empties the raw stills of submissions approved (or published)
// before cutoff.
func purgeRaw(ctx context.Context, tx *sql.Tx, now, cutoff time.Time) (int, error) {
	res, err := tx.ExecContext(ctx, `UPDATE photos SET data = X'', sealed = 0, purged_at = ?
		WHERE kind = ? AND purged_at IS NULL AND session_id IN (SELECT se.id FROM sessions se
			JOIN statuses st ON st.submission_id = se.submission_id
			WHERE st.status IN (?, ?) AND st.updated_at < ?)`,
		formatTime(now), KindRaw, app.StatusApproved, app.StatusPublished, formatTime(cutoff))
	if err != nil {
		return 0, err
	}
	n, err := res.RowsAffected()
	return int(n), err
}

// purgeAll forgets the submissions the server has whose last confirmed
// session is older than cutoff.
func purgeAll(ctx context.Context, tx *sql.Tx, now, cutoff time.Time) (int, error) {
	rows, err := tx.QueryContext(ctx, `SELECT st.submission_id FROM statuses st WHERE st.status <> ?
		AND NOT EXISTS (SELECT 1 FROM sessions se WHERE se.submission_id = st.submission_id AND se.updated_at >= ?)`,
		app.StatusQueued, formatTime(cutoff))
	if err != nil {
		return 0, err
	}
	var subs []string
	for rows.Next() {
		var id string
		if err := rows.Scan(&id); err != nil {
			rows.Close()
			return 0, err
		}
		subs = append(subs, id)
	}
	if err := rows.Close(); err != nil {
		return 0, err
	}
	for _, id := range subs {
		if err := forgetSubmission(ctx, tx, id, formatTime(now)); err != nil {
			return 0, err
		}
	}
	return len(subs), nil
}

// forgetSubmission deletes everything of the graduate a submission holds:
// card images (tombstones stay), photos, number, name, look-up hash,
// status token and local status. Session rows keep their times and steps.
func forgetSubmission(ctx context.Context, tx *sql.Tx, id, at string) error {
	sessions := "(SELECT id FROM sessions WHERE submission_id = ?)"
	if _, err := tx.ExecContext(ctx, `UPDATE documents SET image_enc = NULL, purged_at = COALESCE(purged_at, ?)
		WHERE session_id IN `+sessions, at, id); err != nil {
		return err
	}
	if _, err := tx.ExecContext(ctx, "DELETE FROM photos WHERE session_id IN "+sessions, id); err != nil {
		return err
	}
	if _, err := tx.ExecContext(ctx, `UPDATE sessions SET number_hash = NULL, number_enc = NULL, name_enc = NULL,
		status_token = '', purged_at = ? WHERE submission_id = ?`, at, id); err != nil {
		return err
	}
	_, err := tx.ExecContext(ctx, "DELETE FROM statuses WHERE submission_id = ?", id)
	return err
}
