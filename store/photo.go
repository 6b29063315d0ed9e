package store

import (
	"context"
	"crypto/sha256"
	"database/sql"
	"encoding/hex"
	"fmt"
	"time"

	"gradphoto/app"
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
	return p, s.insertPhoto(ctx, s.w, p)
}

// insertPhoto writes one filled-in photo row, its bytes sealed.
func (s *Store) insertPhoto(ctx context.Context, tx execer, p Photo) error {
	sealed, err := s.c.seal(photoAD(p.ID), p.Data)
	if err != nil {
		return err
	}
	_, err = tx.ExecContext(ctx, `INSERT INTO photos (id, session_id, kind, data, sealed, sha256,
		size, report, created_at) VALUES (?, ?, ?, ?, 1, ?, ?, ?, ?)`,
		p.ID, p.SessionID, p.Kind, sealed, p.SHA256, len(p.Data), p.Report, formatTime(p.CreatedAt))
	return storageFull(unknownSession(err, p.SessionID))
}

// photoAD binds a photo's sealed bytes to its row.
func photoAD(id string) []byte { return ad("photos.data", id) }

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

// Photo returns a photo with its data; app.ErrNotFound if there is none,
// ErrPurged once retention emptied it, ErrDecrypt if its sealed bytes
// were tampered with or moved.
func (s *Store) Photo(ctx context.Context, id string) (Photo, error) {
	row := s.r.QueryRowContext(ctx, "SELECT "+photoColumns+", data, sealed, purged_at IS NOT NULL FROM photos WHERE id = ?", id)
	var p Photo
	var created string
	var sealed, purged bool
	err := row.Scan(&p.ID, &p.SessionID, &p.Kind, &p.SHA256, &p.Report, &created, &p.Data, &sealed, &purged)
	if err == nil {
		p.CreatedAt, err = parseTime(created)
	}
	if err == nil && purged {
		err = ErrPurged
	}
	if err == nil && sealed {
		p.Data, err = s.c.open(photoAD(p.ID), p.Data)
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

// sealOldPhotos seals photo rows written before photos were sealed, a few
// at a time, each batch in its own transaction (a stop midway loses
// nothing: the rest are sealed at the next start).
func (s *Store) sealOldPhotos(ctx context.Context) error {
	for {
		n, err := s.sealPhotoBatch(ctx, 20)
		if err != nil {
			return fmt.Errorf("store: seal old photos: %w", err)
		}
		if n == 0 {
			return nil
		}
	}
}

func (s *Store) sealPhotoBatch(ctx context.Context, max int) (int, error) {
	n := 0
	err := s.withTx(ctx, func(tx *sql.Tx) error {
		rows, err := tx.QueryContext(ctx, "SELECT id, data FROM photos WHERE sealed = 0 LIMIT ?", max)
		if err != nil {
			return err
		}
		type plain struct {
			id   string
			data []byte
		}
		var ps []plain
		for rows.Next() {
			var p plain
			if err := rows.Scan(&p.id, &p.data); err != nil {
				rows.Close()
				return err
			}
			ps = append(ps, p)
		}
		if err := rows.Close(); err != nil {
			return err
		}
		for _, p := range ps {
			sealed, err := s.c.seal(photoAD(p.id), p.data)
			if err != nil {
				return err
			}
			if _, err := tx.ExecContext(ctx, "UPDATE photos SET data = ?, sealed = 1 WHERE id = ?", sealed, p.id); err != nil {
				return err
			}
		}
		n = len(ps)
		return nil
	})
	return n, err
}
