package cli

import (
	"bytes"
	"context"
	"path/filepath"
	"strings"
	"testing"

	"gradphoto/internal/argonhash"
	"gradphoto/store"
)

// `pin set` keeps only the PIN's argon2id hash, and refuses what is not
// 6 to 12 digits.
func TestPinSet(t *testing.T) {
	db := filepath.Join(t.TempDir(), "kiosk.db")
	var out, errw bytes.Buffer
	if code := runPin([]string{"set", "--db", db}, strings.NewReader("246810\n"), &out, &errw); code != ExitOK {
		t.Fatalf("pin set: %d %s", code, errw.String())
	}
	for _, bad := range []string{"12345\n", "12345a7\n", "1234567890123\n", ""} {
		if code := runPin([]string{"set", "--db", db}, strings.NewReader(bad), &out, &errw); code != ExitUnreadable {
			t.Errorf("pin set %q: %d", bad, code)
		}
	}
	if code := runPin(nil, strings.NewReader(""), &out, &errw); code != ExitUnreadable {
		t.Errorf("pin without set: %d", code)
	}
	st, err := store.Open(context.Background(), db, store.Options{})
	if err != nil {
		t.Fatal(err)
	}
	defer st.Close()
	hash, err := st.OperatorPIN(context.Background())
	if err != nil || strings.Contains(hash, "246810") {
		t.Fatalf("stored %q, %v", hash, err)
	}
	if ok, err := argonhash.Check(hash, "246810"); !ok || err != nil {
		t.Errorf("the stored hash does not check: %v", err)
	}
}
