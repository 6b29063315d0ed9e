package remote

import (
	"errors"
	"fmt"
)

// Kinds of failure, tested with errors.Is on what a call returns.
var (
	// ErrOffline: the server could not be reached (no network, DNS, refused,
	// timed out, the connection dropped). Try again later.
	ErrOffline = errors.New("server unreachable")
	// ErrUnauthorized: the token is missing, wrong or revoked (401/403 on
	// the kiosk's own calls): enrol the kiosk again.
	ErrUnauthorized = errors.New("not authorised by the server")
	// ErrConflict: the server holds something else under this id (409).
	ErrConflict = errors.New("conflict with the server's data")
	// ErrRejected: the server refused the request as malformed, too large
	// or with a wrong hash (400, 404, 413, 422): sending it again will not help.
	ErrRejected = errors.New("rejected by the server")
	// ErrServer: the server failed (5xx) or answered something that is not
	// the API's JSON. Try again later.
	ErrServer = errors.New("server error")
)

// Error is a failed call: the HTTP status, the API's error code and message.
type Error struct {
	Op      string // e.g. "put photo"
	Status  int    // 0 when no answer came
	Code    string // the API's error code, when the server sent one
	Message string
	kind    error // one of the sentinels above
	cause   error
}

func (e *Error) Error() string {
	s := "remote: " + e.Op + ": " + e.kind.Error()
	if e.Status != 0 {
		s += fmt.Sprintf(" (HTTP %d", e.Status)
		if e.Code != "" {
			s += " " + e.Code
		}
		s += ")"
	}
	if e.Message != "" {
		s += ": " + e.Message
	}
	if e.cause != nil {
		s += ": " + e.cause.Error()
	}
	return s
}

// Is lets errors.Is match the kind.
func (e *Error) Is(target error) bool { return target == e.kind }

// Unwrap is the underlying error (a network error, a JSON error).
func (e *Error) Unwrap() error { return e.cause }

// kindOf maps an HTTP status to a kind of failure.
func kindOf(status int) error {
	switch {
	case status == 401 || status == 403:
		return ErrUnauthorized
	case status == 409:
		return ErrConflict
	case status >= 500 || status == 429 || status == 408:
		return ErrServer
	default:
		return ErrRejected
	}
}

// Retryable reports whether a failure may go away by itself (offline, a
// server error): the sync worker tries again later with backoff.
func Retryable(err error) bool { return errors.Is(err, ErrOffline) || errors.Is(err, ErrServer) }
