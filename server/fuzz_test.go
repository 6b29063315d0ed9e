package server

import (
	"testing"

	"gradphoto/api"
)

// Whatever a kiosk sends as a submission, the server answers 200 or a 4xx
// with a JSON error: never a 5xx.
func FuzzPutSubmission(f *testing.F) {
	r := newRig(f)
	tok := r.enrol("")
	id := newUUID()
	f.Add([]byte(`{"id":"` + id + `","session_id":"` + newUUID() + `","doc_type":"resident_id","number":"1","status_token":"0123456789abcdef","confirmed_at":"2026-11-28T09:00:00Z"}`))
	f.Add([]byte(`{"id":1}`))
	f.Add([]byte(`{`))
	f.Fuzz(func(t *testing.T, body []byte) {
		rt := *r
		rt.t = t
		var e api.Error
		st := rt.call(tok, "PUT", api.PathSubmissions+id, body, &e)
		if st >= 500 || (st != 200 && e.Code == "") {
			t.Fatalf("body %q: %d %+v", body, st, e)
		}
	})
}
