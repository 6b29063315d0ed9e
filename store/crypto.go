package store

import (
	"context"
	"crypto/aes"
	"crypto/cipher"
	"crypto/hmac"
	"crypto/rand"
	"crypto/sha256"
	"database/sql"
	"errors"
	"fmt"
	"hash"
	"io/fs"
	"os"
	"path/filepath"
	"sync"

	"gradphoto/app"
)

// Errors about the per-install key and encrypted data.
var (
	// ErrKeyFile: the key file is unusable (readable by others, wrong
	// length, not a regular file, or missing for an existing database).
	ErrKeyFile = errors.New("unusable key file")
	// ErrKeyMismatch: the key file does not belong to this database.
	ErrKeyMismatch = errors.New("key file does not match the database")
	// ErrDecrypt: a ciphertext could not be opened: wrong key, data
	// corrupted, or the ciphertext was moved from another row.
	ErrDecrypt = errors.New("cannot decrypt: wrong key, corrupted data or ciphertext from another row")
)

// keySize is the length of the master key file: 32 random bytes.
const keySize = 32

// Labels for the sub-keys derived from the master key with
// HMAC-SHA256(master, label). A new label gives an independent key.
const (
	labelAEAD     = "gradphoto/v1/aes-256-gcm"
	labelLookup   = "gradphoto/v1/lookup-hmac"
	labelKeyCheck = "gradphoto/v1/key-check"
)

// sealVersion is the first byte of every ciphertext, so the format (and
// later the key) can change without guessing.
const sealVersion = 1

// crypter encrypts personal data and makes look-up hashes. Safe for
// concurrent use.
type crypter struct {
	aead  cipher.AEAD
	macs  sync.Pool // of HMAC-SHA256 hashes under the look-up key, reused
	check []byte    // proves which master key this is, without revealing it
}

func derive(master []byte, label string) []byte {
	m := hmac.New(sha256.New, master)
	m.Write([]byte(label))
	return m.Sum(nil)
}

func newCrypter(master []byte) (*crypter, error) {
	if len(master) != keySize {
		return nil, fmt.Errorf("%w: key is %d bytes, want %d", ErrKeyFile, len(master), keySize)
	}
	block, err := aes.NewCipher(derive(master, labelAEAD))
	if err != nil {
		return nil, err
	}
	aead, err := cipher.NewGCM(block)
	if err != nil {
		return nil, err
	}
	c := &crypter{aead: aead, check: derive(master, labelKeyCheck)}
	lookupKey := derive(master, labelLookup)
	c.macs.New = func() any { return hmac.New(sha256.New, lookupKey) }
	return c, nil
}

// seal encrypts plain as version || random 12-byte nonce || ciphertext+tag.
// ad names the row and column (see ad) so the ciphertext cannot be moved.
func (c *crypter) seal(ad, plain []byte) ([]byte, error) {
	ns := c.aead.NonceSize()
	out := make([]byte, 1+ns, 1+ns+len(plain)+c.aead.Overhead())
	out[0] = sealVersion
	if _, err := rand.Read(out[1:]); err != nil {
		return nil, err
	}
	return c.aead.Seal(out, out[1:], plain, ad), nil
}

// open decrypts what seal made with the same ad.
func (c *crypter) open(ad, sealed []byte) ([]byte, error) {
	ns := c.aead.NonceSize()
	if len(sealed) < 1+ns+c.aead.Overhead() || sealed[0] != sealVersion {
		return nil, ErrDecrypt
	}
	plain, err := c.aead.Open(nil, sealed[1:1+ns], sealed[1+ns:], ad)
	if err != nil {
		return nil, ErrDecrypt
	}
	return plain, nil
}

func (c *crypter) sealString(ad []byte, s string) ([]byte, error) { return c.seal(ad, []byte(s)) }

func (c *crypter) openString(ad, sealed []byte) (string, error) {
	b, err := c.open(ad, sealed)
	return string(b), err
}

// lookup is the keyed hash of a normalised ID number: equal numbers give
// equal hashes, and without the key the hash reveals nothing.
func (c *crypter) lookup(number string) []byte {
	return c.lookupNormal(app.NormalizeNumber(number))
}

// lookupNormal is lookup for a number already normalised.
func (c *crypter) lookupNormal(number string) []byte {
	m := c.macs.Get().(hash.Hash)
	defer c.macs.Put(m)
	m.Reset()
	m.Write([]byte(number))
	return m.Sum(make([]byte, 0, sha256.Size))
}

// ad is the additional data binding a ciphertext to its column and row.
func ad(column, row string) []byte { return []byte(column + "\x00" + row) }

// ---- the key file ----

// loadCrypter reads the key file (creating it for a new database) and
// checks it against the key check stored in the database.
func (s *Store) loadCrypter(ctx context.Context, keyPath string) (*crypter, error) {
	stored, err := keyCheck(ctx, s.w)
	if err != nil {
		return nil, err
	}
	master, err := readKey(keyPath)
	if errors.Is(err, fs.ErrNotExist) && stored == nil {
		master, err = createKey(keyPath)
	}
	if errors.Is(err, fs.ErrNotExist) {
		return nil, fmt.Errorf("%w: %s is missing but the database has encrypted data", ErrKeyFile, keyPath)
	}
	if err != nil {
		return nil, err
	}
	c, err := newCrypter(master)
	if err != nil {
		return nil, fmt.Errorf("key %s: %w", keyPath, err)
	}
	if stored == nil {
		return c, saveKeyCheck(ctx, s.w, c.check)
	}
	if !hmac.Equal(stored, c.check) {
		return nil, fmt.Errorf("%w: %s", ErrKeyMismatch, keyPath)
	}
	return c, nil
}

func keyCheck(ctx context.Context, db *sql.DB) ([]byte, error) {
	var v []byte
	err := db.QueryRowContext(ctx, "SELECT value FROM meta WHERE key = 'key_check'").Scan(&v)
	if errors.Is(err, sql.ErrNoRows) {
		return nil, nil
	}
	return v, err
}

func saveKeyCheck(ctx context.Context, db *sql.DB, check []byte) error {
	_, err := db.ExecContext(ctx, "INSERT INTO meta (key, value) VALUES ('key_check', ?)", check)
	return err
}

// readKey reads the key file, refusing one that group or others may read.
func readKey(path string) ([]byte, error) {
	fi, err := os.Stat(path)
	if err != nil {
		return nil, err
	}
	if !fi.Mode().IsRegular() {
		return nil, fmt.Errorf("%w: %s is not a regular file", ErrKeyFile, path)
	}
	if perm := fi.Mode().Perm(); perm&0o077 != 0 {
		return nil, fmt.Errorf("%w: %s has mode %04o, want 0600 (chmod 600 it)", ErrKeyFile, path, perm)
	}
	key, err := os.ReadFile(path)
	if err != nil {
		return nil, err
	}
	if len(key) != keySize {
		return nil, fmt.Errorf("%w: %s is %d bytes, want %d", ErrKeyFile, path, len(key), keySize)
	}
	return key, nil
}

// createKey writes a new random key atomically: a synced temporary file
// linked into place, so a crash never leaves a short key and a key made
// meanwhile by another process is never overwritten.
func createKey(path string) ([]byte, error) {
	key := make([]byte, keySize)
	if _, err := rand.Read(key); err != nil {
		return nil, err
	}
	dir := filepath.Dir(path)
	if err := os.MkdirAll(dir, 0o700); err != nil {
		return nil, err
	}
	tmp, err := writeTemp(dir, key)
	if err != nil {
		return nil, err
	}
	defer os.Remove(tmp)
	if err := os.Link(tmp, path); err != nil {
		return nil, fmt.Errorf("create key: %w", err)
	}
	return key, syncDir(dir)
}

func writeTemp(dir string, data []byte) (string, error) {
	f, err := os.CreateTemp(dir, ".gradphoto.key.*") // mode 0600
	if err != nil {
		return "", err
	}
	_, err = f.Write(data)
	if err == nil {
		err = f.Sync()
	}
	if cerr := f.Close(); err == nil {
		err = cerr
	}
	if err != nil {
		os.Remove(f.Name())
		return "", err
	}
	return f.Name(), nil
}

func syncDir(dir string) error {
	d, err := os.Open(dir)
	if err != nil {
		return err
	}
	defer d.Close()
	return d.Sync()
}
