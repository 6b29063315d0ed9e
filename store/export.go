package store

import (
	"context"
	"encoding/json"
	"fmt"
	"time"

	"gradphoto/app"
)

// ExportFilter selects the submissions of an export: each field left
// zero selects all.
type ExportFilter struct {
	School string     // the roster's school
	Status app.Status // the local status (queued until synced)
	Since  time.Time  // confirmed at or after
}

// ExportRow is one submission as the registry gets it: its current
// version (the latest confirmed session) with the standardised photo.
type ExportRow struct {
	SubmissionID string
	Version      int
	Identity     app.Identity
	Roster       app.RosterEntry // zero when the roster no longer has it
	Status       app.Status
	Profile      string // the photo profile the photo was checked against
	ConfirmedAt  time.Time
	Standard     Photo // with Data
}

// Export calls fn with each submission that f selects, oldest first.
func (s *Store) Export(ctx context.Context, f ExportFilter, fn func(ExportRow) error) error {
	if err := s.export(ctx, f, fn); err != nil {
		return fmt.Errorf("store: export: %w", err)
	}
	return nil
}

func (s *Store) export(ctx context.Context, f ExportFilter, fn func(ExportRow) error) error {
	latest, err := s.latestAttempts(ctx)
	if err != nil {
		return err
	}
	for _, l := range latest {
		row, ok, err := s.exportRow(ctx, l, f)
		if err != nil {
			return err
		}
		if ok {
			if err := fn(row); err != nil {
				return err
			}
		}
	}
	return nil
}

// attemptRef names a submission's latest confirmed session.
type attemptRef struct {
	session, status string
	version         int
}

// latestAttempts lists each submission's latest confirmed session, with
// its version and local status.
func (s *Store) latestAttempts(ctx context.Context) ([]attemptRef, error) {
	rows, err := s.r.QueryContext(ctx, `SELECT se.id, COALESCE(st.status, ?),
		(SELECT COUNT(*) FROM sessions o WHERE o.submission_id = se.submission_id)
		FROM sessions se LEFT JOIN statuses st ON st.submission_id = se.submission_id
		WHERE se.submission_id <> '' AND se.purged_at IS NULL AND NOT EXISTS (SELECT 1 FROM sessions n
			WHERE n.submission_id = se.submission_id AND (n.started_at > se.started_at OR
			(n.started_at = se.started_at AND n.id > se.id)))
		ORDER BY se.updated_at, se.id`, string(app.StatusQueued))
	if err != nil {
		return nil, err
	}
	defer rows.Close()
	var out []attemptRef
	for rows.Next() {
		var a attemptRef
		if err := rows.Scan(&a.session, &a.status, &a.version); err != nil {
			return nil, err
		}
		out = append(out, a)
	}
	return out, rows.Err()
}

// exportRow loads one latest attempt; false when f does not select it.
func (s *Store) exportRow(ctx context.Context, l attemptRef, f ExportFilter) (ExportRow, bool, error) {
	if f.Status != "" && app.Status(l.status) != f.Status {
		return ExportRow{}, false, nil
	}
	sess, err := s.getSession(ctx, l.session)
	if err != nil {
		return ExportRow{}, false, err
	}
	s.fillRoster(ctx, &sess)
	row := ExportRow{SubmissionID: sess.SubmissionID, Version: l.version, Status: app.Status(l.status),
		ConfirmedAt: sess.UpdatedAt}
	if sess.Identity != nil {
		row.Identity = *sess.Identity
	}
	if sess.Roster != nil {
		row.Roster = *sess.Roster
	}
	if (f.School != "" && row.Roster.School != f.School) || (!f.Since.IsZero() && row.ConfirmedAt.Before(f.Since)) {
		return ExportRow{}, false, nil
	}
	if row.Standard, err = s.Photo(ctx, sess.StandardID); err != nil {
		return ExportRow{}, false, err
	}
	var rep struct {
		Profile string `json:"profile"`
	}
	if json.Unmarshal(row.Standard.Report, &rep) == nil {
		row.Profile = rep.Profile
	}
	return row, true, nil
}

// fillRoster gives a retake from the status look-up, which knows only the
// number, its roster entry.
func (s *Store) fillRoster(ctx context.Context, sess *app.Session) {
	if sess.Retake && sess.Roster == nil && sess.Identity != nil {
		if e, err := s.FindRoster(ctx, sess.Identity.Number); err == nil {
			sess.Roster = &e
		}
	}
}
