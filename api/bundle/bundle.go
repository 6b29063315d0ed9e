// Package bundle is the backup file of a kiosk's submissions, for days
// with no network at all: the kiosk writes it (gradphoto backup), the
// server imports it (gradphoto-server import) and ends with what a sync
// would have given. Inside, each confirmed attempt is the metadata and
// the photos the sync API would send; the whole is a tar stream sealed
// in 1 MiB chunks with AES-256-GCM under a key derived from a passphrase
// (argon2id), so a lost USB stick gives nothing away and a damaged or cut
// short file is refused, never half-read as good.
package bundle

import (
	"archive/tar"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"path"
	"strings"
	"time"

	"gradphoto/api"
)

// Header says whose bundle this is.
type Header struct {
	// Kiosk is the kiosk's device id at the server when it was enrolled,
	// else its own install id (the server then makes a device for it).
	Kiosk     string    `json:"kiosk"`
	Enrolled  bool      `json:"enrolled"`
	Name      string    `json:"name,omitempty"`
	School    string    `json:"school,omitempty"`
	CreatedAt time.Time `json:"created_at"`
	Items     int       `json:"items"` // how many attempts follow
}

// Item is one confirmed attempt: its metadata and photos by kind
// (api.KindStandard, …), as the sync API would send them.
type Item struct {
	Submission api.Submission
	Photos     map[string][]byte
}

const headerName = "header.json"

// Writer writes a bundle. Items are written in the order they are added:
// a submission's versions oldest first.
type Writer struct {
	seal *sealer
	tw   *tar.Writer
	n    int
}

// NewWriter starts a bundle on w sealed with passphrase.
func NewWriter(w io.Writer, passphrase string, h Header) (*Writer, error) {
	s, err := newSealer(w, passphrase)
	if err != nil {
		return nil, err
	}
	bw := &Writer{seal: s, tw: tar.NewWriter(s)}
	data, err := json.Marshal(h)
	if err != nil {
		return nil, err
	}
	return bw, bw.file(headerName, data, h.CreatedAt)
}

func (w *Writer) file(name string, data []byte, at time.Time) error {
	if err := w.tw.WriteHeader(&tar.Header{Name: name, Mode: 0o600, Size: int64(len(data)), ModTime: at}); err != nil {
		return fmt.Errorf("bundle: %s: %w", name, err)
	}
	if _, err := w.tw.Write(data); err != nil {
		return fmt.Errorf("bundle: %s: %w", name, err)
	}
	return nil
}

// Add writes one attempt: its photos, then its metadata (which ends it).
func (w *Writer) Add(it Item) error {
	w.n++
	dir := fmt.Sprintf("items/%06d/", w.n)
	for kind, data := range it.Photos {
		if !api.ValidKind(kind) {
			return fmt.Errorf("bundle: unknown photo kind %q", kind)
		}
		if err := w.file(dir+kind+".jpg", data, it.Submission.ConfirmedAt); err != nil {
			return err
		}
	}
	meta, err := json.Marshal(it.Submission)
	if err != nil {
		return err
	}
	return w.file(dir+"submission.json", meta, it.Submission.ConfirmedAt)
}

// Close ends the bundle (not the underlying writer).
func (w *Writer) Close() error {
	if err := w.tw.Close(); err != nil {
		return fmt.Errorf("bundle: close: %w", err)
	}
	if err := w.seal.Close(); err != nil {
		return fmt.Errorf("bundle: close: %w", err)
	}
	return nil
}

// Reader reads a bundle.
type Reader struct {
	Header Header
	open   *opener
	tr     *tar.Reader
}

// NewReader opens a bundle and reads its header: ErrNotBundle,
// ErrPassphrase or ErrCorrupt when it cannot.
func NewReader(r io.Reader, passphrase string) (*Reader, error) {
	o, err := newOpener(r, passphrase)
	if err != nil {
		return nil, err
	}
	br := &Reader{open: o, tr: tar.NewReader(o)}
	name, data, err := br.file()
	if err != nil {
		return nil, err
	}
	if name != headerName {
		return nil, fmt.Errorf("%w: starts with %q", ErrCorrupt, name)
	}
	if err := json.Unmarshal(data, &br.Header); err != nil {
		return nil, fmt.Errorf("%w: header: %v", ErrCorrupt, err)
	}
	return br, nil
}

// file reads the next tar entry, at most api.MaxPhotoBytes.
func (r *Reader) file() (string, []byte, error) {
	h, err := r.tr.Next()
	if err != nil {
		return "", nil, corrupt(err)
	}
	if h.Typeflag != tar.TypeReg || h.Size < 0 || h.Size > api.MaxPhotoBytes {
		return "", nil, fmt.Errorf("%w: entry %q", ErrCorrupt, h.Name)
	}
	data, err := io.ReadAll(io.LimitReader(r.tr, h.Size))
	if err != nil {
		return "", nil, corrupt(err)
	}
	return h.Name, data, nil
}

// corrupt keeps the opener's typed errors and calls the rest damage.
func corrupt(err error) error {
	if errors.Is(err, ErrCorrupt) || errors.Is(err, ErrPassphrase) {
		return err
	}
	return fmt.Errorf("%w: %v", ErrCorrupt, err)
}

// Next is the next attempt; io.EOF after the last, once the whole bundle
// was read and found complete.
func (r *Reader) Next() (Item, error) {
	it := Item{Photos: map[string][]byte{}}
	dir := ""
	for {
		h, err := r.tr.Next()
		if errors.Is(err, io.EOF) && dir == "" {
			return Item{}, r.end()
		}
		if err != nil {
			return Item{}, corrupt(err)
		}
		if h.Typeflag != tar.TypeReg || h.Size < 0 || h.Size > api.MaxPhotoBytes {
			return Item{}, fmt.Errorf("%w: entry %q", ErrCorrupt, h.Name)
		}
		d, base := path.Split(h.Name)
		if !strings.HasPrefix(d, "items/") || (dir != "" && d != dir) {
			return Item{}, fmt.Errorf("%w: entry %q", ErrCorrupt, h.Name)
		}
		dir = d
		data, err := io.ReadAll(io.LimitReader(r.tr, h.Size))
		if err != nil {
			return Item{}, corrupt(err)
		}
		if base == "submission.json" {
			if len(data) > api.MaxJSONBytes {
				return Item{}, fmt.Errorf("%w: %s too long", ErrCorrupt, h.Name)
			}
			if err := json.Unmarshal(data, &it.Submission); err != nil {
				return Item{}, fmt.Errorf("%w: %s: %v", ErrCorrupt, h.Name, err)
			}
			return it, nil
		}
		kind, ok := strings.CutSuffix(base, ".jpg")
		if !ok || !api.ValidKind(kind) || it.Photos[kind] != nil {
			return Item{}, fmt.Errorf("%w: entry %q", ErrCorrupt, h.Name)
		}
		it.Photos[kind] = data
	}
}

// end checks that the tar stream ended with the bundle's last chunk and
// nothing after it.
func (r *Reader) end() error {
	if _, err := io.Copy(io.Discard, r.open); err != nil {
		return corrupt(err)
	}
	if !r.open.done {
		return fmt.Errorf("%w: the last chunk is missing", ErrCorrupt)
	}
	var one [1]byte
	if n, _ := r.open.r.Read(one[:]); n > 0 {
		return fmt.Errorf("%w: bytes after the end", ErrCorrupt)
	}
	return io.EOF
}
