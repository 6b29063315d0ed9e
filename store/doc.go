// Package store keeps GradPhoto's data in one SQLite file.
//
// A Store holds two connection pools on the same file: one writer
// connection (every write transaction is BEGIN IMMEDIATE, so writers queue
// in Go instead of failing with SQLITE_BUSY) and a read-only pool that
// WAL mode lets run alongside the writer. The schema comes from embedded,
// numbered migrations tracked in PRAGMA user_version.
//
// ID numbers, names and ID-card images are encrypted at rest with
// AES-256-GCM under a per-install key file, and ID numbers are found by a
// keyed hash (HMAC-SHA256) of their normalised form: no plaintext ID number
// or name is ever written to the database.
//
// Domain rows that the server must receive (documents, photos) are written
// in the same transaction as their outbox row, so a power cut can lose
// neither one without the other.
package store
