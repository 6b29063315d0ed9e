package server

import (
	"encoding/json"
	"errors"
	"net/http"

	"gradphoto/api"
	"gradphoto/server/storage"
)

// writeJSON answers with v as JSON.
func writeJSON(w http.ResponseWriter, status int, v any) {
	w.Header().Set("Content-Type", "application/json; charset=utf-8")
	w.Header().Set("Cache-Control", "no-store")
	w.WriteHeader(status)
	json.NewEncoder(w).Encode(v)
}

// writeError answers with the API's error body.
func writeError(w http.ResponseWriter, status int, code, msg string) {
	writeJSON(w, status, api.Error{Code: code, Message: msg})
}

// fail answers a storage or handler error with its status and code; what
// is not the client's fault is logged and answered 500.
func (s *Server) fail(w http.ResponseWriter, r *http.Request, err error) {
	switch {
	case errors.Is(err, storage.ErrNotFound):
		writeError(w, http.StatusNotFound, api.CodeNotFound, err.Error())
	case errors.Is(err, storage.ErrForbidden):
		writeError(w, http.StatusForbidden, api.CodeForbidden, err.Error())
	case errors.Is(err, storage.ErrConflict):
		writeError(w, http.StatusConflict, api.CodeConflict, err.Error())
	case errors.Is(err, storage.ErrNotReady):
		writeError(w, http.StatusConflict, api.CodeNotReady, err.Error())
	case errors.Is(err, storage.ErrBadInput):
		writeError(w, http.StatusBadRequest, api.CodeBadRequest, err.Error())
	default:
		s.log.Error("request failed", "pattern", r.Pattern, "err", err)
		writeError(w, http.StatusInternalServerError, api.CodeInternal, "internal error")
	}
}

// readJSON decodes a JSON body of at most api.MaxJSONBytes into v, refusing
// unknown fields and trailing data. It answers the error itself and
// returns false.
func readJSON(w http.ResponseWriter, r *http.Request, v any) bool {
	dec := json.NewDecoder(http.MaxBytesReader(w, r.Body, api.MaxJSONBytes))
	dec.DisallowUnknownFields()
	err := dec.Decode(v)
	if err == nil && dec.More() {
		err = errors.New("trailing data after the JSON value")
	}
	var tooBig *http.MaxBytesError
	switch {
	case errors.As(err, &tooBig):
		writeError(w, http.StatusRequestEntityTooLarge, api.CodeTooLarge, "body over the limit")
	case err != nil:
		writeError(w, http.StatusBadRequest, api.CodeBadRequest, "malformed JSON: "+err.Error())
	default:
		return true
	}
	return false
}

func (s *Server) handleAPINotFound(w http.ResponseWriter, r *http.Request) {
	writeError(w, http.StatusNotFound, api.CodeNotFound, "no such call")
}
