package bundle

import (
	"bytes"
	"errors"
	"fmt"
	"io"
	"testing"
	"time"

	"gradphoto/api"
)

const pass = "correct horse battery"

// items makes n attempts; every third has a big raw photo (over a chunk).
func items(n int) []Item {
	var out []Item
	for i := range n {
		raw := bytes.Repeat([]byte{byte(i)}, 1000+i)
		if i%3 == 0 {
			raw = bytes.Repeat([]byte{byte(i), 0xAB}, chunkLen)
		}
		out = append(out, Item{
			Submission: api.Submission{ID: fmt.Sprintf("sub-%d", i), SessionID: fmt.Sprintf("sess-%d", i),
				Name: "张晓明", Number: "11010520010312123X", ConfirmedAt: time.Date(2026, 6, 1, 9, i, 0, 0, time.UTC)},
			Photos: map[string][]byte{api.KindStandard: []byte(fmt.Sprintf("jpeg %d", i)), api.KindRaw: raw},
		})
	}
	return out
}

func write(t testing.TB, its []Item) []byte {
	t.Helper()
	var b bytes.Buffer
	w, err := NewWriter(&b, pass, Header{Kiosk: "k-1", Enrolled: true, Items: len(its), CreatedAt: time.Now()})
	if err != nil {
		t.Fatal(err)
	}
	for _, it := range its {
		if err := w.Add(it); err != nil {
			t.Fatal(err)
		}
	}
	if err := w.Close(); err != nil {
		t.Fatal(err)
	}
	return b.Bytes()
}

// readAll reads a whole bundle; the error is the first that is not io.EOF.
func readAll(data []byte, passphrase string) (Header, []Item, error) {
	r, err := NewReader(bytes.NewReader(data), passphrase)
	if err != nil {
		return Header{}, nil, err
	}
	var out []Item
	for {
		it, err := r.Next()
		if errors.Is(err, io.EOF) {
			return r.Header, out, nil
		}
		if err != nil {
			return r.Header, out, err
		}
		out = append(out, it)
	}
}

// What is written is read back the same; none of it is in the clear.
func TestRoundTrip(t *testing.T) {
	in := items(7)
	data := write(t, in)
	if bytes.Contains(data, []byte("11010520010312123X")) || bytes.Contains(data, []byte("张晓明")) || bytes.Contains(data, []byte("jpeg 1")) {
		t.Fatal("the bundle holds personal data in the clear")
	}
	h, out, err := readAll(data, pass)
	if err != nil || h.Kiosk != "k-1" || h.Items != 7 || len(out) != 7 {
		t.Fatalf("read: %+v, %d items, %v", h, len(out), err)
	}
	for i := range in {
		if out[i].Submission.ID != in[i].Submission.ID || out[i].Submission.Number != in[i].Submission.Number ||
			len(out[i].Photos) != 2 || !bytes.Equal(out[i].Photos[api.KindRaw], in[i].Photos[api.KindRaw]) ||
			!bytes.Equal(out[i].Photos[api.KindStandard], in[i].Photos[api.KindStandard]) {
			t.Errorf("item %d differs", i)
		}
	}
	if _, _, err := readAll(write(t, nil), pass); err != nil {
		t.Errorf("an empty bundle: %v", err)
	}
}

// A wrong passphrase, another file, a flipped byte anywhere, a file cut
// short anywhere, or bytes after its end: a typed error, never fewer
// items read as a whole bundle.
func TestDamageRefused(t *testing.T) {
	data := write(t, items(4))
	if _, _, err := readAll(data, "another passphrase"); !errors.Is(err, ErrPassphrase) {
		t.Errorf("wrong passphrase: %v", err)
	}
	if _, _, err := readAll([]byte("PK\x03\x04 a zip file, not a bundle"), pass); !errors.Is(err, ErrNotBundle) {
		t.Errorf("not a bundle: %v", err)
	}
	if _, err := NewWriter(io.Discard, "short", Header{}); err == nil {
		t.Error("a short passphrase was taken")
	}
	for _, at := range []int{len(magic) + 3, len(magic) + saltLen + 2, len(magic) + saltLen + 100, len(data) / 2, len(data) - 5} {
		bad := bytes.Clone(data)
		bad[at] ^= 0x40
		if _, _, err := readAll(bad, pass); !errors.Is(err, ErrCorrupt) && !errors.Is(err, ErrPassphrase) && !errors.Is(err, ErrNotBundle) {
			t.Errorf("byte %d flipped: %v", at, err)
		}
	}
	for _, n := range []int{len(magic) + saltLen, len(magic) + saltLen + 4, len(data) / 3, len(data) - 1} {
		if _, _, err := readAll(data[:n], pass); !errors.Is(err, ErrCorrupt) {
			t.Errorf("cut at %d of %d: %v", n, len(data), err)
		}
	}
	// cut exactly after a whole chunk: the last-chunk mark is missing
	first := len(magic) + saltLen + 4 + chunkLen + 16
	if _, _, err := readAll(data[:first], pass); !errors.Is(err, ErrCorrupt) {
		t.Errorf("cut after the first chunk: %v", err)
	}
	if _, _, err := readAll(append(bytes.Clone(data), 0), pass); !errors.Is(err, ErrCorrupt) {
		t.Errorf("a byte after the end: %v", err)
	}
}

// Arbitrary bytes after a good start never panic and end in a typed error
// or a complete read.
func FuzzReader(f *testing.F) {
	f.Add(write(f, items(1)))
	f.Fuzz(func(t *testing.T, data []byte) {
		_, _, err := readAll(data, pass)
		if err != nil && !errors.Is(err, ErrCorrupt) && !errors.Is(err, ErrPassphrase) && !errors.Is(err, ErrNotBundle) {
			t.Fatalf("untyped error: %v", err)
		}
	})
}
