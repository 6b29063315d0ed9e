package server

import (
	"context"
	"errors"
	"net/http"
	"strings"
	"time"

	"gradphoto/api"
	"gradphoto/server/storage"
)

// EnrolCodeTTL is how long a one-time enrolment code stays valid.
const EnrolCodeTTL = 7 * 24 * time.Hour

// NewEnrolCode makes and stores a one-time enrolment code for school ("":
// any) and returns it; only its hash is kept.
func NewEnrolCode(ctx context.Context, st interface {
	AddEnrolCode(ctx context.Context, codeHash []byte, school string, expires time.Time) error
}, school string) (string, error) {
	code := newCode()
	if err := st.AddEnrolCode(ctx, storage.Hash(normCode(code)), school, time.Now().Add(EnrolCodeTTL)); err != nil {
		return "", err
	}
	return code, nil
}

// handleEnrol registers a kiosk with a one-time code: a device id and a
// bearer token (only its hash is kept).
func (s *Server) handleEnrol(w http.ResponseWriter, r *http.Request) {
	var req api.EnrolRequest
	if !readJSON(w, r, &req) {
		return
	}
	if normCode(req.Code) == "" || len(req.Name) > 100 {
		writeError(w, http.StatusBadRequest, api.CodeBadRequest, "a code is needed; a name is at most 100 bytes")
		return
	}
	token := newToken()
	d, err := s.store.Enrol(r.Context(), storage.Hash(normCode(req.Code)),
		storage.Device{ID: newID(), Name: req.Name}, storage.Hash(token))
	if errors.Is(err, storage.ErrForbidden) {
		writeError(w, http.StatusForbidden, api.CodeForbidden, "unknown, used or expired enrolment code")
		return
	}
	if err != nil {
		s.fail(w, r, err)
		return
	}
	s.log.Info("device enrolled", "device", d.ID, "school", d.School)
	writeJSON(w, http.StatusCreated, api.Enrolment{DeviceID: d.ID, Token: token, School: d.School,
		CodePrefix: d.CodePrefix})
}

type deviceKey struct{}

// device wraps a kiosk call: it needs a valid bearer token, and the
// handler gets the device from the request's context.
func (s *Server) device(next http.HandlerFunc) http.HandlerFunc {
	return func(w http.ResponseWriter, r *http.Request) {
		token, ok := strings.CutPrefix(r.Header.Get("Authorization"), "Bearer ")
		if !ok || token == "" {
			writeError(w, http.StatusUnauthorized, api.CodeUnauthorized, "a bearer token is needed")
			return
		}
		d, err := s.store.DeviceByToken(r.Context(), storage.Hash(token))
		if errors.Is(err, storage.ErrNotFound) {
			writeError(w, http.StatusUnauthorized, api.CodeUnauthorized, "unknown or revoked token")
			return
		}
		if err != nil {
			s.fail(w, r, err)
			return
		}
		next(w, r.WithContext(context.WithValue(r.Context(), deviceKey{}, d)))
	}
}

func deviceOf(r *http.Request) storage.Device { return r.Context().Value(deviceKey{}).(storage.Device) }

func (s *Server) handleCatalog(w http.ResponseWriter, r *http.Request) {
	writeJSON(w, http.StatusOK, s.cfg.Catalog)
}

// rosterPageSize is the most entries one roster page holds.
const rosterPageSize = 1000

// handleRoster answers a roster delta for the kiosk's school (or the one
// asked for, when the kiosk serves any).
func (s *Server) handleRoster(w http.ResponseWriter, r *http.Request) {
	d := deviceOf(r)
	school := r.URL.Query().Get("school")
	switch {
	case d.School != "" && school != "" && school != d.School:
		writeError(w, http.StatusForbidden, api.CodeForbidden, "this kiosk serves another school")
		return
	case school == "":
		school = d.School
	}
	page, err := s.store.RosterSince(r.Context(), school, r.URL.Query().Get("since"), rosterPageSize)
	if err != nil {
		s.fail(w, r, err)
		return
	}
	writeJSON(w, http.StatusOK, page)
}
