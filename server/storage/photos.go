package storage

import (
	"context"
	"database/sql"
	"fmt"
	"time"

	"gradphoto/api"
)

// Photo is one photo of a submission's version; its bytes are stored once
// by hash.
type Photo struct {
	Kind      string
	Version   int
	SHA256    string
	Size      int
	CreatedAt time.Time
}

// PutPhoto stores a photo of the submission's current version: the same
// bytes again change nothing; other bytes replace it while the submission
// is not submitted, and are ErrConflict after.
func (db *DB) PutPhoto(ctx context.Context, deviceID, id, kind, sha string, data []byte) (Photo, error) {
	p := Photo{Kind: kind, SHA256: sha, Size: len(data), CreatedAt: db.now().UTC()}
	err := db.withLocks(ctx, []string{lockSubmission(id)}, func(tx *txn) error {
		cur, err := ownSubmission(ctx, tx, deviceID, id)
		if err != nil {
			return err
		}
		p.Version = cur.Version
		var have string
		err = tx.QueryRowContext(ctx, "SELECT sha256 FROM photos WHERE submission_id = ? AND version = ? AND kind = ?",
			id, cur.Version, kind).Scan(&have)
		switch {
		case err == nil && have == sha:
			return nil
		case err != nil && err != sql.ErrNoRows:
			return err
		case cur.Status != api.StatusReceived:
			return fmt.Errorf("submission %s is %s: its %s photo can no longer change: %w", id, cur.Status, kind, ErrConflict)
		}
		if _, err := tx.ExecContext(ctx, "INSERT INTO blobs (sha256, data) VALUES (?, ?) ON CONFLICT (sha256) DO NOTHING",
			sha, data); err != nil {
			return err
		}
		_, err = tx.ExecContext(ctx, `INSERT INTO photos (submission_id, version, kind, sha256, size, created_at)
			VALUES (?, ?, ?, ?, ?, ?) ON CONFLICT (submission_id, version, kind)
			DO UPDATE SET sha256 = excluded.sha256, size = excluded.size, created_at = excluded.created_at`,
			id, cur.Version, kind, sha, len(data), formatTime(p.CreatedAt))
		return err
	})
	if err != nil {
		return Photo{}, fmt.Errorf("storage: put photo %s/%s: %w", id, kind, err)
	}
	return p, nil
}

// PhotoData returns the bytes of a version's photo.
func (db *DB) PhotoData(ctx context.Context, id string, version int, kind string) ([]byte, error) {
	var data []byte
	err := db.r.QueryRowContext(ctx, `SELECT b.data FROM photos p JOIN blobs b ON b.sha256 = p.sha256
		WHERE p.submission_id = ? AND p.version = ? AND p.kind = ?`, id, version, kind).Scan(&data)
	if err != nil {
		return nil, fmt.Errorf("storage: photo %s v%d %s: %w", id, version, kind, notFound(err))
	}
	return data, nil
}

func versionPhotos(ctx context.Context, q queryer, id string, version int) (map[string]Photo, error) {
	rows, err := q.QueryContext(ctx, "SELECT kind, sha256, size, created_at FROM photos WHERE submission_id = ? AND version = ?",
		id, version)
	if err != nil {
		return nil, err
	}
	defer rows.Close()
	out := map[string]Photo{}
	for rows.Next() {
		p := Photo{Version: version}
		var created string
		if err := rows.Scan(&p.Kind, &p.SHA256, &p.Size, &created); err != nil {
			return nil, err
		}
		if p.CreatedAt, err = parseTime(created); err != nil {
			return nil, err
		}
		out[p.Kind] = p
	}
	return out, rows.Err()
}

// Manifest calls fn with every photo the server holds, by submission,
// version and kind.
func (db *DB) Manifest(ctx context.Context, fn func(api.ManifestLine) error) error {
	rows, err := db.r.QueryContext(ctx, `SELECT p.submission_id, p.kind, p.version, p.sha256, s.status
		FROM photos p JOIN submissions s ON s.id = p.submission_id ORDER BY p.submission_id, p.version, p.kind`)
	if err != nil {
		return fmt.Errorf("storage: manifest: %w", err)
	}
	defer rows.Close()
	for rows.Next() {
		var l api.ManifestLine
		if err := rows.Scan(&l.Submission, &l.Kind, &l.Version, &l.SHA256, &l.Status); err != nil {
			return fmt.Errorf("storage: manifest: %w", err)
		}
		if err := fn(l); err != nil {
			return err
		}
	}
	return rows.Err()
}
