// Package faultproxy is an HTTP proxy for tests that breaks things on
// purpose between a client and a server: it drops connections before or
// after the server has seen the request, answers 500 instead of the
// server, cuts answers in the middle, and delays. Tests and the load test
// (package loadtest) use it.
package faultproxy

import (
	"bytes"
	"io"
	"log"
	"math/rand/v2"
	"net/http"
	"net/http/httputil"
	"net/url"
	"strconv"
	"sync"
	"sync/atomic"
	"time"
)

// Faults are the chances (0…1) of each fault per request.
type Faults struct {
	DropBefore float64       // close the connection; the server never sees the request
	DropAfter  float64       // the server handles the request; the client gets nothing
	Error      float64       // answer 500 without asking the server
	Cut        float64       // the server's answer cut off after half its body
	Delay      time.Duration // up to this long before passing the request on
}

// Counts are the faults injected so far.
type Counts struct {
	Requests, DropBefore, DropAfter, Error, Cut atomic.Int64
}

// Proxy forwards to a target, injecting Faults.
type Proxy struct {
	mu     sync.Mutex
	target *url.URL
	faults Faults
	rnd    *rand.Rand
	Counts Counts
}

// New returns a proxy to target with faults, random from seed.
func New(target string, f Faults, seed uint64) (*Proxy, error) {
	u, err := url.Parse(target)
	if err != nil {
		return nil, err
	}
	return &Proxy{target: u, faults: f, rnd: rand.New(rand.NewPCG(seed, seed^0x9e3779b97f4a7c15))}, nil
}

// SetFaults changes the faults from the next request on.
func (p *Proxy) SetFaults(f Faults) {
	p.mu.Lock()
	p.faults = f
	p.mu.Unlock()
}

// SetTarget points the proxy at another server (a restarted one).
func (p *Proxy) SetTarget(target string) error {
	u, err := url.Parse(target)
	if err != nil {
		return err
	}
	p.mu.Lock()
	p.target = u
	p.mu.Unlock()
	return nil
}

// draw picks this request's fault: "", "drop-before", "drop-after",
// "error" or "cut", and its delay.
func (p *Proxy) draw() (string, time.Duration, *url.URL) {
	p.mu.Lock()
	defer p.mu.Unlock()
	f := p.faults
	var delay time.Duration
	if f.Delay > 0 {
		delay = time.Duration(p.rnd.Int64N(int64(f.Delay)))
	}
	x := p.rnd.Float64()
	for _, c := range []struct {
		name string
		p    float64
	}{{"drop-before", f.DropBefore}, {"drop-after", f.DropAfter}, {"error", f.Error}, {"cut", f.Cut}} {
		if x < c.p {
			return c.name, delay, p.target
		}
		x -= c.p
	}
	return "", delay, p.target
}

func (p *Proxy) ServeHTTP(w http.ResponseWriter, r *http.Request) {
	p.Counts.Requests.Add(1)
	fault, delay, target := p.draw()
	time.Sleep(delay)
	switch fault {
	case "drop-before":
		p.Counts.DropBefore.Add(1)
		drop(w)
		return
	case "error":
		p.Counts.Error.Add(1)
		http.Error(w, `{"error":"internal","message":"injected"}`, http.StatusInternalServerError)
		return
	}
	rec := &recorder{header: http.Header{}, status: http.StatusOK}
	rp := httputil.NewSingleHostReverseProxy(target)
	rp.ErrorLog = log.New(io.Discard, "", 0) // a dropped client is the point here
	rp.ServeHTTP(rec, r)
	switch fault {
	case "drop-after":
		p.Counts.DropAfter.Add(1)
		drop(w)
		return
	case "cut":
		p.Counts.Cut.Add(1)
		body := rec.body.Bytes()
		for k, v := range rec.header {
			w.Header()[k] = v
		}
		w.Header().Set("Content-Length", strconv.Itoa(len(body)))
		w.WriteHeader(rec.status)
		w.Write(body[:len(body)/2])
		drop(w)
		return
	}
	for k, v := range rec.header {
		w.Header()[k] = v
	}
	w.WriteHeader(rec.status)
	w.Write(rec.body.Bytes())
}

// drop closes the client's connection without (the rest of) an answer.
func drop(w http.ResponseWriter) {
	if hj, ok := w.(http.Hijacker); ok {
		if conn, _, err := hj.Hijack(); err == nil {
			conn.Close()
			return
		}
	}
	panic(http.ErrAbortHandler)
}

// recorder keeps the server's answer so the proxy can break it.
type recorder struct {
	header http.Header
	status int
	body   bytes.Buffer
}

func (r *recorder) Header() http.Header         { return r.header }
func (r *recorder) WriteHeader(code int)        { r.status = code }
func (r *recorder) Write(b []byte) (int, error) { return r.body.Write(b) }

var _ io.Writer = (*recorder)(nil)
