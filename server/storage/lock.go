package storage

import "context"

// How writers from several server processes on one PostgreSQL database
// keep out of each other's way: every write transaction runs at READ
// COMMITTED and first takes transaction-scoped advisory locks, always in
// this order (so two writers never wait for each other in a ring):
//
//   - lockAll: the rare writes that read across the whole database take
//     it (enrolment counts devices, a roster import and the vouchers hand
//     out their cursors' seq as MAX + 1, reviewers and their sessions):
//     these come one at a time, as with SQLite's one writer.
//   - lockDevice(id): writes that make a status change for a kiosk
//     (submit, a reviewer's decision, a payment that lets pay-later
//     submissions into review) and a kiosk's orders take its device's
//     lock. A status change's seq comes from a sequence; as the kiosk's
//     changes are made and committed one at a time under this lock, the
//     kiosk's cursor (its changes in seq order) never passes one that is
//     still to commit. A pay-later submit and the payment of its session
//     meet here too, so one of them always sees the other.
//   - lockSubmission(id): writes to one submission (its metadata, its
//     photos, submit, a decision, a payment's release) take it; several in
//     id order.
//   - lockVoucher(hash): using a voucher, once.
//
// So the sync's writes — a submission's metadata and photos, its submit —
// for different submissions and kiosks go in side by side; what each
// reads and then changes is covered by one of its locks. Migrations take
// lockMigrate (migrate.go), so server processes starting together apply
// each once.
const lockAll = "all"

func lockDevice(id string) string { return "device:" + id }

func lockSubmission(id string) string { return "submission:" + id }

func lockVoucher(hash string) string { return "voucher:" + hash }

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
