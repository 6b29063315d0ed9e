package storage

import "context"

// How writers from several server processes on one PostgreSQL database
// keep out of each other's way: every write transaction runs at READ
// COMMITTED and first takes transaction-scoped advisory locks, in this
// order:
//
//   - lockAll: every write but a photo's takes it, so these come one at a
//     time as with SQLite's one writer — what one reads is what it
//     changes, and the cursors' seq (MAX + 1) is handed out in commit
//     order;
//   - lockSubmission(id): writes to one submission (its metadata, its
//     photos, submit, a reviewer's decision, a payment that lets it into
//     review) take it too, after lockAll, several in id order. A photo's
//     write takes only this one: photos, the largest and most frequent
//     writes, go in side by side for different submissions.
//
// Migrations take lockMigrate (migrate.go), so server processes starting
// together apply each once.
//
// A photo's write reads its submission and writes its own photo row and
// blob (ON CONFLICT DO NOTHING), which no lockAll writer of another
// submission touches; so any mix of them is as if they came one at a time.
const lockAll = "all"

func lockSubmission(id string) string { return "submission:" + id }

// lock takes the advisory locks named, in order, until the transaction
// ends. SQLite needs none: its writer is alone.
func (t *txn) lock(ctx context.Context, names []string) error {
	if !t.pg {
		return nil
	}
	for _, n := range names {
		if _, err := t.ExecContext(ctx, "SELECT pg_advisory_xact_lock(hashtextextended(?, 0))", n); err != nil {
			return err
		}
	}
	return nil
}
