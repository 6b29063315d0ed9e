package store

import (
	"context"
	"crypto/sha256"
	"encoding/hex"
	"fmt"
	"gradphoto/app"
	"time"
)

// Photo is a captured or standardised photo of a session.
type Photo struct {
	ID        string // UUIDv7; made by SavePhoto when empty
	SessionID string
	Kind      string // e.g. "original", "standard"
	Data      []byte // JPEG bytes; nil from SessionPhotos
	SHA256    string // hex, computed by SavePhoto
	Report    []byte // the check report (JSON), if any
	CreatedAt time.Time
}

// SavePhoto stores a photo, computing its SHA-256. It returns the photo
// with ID, SHA256 and CreatedAt filled in. An unknown session gives
// app.ErrNotFound.
func (s *Store) SavePhoto(ctx context.Context, p Photo) (Photo, error) {
	p, err := s.savePhoto(ctx, p)
	if err != nil {
		return Photo{}, fmt.Errorf("store: save photo: %w", err)
	}
	return p, nil
}

func (s *Store) savePhoto(ctx context.Context, p Photo) (Photo, error) {
	if err := fillPhoto(&p, s.now()); err != nil {
		return Photo{}, err
	}
	return p, insertPhoto(ctx, s.w, p)
}

// insertPhoto writes one filled-in photo row.
func insertPhoto(ctx context.Context, tx execer, p Photo) error {
	_, err := tx.ExecContext(ctx, `INSERT INTO photos (id, session_id, kind, data, sha256,
		size, report, created_at) VALUES (?, ?, ?, ?, ?, ?, ?, ?)`,
		p.ID, p.SessionID, p.Kind, p.Data, p.SHA256, len(p.Data), p.Report, formatTime(p.CreatedAt))
	return unknownSession(err, p.SessionID)
}

func fillPhoto(p *Photo, now time.Time) error {
	if len(p.Data) == 0 {
		return fmt.Errorf("photo has no data")
	}
	if p.ID == "" {
		id := app.NewID()
		p.ID = id
	}
	if p.CreatedAt.IsZero() {
		p.CreatedAt = now
	}
	p.CreatedAt = p.CreatedAt.UTC()
	sum := sha256.Sum256(p.Data)
	p.SHA256 = hex.EncodeToString(sum[:])
	return nil
}

const photoColumns = "id, session_id, kind, sha256, report, created_at"

// Photo returns a photo with its data; app.ErrNotFound if there is none.
func (s *Store) Photo(ctx context.Context, id string) (Photo, error) {
	row := s.r.QueryRowContext(ctx, "SELECT "+photoColumns+", data FROM photos WHERE id = ?", id)
	var p Photo
	var created string
	err := row.Scan(&p.ID, &p.SessionID, &p.Kind, &p.SHA256, &p.Report, &created, &p.Data)
	if err == nil {
		p.CreatedAt, err = parseTime(created)
	}
	if err != nil {
		return Photo{}, fmt.Errorf("store: photo %s: %w", id, notFound(err))
	}
	return p, nil
}

// SessionPhotos lists a session's photos, oldest first, without their Data.
func (s *Store) SessionPhotos(ctx context.Context, sessionID string) ([]Photo, error) {
	ps, err := s.sessionPhotos(ctx, sessionID)
	if err != nil {
		return nil, fmt.Errorf("store: session photos %s: %w", sessionID, err)
	}
	return ps, nil
}

func (s *Store) sessionPhotos(ctx context.Context, sessionID string) ([]Photo, error) {
	rows, err := s.r.QueryContext(ctx, "SELECT "+photoColumns+
		" FROM photos WHERE session_id = ? ORDER BY created_at, id", sessionID)
	if err != nil {
		return nil, err
	}
	defer rows.Close()
	var ps []Photo
	for rows.Next() {
		var p Photo
		var created string
		if err := rows.Scan(&p.ID, &p.SessionID, &p.Kind, &p.SHA256, &p.Report, &created); err != nil {
			return nil, err
		}
		if p.CreatedAt, err = parseTime(created); err != nil {
			return nil, err
		}
		ps = append(ps, p)
	}
	return ps, rows.Err()
}
