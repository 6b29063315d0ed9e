package store

import (
	"bytes"
	"context"
	"crypto/rand"
	"errors"
	"os"
	"path/filepath"
	"testing"
)

func TestKeyFileCreated0600(t *testing.T) {
	dir := t.TempDir()
	keyPath := filepath.Join(dir, "keys", "install.key")
	s, err := Open(context.Background(), filepath.Join(dir, "gradphoto.db"), Options{KeyPath: keyPath})
	if err != nil {
		t.Fatal(err)
	}
	defer s.Close()
	fi, err := os.Stat(keyPath)
	if err != nil {
		t.Fatal(err)
	}
	if fi.Mode().Perm() != 0o600 || fi.Size() != keySize {
		t.Fatalf("key file mode %04o size %d; want 0600, %d", fi.Mode().Perm(), fi.Size(), keySize)
	}
	if left, _ := filepath.Glob(filepath.Join(dir, "keys", ".gradphoto.key.*")); len(left) != 0 {
		t.Errorf("temporary key files left: %v", left)
	}
}

func TestKeyFileRefused(t *testing.T) {
	for _, c := range []struct {
		name string
		mode os.FileMode
		size int
	}{
		{"group readable", 0o640, keySize},
		{"world readable", 0o604, keySize},
		{"too short", 0o600, 16},
		{"too long", 0o600, 64},
	} {
		t.Run(c.name, func(t *testing.T) {
			dir := t.TempDir()
			keyPath := filepath.Join(dir, "gradphoto.key")
			if err := os.WriteFile(keyPath, make([]byte, c.size), 0o600); err != nil {
				t.Fatal(err)
			}
			if err := os.Chmod(keyPath, c.mode); err != nil {
				t.Fatal(err)
			}
			_, err := Open(context.Background(), filepath.Join(dir, "gradphoto.db"), Options{})
			if !errors.Is(err, ErrKeyFile) {
				t.Fatalf("Open = %v, want ErrKeyFile", err)
			}
			t.Log(err)
		})
	}
}

func TestWrongKeyRefused(t *testing.T) {
	dir := t.TempDir()
	s := openAt(t, dir)
	s.Close()
	other := filepath.Join(t.TempDir(), "other.key")
	if err := os.WriteFile(other, bytes.Repeat([]byte{7}, keySize), 0o600); err != nil {
		t.Fatal(err)
	}
	_, err := Open(context.Background(), filepath.Join(dir, "gradphoto.db"), Options{KeyPath: other})
	if !errors.Is(err, ErrKeyMismatch) {
		t.Fatalf("Open with another key = %v, want ErrKeyMismatch", err)
	}
}

func TestMissingKeyNotRecreated(t *testing.T) {
	dir := t.TempDir()
	s := openAt(t, dir)
	s.Close()
	keyPath := filepath.Join(dir, "gradphoto.key")
	if err := os.Remove(keyPath); err != nil {
		t.Fatal(err)
	}
	_, err := Open(context.Background(), filepath.Join(dir, "gradphoto.db"), Options{})
	if !errors.Is(err, ErrKeyFile) {
		t.Fatalf("Open without its key = %v, want ErrKeyFile", err)
	}
	if _, err := os.Stat(keyPath); !errors.Is(err, os.ErrNotExist) {
		t.Error("a new key was made for a database that has data under the old one")
	}
}

func TestDecryptWrongKey(t *testing.T) {
	a, b := testCrypter(t), testCrypter(t)
	sealed, err := a.seal(ad("roster.name", "k1"), []byte("张三明"))
	if err != nil {
		t.Fatal(err)
	}
	if got, err := a.open(ad("roster.name", "k1"), sealed); err != nil || string(got) != "张三明" {
		t.Fatalf("open = %q, %v", got, err)
	}
	if _, err := b.open(ad("roster.name", "k1"), sealed); !errors.Is(err, ErrDecrypt) {
		t.Errorf("open with another key = %v, want ErrDecrypt", err)
	}
	if _, err := a.open(ad("roster.name", "k2"), sealed); !errors.Is(err, ErrDecrypt) {
		t.Errorf("open for another row = %v, want ErrDecrypt", err)
	}
	if _, err := a.open(nil, sealed[:5]); !errors.Is(err, ErrDecrypt) {
		t.Errorf("open of a short ciphertext = %v, want ErrDecrypt", err)
	}
	if bytes.Equal(a.lookup("11010519491231002X"), b.lookup("11010519491231002X")) {
		t.Error("look-up hashes do not depend on the key")
	}
}

// TestCiphertextBoundToRow moves one row's encrypted name to another row:
// decryption must fail rather than show the wrong person's name.
func TestCiphertextBoundToRow(t *testing.T) {
	ctx := context.Background()
	s := openTest(t)
	es := rosterEntries(2)
	if _, err := s.ImportRoster(ctx, es); err != nil {
		t.Fatal(err)
	}
	_, err := s.w.ExecContext(ctx, `UPDATE roster SET name_enc =
		(SELECT name_enc FROM roster WHERE number_hash = ?) WHERE number_hash = ?`,
		s.c.lookup(es[0].Number), s.c.lookup(es[1].Number))
	if err != nil {
		t.Fatal(err)
	}
	if _, err := s.FindRoster(ctx, es[1].Number); !errors.Is(err, ErrDecrypt) {
		t.Fatalf("FindRoster of a row with a moved ciphertext = %v, want ErrDecrypt", err)
	}
	if _, err := s.FindRoster(ctx, es[0].Number); err != nil {
		t.Fatal(err)
	}
}

func testCrypter(t *testing.T) *crypter {
	t.Helper()
	key := make([]byte, keySize)
	rand.Read(key)
	c, err := newCrypter(key)
	if err != nil {
		t.Fatal(err)
	}
	return c
}
