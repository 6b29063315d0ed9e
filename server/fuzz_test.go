package server

import (
	"bytes"
	"strings"
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

// Whatever a kiosk sends as an order request, under any key, the server
// answers 200/201 with an order or a 4xx with a JSON error: never a 5xx.
func FuzzCreateOrder(f *testing.F) {
	r := newRig(f)
	tok := r.enrol("")
	f.Add("k1", []byte(`{"session_id":"s1","services":["degree_photo"]}`))
	f.Add("k2", []byte(`{"session_id":"s1","services":["degree_photo","digital_copy","x"]}`))
	f.Add("", []byte(`{"services":null}`))
	f.Add("k3", []byte(`[`))
	f.Fuzz(func(t *testing.T, key string, body []byte) {
		if strings.ContainsFunc(key, func(c rune) bool { return c < ' ' && c != '\t' || c == 0x7f }) {
			t.Skip("not a header value an HTTP client sends")
		}
		rt := *r
		rt.t = t
		var raw map[string]any
		st := rt.do(tok, "POST", api.PathOrders, bytes.NewReader(body), map[string]string{api.HeaderIdempotencyKey: key}, &raw)
		switch {
		case st >= 500:
			t.Fatalf("key %q body %q: %d %v", key, body, st, raw)
		case st < 300 && (raw["id"] == "" || raw["status"] != api.OrderPending):
			t.Fatalf("key %q body %q: %d but no pending order: %v", key, body, st, raw)
		case st >= 300 && raw["error"] == nil:
			t.Fatalf("key %q body %q: %d without an error code: %v", key, body, st, raw)
		}
	})
}
