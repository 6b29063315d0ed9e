package storage

import (
	"context"
	"fmt"

	"gradphoto/api"
)

// StatusChanges returns a device's status changes after cursor since, oldest
// first, at most limit, the cursor to ask with next, and whether there are
// more.
func (db *DB) StatusChanges(ctx context.Context, deviceID string, since int64, limit int) (api.StatusPage, error) {
	page := api.StatusPage{Changes: []api.StatusChange{}, Next: since}
	rows, err := db.r.QueryContext(ctx, `SELECT seq, submission_id, version, status, reason, at FROM status_changes
		WHERE device_id = ? AND seq > ? ORDER BY seq LIMIT ?`, deviceID, since, limit+1)
	if err != nil {
		return page, fmt.Errorf("storage: status changes: %w", err)
	}
	defer rows.Close()
	for rows.Next() {
		if len(page.Changes) == limit {
			page.More = true
			break
		}
		var c api.StatusChange
		var at string
		if err := rows.Scan(&page.Next, &c.SubmissionID, &c.Version, &c.Status, &c.Reason, &at); err != nil {
			return page, fmt.Errorf("storage: status changes: %w", err)
		}
		if c.At, err = parseTime(at); err != nil {
			return page, err
		}
		page.Changes = append(page.Changes, c)
	}
	return page, rows.Err()
}
