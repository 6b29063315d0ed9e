package loadtest

import (
	"net/http"
	"net/url"
	"slices"
	"sync"
	"sync/atomic"
	"time"
)

// roundRobin sends each request to the next of the targets in turn (a
// retry of a call most likely lands on another instance than the first
// try) and keeps how long each took.
type roundRobin struct {
	targets []*url.URL
	next    atomic.Uint64
	base    http.RoundTripper
	lat     *latencies
}

func (rr *roundRobin) RoundTrip(req *http.Request) (*http.Response, error) {
	t := rr.targets[rr.next.Add(1)%uint64(len(rr.targets))]
	r := req.Clone(req.Context())
	r.URL.Scheme, r.URL.Host, r.Host = t.Scheme, t.Host, t.Host
	start := time.Now()
	resp, err := rr.base.RoundTrip(r)
	rr.lat.add(time.Since(start), err == nil && resp.StatusCode < 500)
	return resp, err
}

// latencies are the durations of the requests that were answered, and
// the count of those that failed (dropped, 5xx).
type latencies struct {
	mu     sync.Mutex
	ok     []time.Duration
	failed int
}

func (l *latencies) add(d time.Duration, ok bool) {
	l.mu.Lock()
	defer l.mu.Unlock()
	if !ok {
		l.failed++
		return
	}
	l.ok = append(l.ok, d)
}

// quantile is the q-th quantile (0…1) of the answered requests.
func (l *latencies) quantile(q float64) time.Duration {
	l.mu.Lock()
	defer l.mu.Unlock()
	if len(l.ok) == 0 {
		return 0
	}
	s := slices.Clone(l.ok)
	slices.Sort(s)
	return s[min(len(s)-1, int(q*float64(len(s))))]
}
