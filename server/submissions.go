package server

import (
	"bytes"
	"context"
	"crypto/sha256"
	"encoding/hex"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"net/http"
	"strconv"
	"unicode/utf8"

	"github.com/google/uuid"

	"gradphoto/api"
	"gradphoto/server/storage"
)

// newID is a UUIDv7.
func newID() string { return uuid.Must(uuid.NewV7()).String() }

// validID reports whether s is a UUID (the kiosks make UUIDv7s).
func validID(s string) bool {
	_, err := uuid.Parse(s)
	return err == nil && len(s) == 36
}

// checkSubmission refuses metadata the server cannot take.
func checkSubmission(m api.Submission, pathID string) error {
	switch {
	case m.ID != pathID:
		return fmt.Errorf("id %q in the body is not the path's %q", m.ID, pathID)
	case !validID(m.ID) || !validID(m.SessionID):
		return errors.New("id and session_id must be UUIDs")
	case len(m.StatusToken) < 16 || len(m.StatusToken) > 100:
		return errors.New("status_token must be 16 to 100 characters")
	case m.Number == "" || m.DocType == "":
		return errors.New("doc_type and number are needed")
	case m.ConfirmedAt.IsZero():
		return errors.New("confirmed_at is needed")
	}
	for _, f := range []string{m.School, m.DocType, m.Number, m.Name, m.StudentNo, m.College, m.Major,
		m.Degree, m.Payment, m.OrderRef, m.Code, m.CardCheck} {
		if len(f) > 200 || !utf8.ValidString(f) {
			return errors.New("a text field is over 200 bytes or not UTF-8")
		}
	}
	for k := range m.Reports {
		if !api.ValidKind(k) {
			return fmt.Errorf("report for unknown photo kind %q", k)
		}
	}
	return nil
}

// handlePutSubmission stores a submission's metadata (idempotent: the same
// body again gives the same answer).
func (s *Server) handlePutSubmission(w http.ResponseWriter, r *http.Request) {
	var m api.Submission
	if !readJSON(w, r, &m) {
		return
	}
	sub, err := s.putSubmission(r.Context(), deviceOf(r), m, r.PathValue("id"))
	if errors.Is(err, errInvalid) {
		writeError(w, http.StatusBadRequest, api.CodeBadRequest, err.Error())
		return
	}
	if err != nil {
		s.fail(w, r, err)
		return
	}
	writeJSON(w, http.StatusOK, sub.State())
}

// errInvalid marks what the server refuses as malformed (400).
var errInvalid = errors.New("invalid")

// putSubmission checks and stores a kiosk's submission metadata, from the
// API or from a backup bundle.
func (s *Server) putSubmission(ctx context.Context, d storage.Device, m api.Submission, id string) (storage.Submission, error) {
	if err := checkSubmission(m, id); err != nil {
		return storage.Submission{}, fmt.Errorf("%w: %w", errInvalid, err)
	}
	if m.School == "" {
		m.School = d.School
	}
	if err := s.checkVoucher(ctx, d.ID, &m); err != nil {
		return storage.Submission{}, err
	}
	meta, err := json.Marshal(m) // normalised: the hash does not depend on spacing or field order
	if err != nil {
		return storage.Submission{}, err
	}
	h := sha256.Sum256(meta)
	return s.store.PutSubmission(ctx, d.ID, m, meta, h[:])
}

// jpegMagic starts every JPEG file.
var jpegMagic = []byte{0xFF, 0xD8, 0xFF}

// handlePutPhoto stores one photo's bytes: they must hash to the
// Content-SHA256 header (422 otherwise) and fit api.MaxPhotoBytes (413).
func (s *Server) handlePutPhoto(w http.ResponseWriter, r *http.Request) {
	kind := r.PathValue("kind")
	if !api.ValidKind(kind) {
		writeError(w, http.StatusBadRequest, api.CodeBadRequest, "unknown photo kind")
		return
	}
	want := r.Header.Get(api.HeaderSHA256)
	if b, err := hex.DecodeString(want); err != nil || len(b) != sha256.Size {
		writeError(w, http.StatusBadRequest, api.CodeBadRequest, api.HeaderSHA256+" must be a hex SHA-256")
		return
	}
	data, err := io.ReadAll(http.MaxBytesReader(w, r.Body, api.MaxPhotoBytes))
	var tooBig *http.MaxBytesError
	switch {
	case errors.As(err, &tooBig):
		writeError(w, http.StatusRequestEntityTooLarge, api.CodeTooLarge, "photo over the limit")
		return
	case err != nil:
		writeError(w, http.StatusBadRequest, api.CodeBadRequest, "body cut off: "+err.Error())
		return
	}
	sum := sha256.Sum256(data)
	got := hex.EncodeToString(sum[:])
	if got != want {
		writeError(w, http.StatusUnprocessableEntity, api.CodeHashMismatch, "the body's SHA-256 is not "+api.HeaderSHA256)
		return
	}
	p, err := s.putPhoto(r.Context(), deviceOf(r).ID, r.PathValue("id"), kind, data)
	if errors.Is(err, errInvalid) {
		writeError(w, http.StatusBadRequest, api.CodeBadRequest, err.Error())
		return
	}
	if err != nil {
		s.fail(w, r, err)
		return
	}
	writeJSON(w, http.StatusOK, api.PhotoReceipt{Kind: kind, Version: p.Version, SHA256: p.SHA256, Size: p.Size})
}

// putPhoto stores one photo of a submission: a JPEG of a known kind.
func (s *Server) putPhoto(ctx context.Context, deviceID, id, kind string, data []byte) (storage.Photo, error) {
	switch {
	case !api.ValidKind(kind):
		return storage.Photo{}, fmt.Errorf("%w: unknown photo kind %q", errInvalid, kind)
	case len(data) > api.MaxPhotoBytes:
		return storage.Photo{}, fmt.Errorf("%w: photo over the limit", errInvalid)
	case !bytes.HasPrefix(data, jpegMagic):
		return storage.Photo{}, fmt.Errorf("%w: not a JPEG file", errInvalid)
	}
	sum := sha256.Sum256(data)
	return s.store.PutPhoto(ctx, deviceID, id, kind, hex.EncodeToString(sum[:]), data)
}

// handleSubmit puts the submission's current version into review.
func (s *Server) handleSubmit(w http.ResponseWriter, r *http.Request) {
	sub, err := s.store.Submit(r.Context(), deviceOf(r).ID, r.PathValue("id"))
	if err != nil {
		s.fail(w, r, err)
		return
	}
	writeJSON(w, http.StatusOK, sub.State())
}

// statusPageSize is the most changes one status page holds.
const statusPageSize = 500

// handleStatuses answers the review results of this kiosk's submissions
// after the cursor.
func (s *Server) handleStatuses(w http.ResponseWriter, r *http.Request) {
	since := int64(0)
	if v := r.URL.Query().Get("since"); v != "" {
		n, err := strconv.ParseInt(v, 10, 64)
		if err != nil || n < 0 {
			writeError(w, http.StatusBadRequest, api.CodeBadRequest, "since must be a cursor from an earlier page")
			return
		}
		since = n
	}
	page, err := s.store.StatusChanges(r.Context(), deviceOf(r).ID, since, statusPageSize)
	if err != nil {
		s.fail(w, r, err)
		return
	}
	writeJSON(w, http.StatusOK, page)
}
