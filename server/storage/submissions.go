package storage

import (
	"bytes"
	"context"
	"fmt"
	"strings"
	"time"

	"gradphoto/api"
)

// Submission is a submission as the server holds it: the graduate, the
// current version and its status.
type Submission struct {
	ID, DeviceID, School              string
	DocType, Number, Name, StudentNo  string
	College, Major, Degree            string
	GradYear                          int
	Payment, OrderRef, Code           string
	CardCheck                         string // api.Submission.CardCheck
	Version                           int
	SessionID                         string
	Status, Reason, Reviewer          string
	CreatedAt, UpdatedAt, SubmittedAt time.Time        // SubmittedAt zero until submitted
	Photos                            map[string]Photo // the current version's, by kind
}

// State is the submission as a kiosk sees it.
func (s Submission) State() api.SubmissionState {
	st := api.SubmissionState{ID: s.ID, Version: s.Version, Status: s.Status, Reason: s.Reason,
		Photos: map[string]string{}}
	for k, p := range s.Photos {
		st.Photos[k] = p.SHA256
	}
	return st
}

const submissionColumns = `id, device_id, school, doc_type, number, name, student_no, college, major,
	degree, grad_year, payment, order_ref, code, card_check, version, session_id, status, reason, reviewer,
	created_at, updated_at, COALESCE(submitted_at, '')`

func scanSubmission(row interface{ Scan(...any) error }) (Submission, error) {
	var s Submission
	var created, updated, submitted string
	err := row.Scan(&s.ID, &s.DeviceID, &s.School, &s.DocType, &s.Number, &s.Name, &s.StudentNo,
		&s.College, &s.Major, &s.Degree, &s.GradYear, &s.Payment, &s.OrderRef, &s.Code, &s.CardCheck, &s.Version,
		&s.SessionID, &s.Status, &s.Reason, &s.Reviewer, &created, &updated, &submitted)
	if err != nil {
		return Submission{}, err
	}
	if s.CreatedAt, err = parseTime(created); err != nil {
		return Submission{}, err
	}
	if s.UpdatedAt, err = parseTime(updated); err != nil {
		return Submission{}, err
	}
	if submitted != "" {
		s.SubmittedAt, err = parseTime(submitted)
	}
	return s, err
}

// PutSubmission stores a kiosk's submission metadata, idempotently:
//   - a new id is stored as version 1, status received;
//   - the same session again with the same metadata (metaHash) changes
//     nothing; with other metadata it replaces it while the submission is
//     not submitted yet, and is ErrConflict after;
//   - a new session for a rejected submission (a free retake) becomes the
//     next version, status received; for any other status ErrConflict;
//   - another device's id is ErrForbidden.
func (db *DB) PutSubmission(ctx context.Context, deviceID string, m api.Submission, meta, metaHash []byte) (Submission, error) {
	var out Submission
	err := db.withLocks(ctx, []string{lockSubmission(m.ID)}, func(tx *txn) error {
		cur, err := getSubmission(ctx, tx, m.ID)
		switch {
		case err == ErrNotFound:
			return db.insertSubmission(ctx, tx, deviceID, m, meta, metaHash)
		case err != nil:
			return err
		case cur.DeviceID != deviceID:
			return fmt.Errorf("submission %s belongs to another device: %w", m.ID, ErrForbidden)
		case cur.SessionID == m.SessionID:
			return db.sameSession(ctx, tx, cur, m, meta, metaHash)
		}
		return db.nextVersion(ctx, tx, cur, m, meta, metaHash)
	})
	if err != nil {
		return Submission{}, fmt.Errorf("storage: put submission %s: %w", m.ID, err)
	}
	if out, err = db.Submission(ctx, m.ID); err != nil {
		return Submission{}, err
	}
	return out, nil
}

func (db *DB) insertSubmission(ctx context.Context, tx *txn, deviceID string, m api.Submission, meta, metaHash []byte) error {
	now := formatTime(db.now())
	_, err := tx.ExecContext(ctx, `INSERT INTO submissions (id, device_id, school, doc_type, number, name,
		student_no, college, major, degree, grad_year, payment, order_ref, code, card_check, token_hash, version,
		session_id, status, created_at, updated_at) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, 1, ?, ?, ?, ?)`,
		m.ID, deviceID, m.School, m.DocType, m.Number, m.Name, m.StudentNo, m.College, m.Major, m.Degree,
		m.GradYear, m.Payment, m.OrderRef, m.Code, m.CardCheck, Hash(m.StatusToken), m.SessionID, api.StatusReceived, now, now)
	if isUnique(err) {
		return fmt.Errorf("status token already used: %w", ErrConflict)
	}
	if err != nil {
		return err
	}
	return insertVersion(ctx, tx, m.ID, 1, m.SessionID, meta, metaHash, now)
}

func insertVersion(ctx context.Context, tx *txn, id string, v int, session string, meta, hash []byte, now string) error {
	_, err := tx.ExecContext(ctx, `INSERT INTO versions (submission_id, version, session_id, meta, meta_hash,
		created_at) VALUES (?, ?, ?, ?, ?, ?)`, id, v, session, meta, hash, now)
	return err
}

// sameSession handles a repeated PUT of the current version.
func (db *DB) sameSession(ctx context.Context, tx *txn, cur Submission, m api.Submission, meta, metaHash []byte) error {
	var have []byte
	if err := tx.QueryRowContext(ctx, "SELECT meta_hash FROM versions WHERE submission_id = ? AND version = ?",
		cur.ID, cur.Version).Scan(&have); err != nil {
		return err
	}
	if bytes.Equal(have, metaHash) {
		return nil
	}
	if cur.Status != api.StatusReceived {
		return fmt.Errorf("submission %s is %s: its metadata can no longer change: %w", cur.ID, cur.Status, ErrConflict)
	}
	if _, err := tx.ExecContext(ctx, "UPDATE versions SET meta = ?, meta_hash = ? WHERE submission_id = ? AND version = ?",
		meta, metaHash, cur.ID, cur.Version); err != nil {
		return err
	}
	return updateFields(ctx, tx, cur.ID, m, formatTime(db.now()))
}

// nextVersion handles a new session for an existing submission.
func (db *DB) nextVersion(ctx context.Context, tx *txn, cur Submission, m api.Submission, meta, metaHash []byte) error {
	var n int
	if err := tx.QueryRowContext(ctx, "SELECT COUNT(*) FROM versions WHERE submission_id = ? AND session_id = ?",
		cur.ID, m.SessionID).Scan(&n); err != nil {
		return err
	}
	if n > 0 || cur.Status != api.StatusRejected {
		return fmt.Errorf("submission %s is %s (version %d): a new version needs a rejection: %w",
			cur.ID, cur.Status, cur.Version, ErrConflict)
	}
	now := formatTime(db.now())
	v := cur.Version + 1
	if err := insertVersion(ctx, tx, cur.ID, v, m.SessionID, meta, metaHash, now); err != nil {
		return err
	}
	if _, err := tx.ExecContext(ctx, `UPDATE submissions SET version = ?, session_id = ?, status = ?,
		reason = '', reviewer = '', submitted_at = NULL WHERE id = ?`, v, m.SessionID, api.StatusReceived, cur.ID); err != nil {
		return err
	}
	return updateFields(ctx, tx, cur.ID, m, now)
}

// updateFields writes the graduate's fields; empty ones keep what is there
// (a retake at the status look-up knows only the number).
func updateFields(ctx context.Context, tx *txn, id string, m api.Submission, now string) error {
	_, err := tx.ExecContext(ctx, `UPDATE submissions SET
		school = COALESCE(NULLIF(?, ''), school), doc_type = COALESCE(NULLIF(?, ''), doc_type),
		number = COALESCE(NULLIF(?, ''), number), name = COALESCE(NULLIF(?, ''), name),
		student_no = COALESCE(NULLIF(?, ''), student_no), college = COALESCE(NULLIF(?, ''), college),
		major = COALESCE(NULLIF(?, ''), major), degree = COALESCE(NULLIF(?, ''), degree),
		grad_year = CASE WHEN ? > 0 THEN ? ELSE grad_year END,
		payment = ?, order_ref = ?, code = COALESCE(NULLIF(?, ''), code),
		card_check = COALESCE(NULLIF(?, ''), card_check), updated_at = ? WHERE id = ?`,
		m.School, m.DocType, m.Number, m.Name, m.StudentNo, m.College, m.Major, m.Degree,
		m.GradYear, m.GradYear, m.Payment, m.OrderRef, m.Code, m.CardCheck, now, id)
	return err
}

// Submit puts the current version into review. Without its standardised
// photo it is ErrNotReady; submitted already, it changes nothing.
func (db *DB) Submit(ctx context.Context, deviceID, id string) (Submission, error) {
	err := db.withLocks(ctx, []string{lockDevice(deviceID), lockSubmission(id)}, func(tx *txn) error {
		cur, err := ownSubmission(ctx, tx, deviceID, id)
		if err != nil {
			return err
		}
		if cur.Status != api.StatusReceived {
			return nil
		}
		var n int
		if err := tx.QueryRowContext(ctx, "SELECT COUNT(*) FROM photos WHERE submission_id = ? AND version = ? AND kind = ?",
			id, cur.Version, api.KindStandard).Scan(&n); err != nil {
			return err
		}
		if n == 0 {
			return fmt.Errorf("no standardised photo: %w", ErrNotReady)
		}
		now := formatTime(db.now())
		if cur.Payment == api.PaymentLater {
			paid, err := sessionPaid(ctx, tx, deviceID, cur.SessionID)
			if err != nil {
				return err
			}
			if !paid { // submitted, but it waits for its payment to enter review
				_, err = tx.ExecContext(ctx, `UPDATE submissions SET submitted_at = COALESCE(submitted_at, ?),
					updated_at = ? WHERE id = ?`, now, now, id)
				return err
			}
		}
		if _, err := tx.ExecContext(ctx, "UPDATE submissions SET status = ?, submitted_at = ?, updated_at = ? WHERE id = ?",
			api.StatusInReview, now, now, id); err != nil {
			return err
		}
		return addChange(ctx, tx, cur, api.StatusInReview, "", now)
	})
	if err != nil {
		return Submission{}, fmt.Errorf("storage: submit %s: %w", id, err)
	}
	return db.Submission(ctx, id)
}

// addChange records a status change for the submission's kiosk; the
// transaction holds the kiosk's lock (lock.go).
func addChange(ctx context.Context, tx *txn, s Submission, status, reason, now string) error {
	seq := "(SELECT COALESCE(MAX(seq), 0) + 1 FROM status_changes)"
	if tx.pg {
		seq = "nextval('status_changes_seq')"
	}
	_, err := tx.ExecContext(ctx, `INSERT INTO status_changes (seq, submission_id, device_id, version, status, reason, at)
		VALUES (`+seq+`, ?, ?, ?, ?, ?, ?)`, s.ID, s.DeviceID, s.Version, status, reason, now)
	return err
}

// Decisions a reviewer takes, and the status each needs before.
var decisions = map[string]struct{ from, to string }{
	"approve": {api.StatusInReview, api.StatusApproved},
	"reject":  {api.StatusInReview, api.StatusRejected},
	"publish": {api.StatusApproved, api.StatusPublished},
}

// Decide applies a reviewer's decision ("approve", "reject" with a reason,
// "publish") to the current version, which the reviewer saw (version);
// anything else — another version, the wrong status — is ErrConflict.
func (db *DB) Decide(ctx context.Context, id string, version int, action, reason, reviewer string) (Submission, error) {
	d, ok := decisions[action]
	if !ok {
		return Submission{}, fmt.Errorf("storage: decide %s: unknown action %q", id, action)
	}
	device, err := db.submissionDevice(ctx, id)
	if err != nil {
		return Submission{}, fmt.Errorf("storage: decide %s: %w", id, err)
	}
	err = db.withLocks(ctx, []string{lockDevice(device), lockSubmission(id)}, func(tx *txn) error {
		cur, err := getSubmission(ctx, tx, id)
		if err != nil {
			return err
		}
		if cur.Version != version || cur.Status != d.from {
			return fmt.Errorf("%s needs %s (version %d); it is %s (version %d): %w",
				action, d.from, version, cur.Status, cur.Version, ErrConflict)
		}
		now := formatTime(db.now())
		if _, err := tx.ExecContext(ctx, "UPDATE submissions SET status = ?, reason = ?, reviewer = ?, updated_at = ? WHERE id = ?",
			d.to, reason, reviewer, now, id); err != nil {
			return err
		}
		if err := addChange(ctx, tx, cur, d.to, reason, now); err != nil {
			return err
		}
		return audit(ctx, tx, "reviewer:"+reviewer, "submission."+action, fmt.Sprintf("%s v%d", id, version), now)
	})
	if err != nil {
		return Submission{}, fmt.Errorf("storage: %s %s: %w", action, id, err)
	}
	return db.Submission(ctx, id)
}

// Submission returns a submission with its current version's photos.
func (db *DB) Submission(ctx context.Context, id string) (Submission, error) {
	s, err := getSubmission(ctx, db.r, id)
	if err == nil {
		s.Photos, err = versionPhotos(ctx, db.r, id, s.Version)
	}
	if err != nil {
		return Submission{}, fmt.Errorf("storage: submission %s: %w", id, err)
	}
	return s, nil
}

// SubmissionByToken finds the submission whose status token has hash h.
func (db *DB) SubmissionByToken(ctx context.Context, h []byte) (Submission, error) {
	s, err := scanSubmission(db.r.QueryRowContext(ctx, "SELECT "+submissionColumns+" FROM submissions WHERE token_hash = ?", h))
	if err != nil {
		return Submission{}, fmt.Errorf("storage: submission by token: %w", notFound(err))
	}
	return s, nil
}

// submissionDevice is the kiosk a submission belongs to (which never
// changes): the lock a change of its status takes.
func (db *DB) submissionDevice(ctx context.Context, id string) (string, error) {
	var device string
	if err := db.r.QueryRowContext(ctx, "SELECT device_id FROM submissions WHERE id = ?", id).Scan(&device); err != nil {
		return "", notFound(err)
	}
	return device, nil
}

func getSubmission(ctx context.Context, q queryer, id string) (Submission, error) {
	s, err := scanSubmission(q.QueryRowContext(ctx, "SELECT "+submissionColumns+" FROM submissions WHERE id = ?", id))
	return s, notFound(err)
}

// VersionMeta is the metadata a version was sent with (JSON).
func (db *DB) VersionMeta(ctx context.Context, id string, version int) ([]byte, error) {
	var meta []byte
	err := db.r.QueryRowContext(ctx, "SELECT meta FROM versions WHERE submission_id = ? AND version = ?", id, version).Scan(&meta)
	if err != nil {
		return nil, fmt.Errorf("storage: version %s v%d: %w", id, version, notFound(err))
	}
	return meta, nil
}

// QueueFilter selects the reviewers' queue.
type QueueFilter struct {
	Schools []string // the schools the reviewer may see; "*" among them: all
	School  string   // one school, or "" for all of Schools
	Status  string   // one status, or "" for all but received
	Limit   int
	Offset  int
}

// Queue lists submissions for reviewers, oldest change first, and how many
// match in all.
func (db *DB) Queue(ctx context.Context, f QueueFilter) ([]Submission, int, error) {
	where, args := f.where()
	var total int
	if err := db.r.QueryRowContext(ctx, "SELECT COUNT(*) FROM submissions WHERE "+where, args...).Scan(&total); err != nil {
		return nil, 0, fmt.Errorf("storage: queue: %w", err)
	}
	limit := f.Limit
	if limit <= 0 {
		limit = 50
	}
	rows, err := db.r.QueryContext(ctx, "SELECT "+submissionColumns+" FROM submissions WHERE "+where+
		" ORDER BY updated_at, id LIMIT ? OFFSET ?", append(args, limit, f.Offset)...)
	if err != nil {
		return nil, 0, fmt.Errorf("storage: queue: %w", err)
	}
	defer rows.Close()
	var out []Submission
	for rows.Next() {
		s, err := scanSubmission(rows)
		if err != nil {
			return nil, 0, fmt.Errorf("storage: queue: %w", err)
		}
		out = append(out, s)
	}
	return out, total, rows.Err()
}

func (f QueueFilter) where() (string, []any) {
	var conds []string
	var args []any
	all := false
	for _, s := range f.Schools {
		all = all || s == "*"
	}
	if !all {
		if len(f.Schools) == 0 {
			return "0 = 1", nil
		}
		conds = append(conds, "school IN (?"+strings.Repeat(", ?", len(f.Schools)-1)+")")
		for _, s := range f.Schools {
			args = append(args, s)
		}
	}
	if f.School != "" {
		conds = append(conds, "school = ?")
		args = append(args, f.School)
	}
	if f.Status != "" {
		conds = append(conds, "status = ?")
		args = append(args, f.Status)
	} else {
		conds = append(conds, "status <> ?")
		args = append(args, api.StatusReceived)
	}
	return strings.Join(conds, " AND "), args
}

// Schools lists the schools that have submissions.
func (db *DB) Schools(ctx context.Context) ([]string, error) {
	out, err := db.strings(ctx, "SELECT DISTINCT school FROM submissions ORDER BY school")
	if err != nil {
		return nil, fmt.Errorf("storage: schools: %w", err)
	}
	return out, nil
}

// ownSubmission reads submission id in tx, which must be deviceID's.
func ownSubmission(ctx context.Context, tx *txn, deviceID, id string) (Submission, error) {
	cur, err := getSubmission(ctx, tx, id)
	if err != nil {
		return Submission{}, err
	}
	if cur.DeviceID != deviceID {
		return Submission{}, fmt.Errorf("another device's submission: %w", ErrForbidden)
	}
	return cur, nil
}
