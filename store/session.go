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

// sessionRow is a session's columns, with personal data encrypted.
type sessionRow struct {
	id, step, started, updated string
	consentVersion, consentAt  sql.NullString
	doc                        sql.NullString
	numberHash, number, name   []byte
	eligibility                int
	rosterMatched              bool
	prior                      sql.NullString
	services                   string
	payment, orderRef          string
	photo, standard, submitted string
	retake                     bool
	statusToken                string
	code                       string
	cardCheck                  string
}

const upsertSession = `
INSERT INTO sessions (id, step, started_at, updated_at, consent_version, consent_at,
	doc_type, number_hash, number_enc, name_enc, eligibility, roster_matched,
	prior_submission_id, services, payment, order_ref, photo_id, standard_id,
	submission_id, retake, status_token, code, card_check)
VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)
ON CONFLICT (id) DO UPDATE SET
	step = excluded.step, started_at = excluded.started_at, updated_at = excluded.updated_at,
	consent_version = excluded.consent_version, consent_at = excluded.consent_at,
	doc_type = excluded.doc_type, number_hash = excluded.number_hash,
	number_enc = excluded.number_enc, name_enc = excluded.name_enc,
	eligibility = excluded.eligibility, roster_matched = excluded.roster_matched,
	prior_submission_id = excluded.prior_submission_id, services = excluded.services,
	payment = excluded.payment, order_ref = excluded.order_ref, photo_id = excluded.photo_id,
	standard_id = excluded.standard_id, submission_id = excluded.submission_id,
	retake = excluded.retake, status_token = excluded.status_token, code = excluded.code,
	card_check = excluded.card_check`

// SaveSession writes the session as it stands (insert or update). The ID
// number and name are stored encrypted, with the number's look-up hash.
// The matched roster entry and prior status are stored as references and
// read back from the roster and statuses; card photos are the documents.
func (s *Store) SaveSession(ctx context.Context, sess app.Session) error {
	if err := storageFull(s.saveSession(ctx, s.w, sess)); err != nil {
		return fmt.Errorf("store: save session: %w", err)
	}
	return nil
}

func (s *Store) saveSession(ctx context.Context, q execer, sess app.Session) error {
	r, err := s.sessionRow(sess)
	if err != nil {
		return err
	}
	_, err = q.ExecContext(ctx, upsertSession, r.id, r.step, r.started, r.updated,
		r.consentVersion, r.consentAt, r.doc, r.numberHash, r.number, r.name,
		r.eligibility, r.rosterMatched, r.prior, r.services, r.payment, r.orderRef,
		r.photo, r.standard, r.submitted, r.retake, r.statusToken, r.code, r.cardCheck)
	return err
}

func (s *Store) sessionRow(sess app.Session) (sessionRow, error) {
	if sess.ID == "" {
		return sessionRow{}, errors.New("session has no id")
	}
	services, err := json.Marshal(append([]string{}, sess.Services...))
	if err != nil {
		return sessionRow{}, err
	}
	r := sessionRow{
		id: sess.ID, step: sess.Step.String(),
		started: formatTime(sess.StartedAt), updated: formatTime(sess.UpdatedAt),
		eligibility: int(sess.Eligibility), rosterMatched: sess.Roster != nil,
		services: string(services), payment: string(sess.Payment), orderRef: sess.OrderRef,
		photo: sess.PhotoID, standard: sess.StandardID, submitted: sess.SubmissionID,
		retake: sess.Retake, statusToken: sess.StatusToken, code: sess.Code,
		cardCheck: sess.CardCheck.String(),
	}
	if c := sess.Consent; c != nil {
		r.consentVersion = sql.NullString{String: c.Version, Valid: true}
		r.consentAt = sql.NullString{String: formatTime(c.AcceptedAt), Valid: true}
	}
	if p := sess.Prior; p != nil && p.SubmissionID != "" {
		r.prior = sql.NullString{String: p.SubmissionID, Valid: true}
	}
	return r, s.sealIdentity(&r, sess.Identity)
}

func (s *Store) sealIdentity(r *sessionRow, id *app.Identity) error {
	if id == nil {
		return nil
	}
	var err error
	r.doc = sql.NullString{String: string(id.Doc), Valid: true}
	r.numberHash = s.c.lookup(id.Number)
	if r.number, err = s.c.sealString(ad("sessions.number", r.id), id.Number); err != nil {
		return err
	}
	r.name, err = s.c.sealString(ad("sessions.name", r.id), id.Name)
	return err
}

// EndSession records that the session ended, when and why (app.EndTimeout…).
// A session that ends without a submission (declined, cancelled, timed out,
// not on the roster, abandoned) keeps no personal data: its number, name and
// look-up hash, its document images and its photos are deleted in the same
// transaction; the row keeps its times, steps and reason, and the
// documents stay as tombstones, so counts still add up.
func (s *Store) EndSession(ctx context.Context, id, reason string, at time.Time) error {
	err := s.withTx(ctx, func(tx *sql.Tx) error {
		err := affectedOne(tx.ExecContext(ctx,
			"UPDATE sessions SET ended_at = ?, end_reason = ? WHERE id = ?", formatTime(at), reason, id))
		if err != nil {
			return err
		}
		return forgetUnsubmitted(ctx, tx, id, at)
	})
	if err != nil {
		return fmt.Errorf("store: end session %s: %w", id, err)
	}
	return nil
}

// EndAbandoned ends every session left open (the kiosk stopped or lost
// power in the middle of one) but keep (the one resumed, "" none) with
// app.EndAbandoned, forgetting their personal data as EndSession does. The
// kiosk calls it when it starts, before anyone uses it. It returns how
// many it ended.
func (s *Store) EndAbandoned(ctx context.Context, at time.Time, keep string) (int, error) {
	var ids []string
	err := s.withTx(ctx, func(tx *sql.Tx) error {
		rows, err := tx.QueryContext(ctx, "SELECT id FROM sessions WHERE ended_at IS NULL AND id <> ?", keep)
		if err != nil {
			return err
		}
		for rows.Next() {
			var id string
			if err := rows.Scan(&id); err != nil {
				rows.Close()
				return err
			}
			ids = append(ids, id)
		}
		if err := rows.Close(); err != nil {
			return err
		}
		for _, id := range ids {
			if _, err := tx.ExecContext(ctx, "UPDATE sessions SET ended_at = ?, end_reason = ? WHERE id = ?",
				formatTime(at), app.EndAbandoned, id); err != nil {
				return err
			}
			if err := forgetUnsubmitted(ctx, tx, id, at); err != nil {
				return err
			}
		}
		return nil
	})
	if err != nil {
		return 0, fmt.Errorf("store: end abandoned sessions: %w", err)
	}
	return len(ids), nil
}

// ResumableSession is the latest session left open at the Payment step
// and last saved at or after since: a kiosk restarted while a graduate
// was paying takes it up again, with the same order. app.ErrNotFound when
// there is none.
func (s *Store) ResumableSession(ctx context.Context, since time.Time) (app.Session, error) {
	var id string
	err := s.r.QueryRowContext(ctx, `SELECT id FROM sessions WHERE ended_at IS NULL AND step = ?
		AND updated_at >= ? ORDER BY updated_at DESC LIMIT 1`, app.StepPayment.String(), formatTime(since)).Scan(&id)
	if err != nil {
		return app.Session{}, fmt.Errorf("store: resumable session: %w", notFound(err))
	}
	return s.GetSession(ctx, id)
}

// forgetUnsubmitted deletes the personal data of session id when it has no
// submission; a submitted session keeps everything (the submission needs it).
func forgetUnsubmitted(ctx context.Context, tx *sql.Tx, id string, at time.Time) error {
	res, err := tx.ExecContext(ctx, `UPDATE sessions SET number_hash = NULL, number_enc = NULL,
		name_enc = NULL, status_token = '' WHERE id = ? AND submission_id = ''`, id)
	if err != nil {
		return err
	}
	if n, err := res.RowsAffected(); err != nil || n == 0 {
		return err
	}
	if _, err := tx.ExecContext(ctx, `UPDATE documents SET image_enc = NULL, purged_at = ?
		WHERE session_id = ? AND purged_at IS NULL`, formatTime(at), id); err != nil {
		return err
	}
	_, err = tx.ExecContext(ctx, "DELETE FROM photos WHERE session_id = ?", id)
	return err
}

// GetSession reads a session back: every stored field, the matched roster
// entry and prior status looked up again, and Cards from its documents
// (the latest per side).
func (s *Store) GetSession(ctx context.Context, id string) (app.Session, error) {
	sess, err := s.getSession(ctx, id)
	if err != nil {
		return app.Session{}, fmt.Errorf("store: get session %s: %w", id, err)
	}
	return sess, nil
}

func (s *Store) getSession(ctx context.Context, id string) (app.Session, error) {
	tx, err := s.r.BeginTx(ctx, nil) // one snapshot for all the reads
	if err != nil {
		return app.Session{}, err
	}
	defer tx.Rollback()
	r, err := scanSession(tx.QueryRowContext(ctx, selectSession, id))
	if err != nil {
		return app.Session{}, notFound(err)
	}
	sess, err := s.sessionFromRow(r)
	if err != nil {
		return app.Session{}, err
	}
	if err := s.attach(ctx, tx, &sess, r); err != nil {
		return app.Session{}, err
	}
	return sess, nil
}

const selectSession = `SELECT id, step, started_at, updated_at, consent_version, consent_at,
	doc_type, number_hash, number_enc, name_enc, eligibility, roster_matched,
	prior_submission_id, services, payment, order_ref, photo_id, standard_id,
	submission_id, retake, status_token, code, card_check FROM sessions WHERE id = ?`

func scanSession(row *sql.Row) (sessionRow, error) {
	var r sessionRow
	err := row.Scan(&r.id, &r.step, &r.started, &r.updated, &r.consentVersion, &r.consentAt,
		&r.doc, &r.numberHash, &r.number, &r.name, &r.eligibility, &r.rosterMatched,
		&r.prior, &r.services, &r.payment, &r.orderRef, &r.photo, &r.standard,
		&r.submitted, &r.retake, &r.statusToken, &r.code, &r.cardCheck)
	return r, err
}

func (s *Store) sessionFromRow(r sessionRow) (app.Session, error) {
	step, err := app.ParseStep(r.step)
	if err != nil {
		return app.Session{}, err
	}
	sess := app.Session{ID: r.id, Step: step, Eligibility: app.Eligibility(r.eligibility),
		Payment: app.Payment(r.payment), OrderRef: r.orderRef, PhotoID: r.photo,
		StandardID: r.standard, SubmissionID: r.submitted, Retake: r.retake, StatusToken: r.statusToken,
		Code: r.code, CardCheck: app.ParseCardCheck(r.cardCheck)}
	if sess.StartedAt, err = parseTime(r.started); err != nil {
		return app.Session{}, err
	}
	if sess.UpdatedAt, err = parseTime(r.updated); err != nil {
		return app.Session{}, err
	}
	if err := json.Unmarshal([]byte(r.services), &sess.Services); err != nil {
		return app.Session{}, fmt.Errorf("services: %w", err)
	}
	if len(sess.Services) == 0 {
		sess.Services = nil
	}
	if sess.Consent, err = consentFromRow(r); err != nil {
		return app.Session{}, err
	}
	sess.Identity, err = s.openIdentity(r)
	return sess, err
}

func consentFromRow(r sessionRow) (*app.Consent, error) {
	if !r.consentVersion.Valid {
		return nil, nil
	}
	at, err := parseNullTime(r.consentAt)
	if err != nil {
		return nil, err
	}
	return &app.Consent{Version: r.consentVersion.String, AcceptedAt: at}, nil
}

func (s *Store) openIdentity(r sessionRow) (*app.Identity, error) {
	if !r.doc.Valid {
		return nil, nil
	}
	id := app.Identity{Doc: app.DocType(r.doc.String)}
	if r.number == nil { // forgotten when the session ended unsubmitted
		return &id, nil
	}
	var err error
	if id.Number, err = s.c.openString(ad("sessions.number", r.id), r.number); err != nil {
		return nil, fmt.Errorf("number: %w", err)
	}
	if id.Name, err = s.c.openString(ad("sessions.name", r.id), r.name); err != nil {
		return nil, fmt.Errorf("name: %w", err)
	}
	return &id, nil
}

// attach fills what the session refers to: roster entry, prior status, cards.
func (s *Store) attach(ctx context.Context, tx *sql.Tx, sess *app.Session, r sessionRow) error {
	if r.rosterMatched && r.numberHash != nil {
		e, err := s.findRoster(ctx, tx, r.numberHash)
		switch {
		case err == nil:
			sess.Roster = &e
		case !errors.Is(err, app.ErrNotFound):
			return fmt.Errorf("roster: %w", err)
		}
	}
	if r.prior.Valid {
		rec, err := s.statusByID(ctx, tx, r.prior.String)
		switch {
		case err == nil:
			sess.Prior = &rec
		case !errors.Is(err, app.ErrNotFound):
			return fmt.Errorf("prior status: %w", err)
		}
	}
	cards, err := sessionCards(ctx, tx, sess.ID)
	sess.Cards = cards
	return err
}

// sessionCards maps each side to the session's latest document of that side.
func sessionCards(ctx context.Context, tx *sql.Tx, sessionID string) (map[app.CardSide]string, error) {
	rows, err := tx.QueryContext(ctx,
		"SELECT side, id FROM documents WHERE session_id = ? ORDER BY created_at, id", sessionID)
	if err != nil {
		return nil, err
	}
	defer rows.Close()
	var cards map[app.CardSide]string
	for rows.Next() {
		var side, id string
		if err := rows.Scan(&side, &id); err != nil {
			return nil, err
		}
		if cards == nil {
			cards = map[app.CardSide]string{}
		}
		cards[app.CardSide(side)] = id
	}
	return cards, rows.Err()
}

// SessionCounts counts the sessions started since, and those of them
// confirmed (for the operator's dashboard).
func (s *Store) SessionCounts(ctx context.Context, since time.Time) (started, confirmed int, err error) {
	err = s.r.QueryRowContext(ctx, `SELECT COUNT(*), COUNT(*) FILTER (WHERE submission_id <> '')
		FROM sessions WHERE started_at >= ?`, formatTime(since)).Scan(&started, &confirmed)
	if err != nil {
		return 0, 0, fmt.Errorf("store: session counts: %w", err)
	}
	return started, confirmed, nil
}
