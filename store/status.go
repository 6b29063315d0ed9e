package store

import (
	"context"
	"fmt"

	"gradphoto/app"
)

// PutStatus records a submission's status, keyed by submission id. An
// update older than the one stored is ignored, so statuses synced out of
// order never go back in time.
func (s *Store) PutStatus(ctx context.Context, rec app.StatusRecord) error {
	if err := s.putStatus(ctx, rec); err != nil {
		return fmt.Errorf("store: put status %s: %w", rec.SubmissionID, err)
	}
	return nil
}

func (s *Store) putStatus(ctx context.Context, rec app.StatusRecord) error {
	return s.putStatusTx(ctx, s.w, rec)
}

// putStatusTx writes a status inside the caller's transaction (or on q).
func (s *Store) putStatusTx(ctx context.Context, q execer, rec app.StatusRecord) error {
	if rec.SubmissionID == "" {
		return fmt.Errorf("no submission id")
	}
	number := app.NormalizeNumber(rec.Number)
	if number == "" {
		return ErrEmptyNumber
	}
	sealed, err := s.c.sealString(ad("statuses.number", rec.SubmissionID), number)
	if err != nil {
		return err
	}
	_, err = q.ExecContext(ctx, `
		INSERT INTO statuses (submission_id, number_hash, number_enc, status, reason, updated_at, code)
		VALUES (?, ?, ?, ?, ?, ?, ?)
		ON CONFLICT (submission_id) DO UPDATE SET
			number_hash = excluded.number_hash, number_enc = excluded.number_enc,
			status = excluded.status, reason = excluded.reason, updated_at = excluded.updated_at,
			code = CASE excluded.code WHEN '' THEN statuses.code ELSE excluded.code END
		WHERE excluded.updated_at >= statuses.updated_at`,
		rec.SubmissionID, s.c.lookup(number), sealed, string(rec.Status), rec.Reason,
		formatTime(rec.UpdatedAt), rec.Code)
	return err
}

const statusColumns = "submission_id, number_enc, status, reason, updated_at, code FROM statuses"

// FindStatus returns the most recently updated status of any submission
// for the ID number; app.ErrNotFound if there is none.
func (s *Store) FindStatus(ctx context.Context, number string) (app.StatusRecord, error) {
	rec, err := s.scanStatus(s.r.QueryRowContext(ctx, "SELECT "+statusColumns+
		" WHERE number_hash = ? ORDER BY updated_at DESC, submission_id DESC LIMIT 1",
		s.c.lookup(number)))
	if err != nil {
		return app.StatusRecord{}, fmt.Errorf("store: find status: %w", err)
	}
	return rec, nil
}

// statusByID reads the status of one submission.
func (s *Store) statusByID(ctx context.Context, q queryer, submissionID string) (app.StatusRecord, error) {
	return s.scanStatus(q.QueryRowContext(ctx, "SELECT "+statusColumns+
		" WHERE submission_id = ?", submissionID))
}

type scanner interface{ Scan(dest ...any) error }

func (s *Store) scanStatus(row scanner) (app.StatusRecord, error) {
	var (
		rec     app.StatusRecord
		sealed  []byte
		status  string
		updated string
	)
	if err := row.Scan(&rec.SubmissionID, &sealed, &status, &rec.Reason, &updated, &rec.Code); err != nil {
		return app.StatusRecord{}, notFound(err)
	}
	rec.Status = app.Status(status)
	var err error
	if rec.UpdatedAt, err = parseTime(updated); err != nil {
		return app.StatusRecord{}, err
	}
	rec.Number, err = s.c.openString(ad("statuses.number", rec.SubmissionID), sealed)
	return rec, err
}
