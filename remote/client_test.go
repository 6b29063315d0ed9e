package remote

import (
	"context"
	"encoding/pem"
	"errors"
	"net/http"
	"net/http/httptest"
	"strings"
	"sync/atomic"
	"testing"
	"time"

	"gradphoto/api"
)

func fastClient(t *testing.T, url, token string) *Client {
	t.Helper()
	c, err := New(Config{URL: url, Token: token, Timeout: 300 * time.Millisecond, Retries: 2,
		RetryWait: 5 * time.Millisecond, RetryMaxWait: 20 * time.Millisecond})
	if err != nil {
		t.Fatal(err)
	}
	return c
}

// Each way a call can fail is told apart with errors.Is.
func TestClientErrors(t *testing.T) {
	ctx := context.Background()
	srv := newServer(t, nil)
	_, token := srv.enrol(t, "")

	// answers the client cannot use, from a stand-in server
	var calls atomic.Int32
	bad := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		calls.Add(1)
		switch r.URL.Path {
		case "/v1/catalog": // truncated JSON
			w.Write([]byte(`{"services":[{"code":"degree_ph`))
		case "/v1/statuses": // wrong types
			w.Write([]byte(`{"changes":"none","next":"x"}`))
		case "/v1/roster": // slow
			time.Sleep(time.Second)
		default:
			http.Error(w, "boom", 500)
		}
	}))
	defer bad.Close()
	badc := fastClient(t, bad.URL, token)

	for _, tc := range []struct {
		name string
		call func() error
		want error
	}{
		{"truncated JSON", func() error { _, err := badc.Catalog(ctx); return err }, ErrServer},
		{"wrong-typed JSON", func() error { _, err := badc.Statuses(ctx, 0); return err }, ErrServer},
		{"500", func() error { _, err := badc.Submit(ctx, "x"); return err }, ErrServer},
		{"slow server", func() error { _, err := badc.Roster(ctx, "", ""); return err }, ErrOffline},
		{"DNS failure", func() error {
			_, err := fastClient(t, "http://no-such-host.invalid", token).Catalog(ctx)
			return err
		}, ErrOffline},
		{"nobody listening", func() error {
			_, err := fastClient(t, "http://127.0.0.1:1", token).Catalog(ctx)
			return err
		}, ErrOffline},
		{"no token", func() error { _, err := fastClient(t, srv.srv.URL, "").Catalog(ctx); return err }, ErrUnauthorized},
		{"unknown submission", func() error { _, err := fastClient(t, srv.srv.URL, token).Submit(ctx, "nope"); return err }, ErrRejected},
		{"wrong hash", func() error {
			_, err := fastClient(t, srv.srv.URL, token).PutPhoto(ctx, "nope", "selfie", []byte{1})
			return err
		}, ErrRejected},
	} {
		err := tc.call()
		if !errors.Is(err, tc.want) {
			t.Errorf("%s: %v, want %v", tc.name, err, tc.want)
			continue
		}
		var e *Error
		if !errors.As(err, &e) || !strings.HasPrefix(err.Error(), "remote: ") {
			t.Errorf("%s: %v is not a *remote.Error", tc.name, err)
		}
		if Retryable(err) != (tc.want == ErrServer || tc.want == ErrOffline) {
			t.Errorf("%s: Retryable = %v", tc.name, Retryable(err))
		}
	}
	// 500s were tried again: 1 + 2 retries
	calls.Store(0)
	badc.Submit(ctx, "x")
	if n := calls.Load(); n != 3 {
		t.Errorf("a 500 was tried %d times, want 3", n)
	}
}

// A campus server with its own CA: trusted when the CA is given, refused
// (as unreachable) when not.
func TestClientCustomCA(t *testing.T) {
	ctx := context.Background()
	tlsSrv := httptest.NewTLSServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		w.Write([]byte(`{"services":[{"code":"degree_photo","name":{"en":"Degree photo"},"price_fen":1500}]}`))
	}))
	defer tlsSrv.Close()
	ca := string(pem.EncodeToMemory(&pem.Block{Type: "CERTIFICATE", Bytes: tlsSrv.Certificate().Raw}))
	c, err := New(Config{URL: tlsSrv.URL, CA: ca, Retries: -1})
	if err != nil {
		t.Fatal(err)
	}
	cat, err := c.Catalog(ctx)
	if err != nil || len(cat.Services) != 1 || cat.Services[0].PriceFen != 1500 {
		t.Fatalf("with the CA: %+v, %v", cat, err)
	}
	plain, _ := New(Config{URL: tlsSrv.URL, Retries: -1})
	if _, err := plain.Catalog(ctx); !errors.Is(err, ErrOffline) {
		t.Errorf("without the CA: %v, want ErrOffline (certificate not trusted)", err)
	}
}

// The client checks what it is told: another submission's state, a receipt
// for other bytes.
func TestClientChecksAnswers(t *testing.T) {
	ctx := context.Background()
	liar := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		if strings.Contains(r.URL.Path, "/photos/") {
			w.Write([]byte(`{"kind":"standard","version":1,"sha256":"00","size":1}`))
			return
		}
		w.Write([]byte(`{"id":"someone-else","version":1,"status":"received","photos":{}}`))
	}))
	defer liar.Close()
	c := fastClient(t, liar.URL, "t")
	if _, err := c.PutSubmission(ctx, api.Submission{ID: "mine"}); !errors.Is(err, ErrServer) {
		t.Errorf("state of another submission: %v", err)
	}
	if _, err := c.PutPhoto(ctx, "mine", "standard", []byte{0xFF, 0xD8, 0xFF}); !errors.Is(err, ErrServer) {
		t.Errorf("receipt for other bytes: %v", err)
	}
}
