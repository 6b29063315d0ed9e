package store

import (
	"context"
	"crypto/sha256"
	"database/sql"
	"encoding/hex"
	"errors"
	"fmt"

	"gradphoto/app"
)

// ErrPurged: a card image or photo was deleted once the server had it
// (after sync, or by the retention rules).
var ErrPurged = errors.New("purged: deleted once the server had it")

// SaveDocument stores an ID-card image of a session, encrypted. It returns
// the document id. An unknown session gives app.ErrNotFound. The image goes
// to the server with the session's submission, if it is confirmed.
func (s *Store) SaveDocument(ctx context.Context, sessionID string, side app.CardSide, image []byte) (string, error) {
	id, err := s.saveDocument(ctx, sessionID, side, image)
	if err != nil {
		return "", fmt.Errorf("store: save document: %w", err)
	}
	return id, nil
}

func (s *Store) saveDocument(ctx context.Context, sessionID string, side app.CardSide, image []byte) (string, error) {
	if side != app.CardFront && side != app.CardBack {
		return "", fmt.Errorf("unknown card side %q", side)
	}
	id := app.NewID()
	sealed, err := s.c.seal(ad("documents.image", id), image)
	if err != nil {
		return "", err
	}
	sum := sha256.Sum256(image)
	digest := hex.EncodeToString(sum[:])
	_, err = s.w.ExecContext(ctx, `INSERT INTO documents (id, session_id, side, image_enc,
		sha256, size, created_at) VALUES (?, ?, ?, ?, ?, ?, ?)`,
		id, sessionID, string(side), sealed, digest, len(image), formatTime(s.now()))
	return id, storageFull(unknownSession(err, sessionID))
}

// Document returns the decrypted image of a document: app.ErrNotFound if
// there is none, ErrPurged once it was purged.
func (s *Store) Document(ctx context.Context, id string) ([]byte, error) {
	img, err := s.document(ctx, id)
	if err != nil {
		return nil, fmt.Errorf("store: document %s: %w", id, err)
	}
	return img, nil
}

func (s *Store) document(ctx context.Context, id string) ([]byte, error) {
	var sealed []byte
	err := s.r.QueryRowContext(ctx, "SELECT image_enc FROM documents WHERE id = ?", id).Scan(&sealed)
	if err != nil {
		return nil, notFound(err)
	}
	if sealed == nil {
		return nil, ErrPurged
	}
	return s.c.open(ad("documents.image", id), sealed)
}

// DropDocuments deletes a session's documents, rows and images: they were
// taken for a document or number the graduate then changed, so they are
// no part of any submission.
func (s *Store) DropDocuments(ctx context.Context, sessionID string) error {
	if _, err := s.w.ExecContext(ctx, "DELETE FROM documents WHERE session_id = ?", sessionID); err != nil {
		return fmt.Errorf("store: drop documents of %s: %w", sessionID, err)
	}
	return nil
}

// PurgeDocuments deletes the images of a session's documents (after the
// server confirmed receipt). The rows stay as tombstones with their
// SHA-256 and purge time. It returns how many images were deleted.
func (s *Store) PurgeDocuments(ctx context.Context, sessionID string) (int, error) {
	var n int64
	err := s.withTx(ctx, func(tx *sql.Tx) error {
		res, err := tx.ExecContext(ctx, `UPDATE documents SET image_enc = NULL, purged_at = ?
			WHERE session_id = ? AND purged_at IS NULL`, formatTime(s.now()), sessionID)
		if err != nil {
			return err
		}
		n, err = res.RowsAffected()
		return err
	})
	if err != nil {
		return 0, fmt.Errorf("store: purge documents of %s: %w", sessionID, err)
	}
	return int(n), nil
}

// DocumentCounts counts the ID-card images held and those purged.
func (s *Store) DocumentCounts(ctx context.Context) (held, purged int, err error) {
	err = s.r.QueryRowContext(ctx, `SELECT COUNT(*) FILTER (WHERE purged_at IS NULL),
		COUNT(*) FILTER (WHERE purged_at IS NOT NULL) FROM documents`).Scan(&held, &purged)
	if err != nil {
		return 0, 0, fmt.Errorf("store: document counts: %w", err)
	}
	return held, purged, nil
}
