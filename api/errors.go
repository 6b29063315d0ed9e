package api

// Error is the body of every failed call.
type Error struct {
	Code    string `json:"error"`
	Message string `json:"message"`
}

// Error codes, with the HTTP status they come with.
const (
	CodeBadRequest   = "bad_request"   // 400: malformed JSON, unknown fields, bad values
	CodeUnauthorized = "unauthorized"  // 401: no token, a bad or revoked one
	CodeForbidden    = "forbidden"     // 403: another kiosk's submission, a used code
	CodeNotFound     = "not_found"     // 404
	CodeConflict     = "conflict"      // 409: same id, different content after submit
	CodeTooLarge     = "too_large"     // 413: the body is over the limit
	CodeHashMismatch = "hash_mismatch" // 422: the body's SHA-256 is not Content-SHA256
	CodeNotReady     = "not_ready"     // 409: submit before every required photo is there
	CodeInternal     = "internal"      // 500
	CodeProvider     = "provider"      // 502: the payment provider did not answer
)
