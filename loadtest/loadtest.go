// Package loadtest plays many kiosks syncing with one or more instances of
// the reference server, as `gradphoto-server loadtest` does: each kiosk is
// a real kiosk database whose graduates were taken through the kiosk's
// domain service, synced by the kiosk's own sync worker (remote), its
// requests spread over the instances in turn, through proxies that drop
// connections and fail requests. Afterwards it reads the server's
// manifest back: every submission must be there once, with the kiosk's
// hashes. It lives outside server/ because it is a kiosk.
package loadtest

import (
	"context"
	"errors"
	"fmt"
	"io"
	"net"
	"net/http"
	"net/url"
	"os"
	"runtime/pprof"
	"sync"
	"time"

	"gradphoto/api"
	"gradphoto/internal/faultproxy"
	"gradphoto/remote"
	"gradphoto/server"
	"gradphoto/server/storage"
	"gradphoto/store"
)

// Config is one load test.
type Config struct {
	Targets     []string // the instances' base URLs
	Kiosks      int      // kiosks syncing at once
	Submissions int      // confirmed submissions each kiosk syncs
	// Faults is the chance (0…1) that a request meets a fault: dropped
	// before or after the server saw it, a 500, an answer cut short.
	Faults float64
	// Rate, when above 0, paces the run: graduates confirm at the kiosks
	// at this many per second in all, spread evenly over the kiosks, and
	// each kiosk syncs as one confirms (as a kiosk does); 0 lets every
	// kiosk send all it has at once, as fast as the server takes it.
	Rate float64
	DB   *storage.DB // the instances' database: enrolment codes, the manifest
	Dir  string      // where the kiosks' databases are made
	Log  io.Writer   // progress lines
	// CPUProfile, when set, is a file for the load generator's own CPU
	// profile while the kiosks sync (what the kiosks' side costs).
	CPUProfile string
}

// Result is what a load test measured.
type Result struct {
	Targets        int     `json:"targets"`
	Rate           float64 `json:"rate,omitempty"` // offered submissions/s of a paced run
	Kiosks         int     `json:"kiosks"`
	Submissions    int     `json:"submissions"`
	Photos         int     `json:"photos"`
	Seconds        float64 `json:"seconds"`
	PerSecond      float64 `json:"submissions_per_s"`
	Requests       int     `json:"requests"`
	FailedRequests int     `json:"failed_requests"`
	P50ms          float64 `json:"p50_ms"`
	P99ms          float64 `json:"p99_ms"`
	Duplicates     int     `json:"duplicates"` // photos the server holds more than once
	Missing        int     `json:"missing"`    // photos of the kiosks the server lacks
	Mismatched     int     `json:"mismatched"` // photos the server holds with another hash
}

// ErrLost: after the sync, the server's manifest does not match the
// kiosks' (missing, duplicated or different photos).
var ErrLost = errors.New("loadtest: the server's manifest differs from the kiosks'")

// maxRounds bounds a kiosk's sync rounds: faults make some rounds fail,
// never this many.
const maxRounds = 200

// Run runs the load test: enrol and fill the kiosks, sync them all at
// once, read the manifest back.
func Run(ctx context.Context, cfg Config) (Result, error) {
	res := Result{Targets: len(cfg.Targets), Kiosks: cfg.Kiosks, Submissions: cfg.Kiosks * cfg.Submissions, Rate: cfg.Rate}
	if len(cfg.Targets) == 0 || cfg.Kiosks <= 0 || cfg.Submissions <= 0 {
		return res, errors.New("loadtest: targets, kiosks and submissions are needed")
	}
	logf(cfg.Log, "loadtest: %d kiosks × %d submissions against %d instance(s), faults %.0f%%, rate %s",
		cfg.Kiosks, cfg.Submissions, len(cfg.Targets), 100*cfg.Faults, rateText(cfg.Rate))
	plan := schedule{base: time.Now(), rate: cfg.Rate, kiosks: cfg.Kiosks}
	kiosks, err := prepare(ctx, cfg, plan)
	defer func() {
		for _, k := range kiosks {
			if k != nil {
				k.st.Close()
			}
		}
	}()
	if err != nil {
		return res, err
	}
	want, err := kioskManifest(ctx, kiosks)
	if err != nil {
		return res, err
	}
	res.Photos = len(want)
	targets, stop, err := proxies(cfg.Targets, cfg.Faults)
	if err != nil {
		return res, err
	}
	defer stop()
	lat := &latencies{}
	logf(cfg.Log, "loadtest: syncing")
	stopProfile, err := startProfile(cfg.CPUProfile)
	if err != nil {
		return res, err
	}
	start := time.Now()
	err = syncAll(ctx, kiosks, targets, lat, plan, cfg.Submissions)
	stopProfile()
	if err != nil {
		return res, err
	}
	res.Seconds = time.Since(start).Seconds()
	res.PerSecond = float64(res.Submissions) / res.Seconds
	res.Requests, res.FailedRequests = len(lat.ok)+lat.failed, lat.failed
	res.P50ms = ms(lat.quantile(0.50))
	res.P99ms = ms(lat.quantile(0.99))
	if err := compare(ctx, cfg.DB, want, &res); err != nil {
		return res, err
	}
	if res.Duplicates+res.Missing+res.Mismatched > 0 {
		return res, ErrLost
	}
	return res, nil
}

// startProfile starts a CPU profile into path (none when path is empty)
// and returns its stop.
func startProfile(path string) (func(), error) {
	if path == "" {
		return func() {}, nil
	}
	f, err := os.Create(path)
	if err != nil {
		return nil, fmt.Errorf("loadtest: cpu profile: %w", err)
	}
	if err := pprof.StartCPUProfile(f); err != nil {
		f.Close()
		return nil, fmt.Errorf("loadtest: cpu profile: %w", err)
	}
	return func() { pprof.StopCPUProfile(); f.Close() }, nil
}

func ms(d time.Duration) float64 { return float64(d.Microseconds()) / 1000 }

func logf(w io.Writer, format string, args ...any) {
	if w != nil {
		fmt.Fprintf(w, format+"\n", args...)
	}
}

// prepare makes the kiosks, enrols each with the first instance and takes
// its graduates through it (a few kiosks at a time).
func prepare(ctx context.Context, cfg Config, plan schedule) ([]*kiosk, error) {
	kiosks := make([]*kiosk, cfg.Kiosks)
	for i := range kiosks {
		k, err := newKiosk(ctx, cfg.Dir, i)
		if err != nil {
			return kiosks[:i], err
		}
		kiosks[i] = k
		code, err := server.NewEnrolCode(ctx, cfg.DB, School)
		if err != nil {
			return kiosks, err
		}
		if _, err := remote.Enrol(ctx, k.st, cfg.Targets[0], code, fmt.Sprintf("loadtest kiosk %d", i), ""); err != nil {
			return kiosks, fmt.Errorf("loadtest: enrol kiosk %d: %w", i, err)
		}
	}
	logf(cfg.Log, "loadtest: %d kiosks enrolled; taking %d graduates through them", cfg.Kiosks, cfg.Kiosks*cfg.Submissions)
	err := each(kiosks, 4, func(k *kiosk) error {
		var due func(j int) time.Time
		if plan.paced() {
			due = func(j int) time.Time { return plan.base.Add(plan.offset(k.n, j)) }
		}
		return k.seed(ctx, k.n*cfg.Submissions, cfg.Submissions, due)
	})
	return kiosks, err
}

// each runs fn for every kiosk, n at a time; the first error.
func each(kiosks []*kiosk, n int, fn func(k *kiosk) error) error {
	sem := make(chan struct{}, n)
	errs := make([]error, len(kiosks))
	var wg sync.WaitGroup
	for i, k := range kiosks {
		wg.Add(1)
		sem <- struct{}{}
		go func() {
			defer func() { <-sem; wg.Done() }()
			errs[i] = fn(k)
		}()
	}
	wg.Wait()
	return errors.Join(errs...)
}

// photoKey names one photo of one attempt.
type photoKey struct{ submission, kind string }

type photo struct {
	sha256  string
	version int
}

// kioskManifest is every photo the kiosks hold, by submission and kind.
func kioskManifest(ctx context.Context, kiosks []*kiosk) (map[photoKey]photo, error) {
	want := map[photoKey]photo{}
	for _, k := range kiosks {
		err := k.st.Manifest(ctx, func(e store.ManifestEntry) error {
			want[photoKey{e.Submission, e.Kind}] = photo{e.SHA256, e.Version}
			return nil
		})
		if err != nil {
			return nil, err
		}
	}
	return want, nil
}

// proxies puts a fault-injecting proxy on loopback in front of each
// target (none when faults is 0): the URLs the kiosks use, and a stop.
func proxies(targets []string, faults float64) ([]*url.URL, func(), error) {
	var urls []*url.URL
	var servers []*http.Server
	stop := func() {
		for _, s := range servers {
			s.Close()
		}
	}
	for i, t := range targets {
		u, err := url.Parse(t)
		if err != nil || u.Host == "" {
			stop()
			return nil, nil, fmt.Errorf("loadtest: target %q: want http(s)://host:port", t)
		}
		if faults <= 0 {
			urls = append(urls, u)
			continue
		}
		f := faults / 4
		p, err := faultproxy.New(t, faultproxy.Faults{DropBefore: f, DropAfter: f, Error: f, Cut: f}, uint64(i+1))
		if err != nil {
			stop()
			return nil, nil, err
		}
		ln, err := net.Listen("tcp", "127.0.0.1:0")
		if err != nil {
			stop()
			return nil, nil, err
		}
		s := &http.Server{Handler: p}
		go s.Serve(ln)
		servers = append(servers, s)
		urls = append(urls, &url.URL{Scheme: "http", Host: ln.Addr().String()})
	}
	return urls, stop, nil
}

// syncAll syncs every kiosk at once until each outbox is empty.
func syncAll(ctx context.Context, kiosks []*kiosk, targets []*url.URL, lat *latencies, plan schedule, subs int) error {
	base := &http.Transport{MaxIdleConns: 1000, MaxIdleConnsPerHost: 1000, IdleConnTimeout: time.Minute}
	defer base.CloseIdleConnections()
	start := time.Now()
	return each(kiosks, len(kiosks), func(k *kiosk) error {
		rt := &roundRobin{targets: targets, base: base, lat: lat}
		if plan.paced() {
			return k.syncPaced(ctx, rt, plan, start, subs)
		}
		return k.sync(ctx, rt)
	})
}

// schedule is a paced run's: the j-th graduate of kiosk n confirms at
// base + offset(n, j), the kiosks taking turns.
type schedule struct {
	base   time.Time
	rate   float64 // submissions per second in all; 0 unpaced
	kiosks int
}

func (p schedule) paced() bool { return p.rate > 0 }

func (p schedule) offset(n, j int) time.Duration {
	return time.Duration(float64(j*p.kiosks+n) / p.rate * float64(time.Second))
}

func rateText(rate float64) string {
	if rate <= 0 {
		return "as fast as it goes"
	}
	return fmt.Sprintf("%g submissions/s", rate)
}

// worker is the kiosk's sync worker, its requests through rt, its clock
// now.
func (k *kiosk) worker(ctx context.Context, rt http.RoundTripper, now func() time.Time) (*remote.Worker, error) {
	cfg, err := k.st.ServerConfig(ctx)
	if err != nil {
		return nil, err
	}
	c, err := remote.New(remote.Config{URL: cfg.URL, Token: cfg.Token, Transport: rt,
		RetryWait: 20 * time.Millisecond, RetryMaxWait: 200 * time.Millisecond})
	if err != nil {
		return nil, err
	}
	return &remote.Worker{Store: k.st, Client: c, School: cfg.School, Now: now}, nil
}

// sync runs the kiosk's sync worker, round after round, until its outbox
// is empty. The worker's clock moves on an hour after each round, so what
// failed is due again at once rather than after its backoff.
func (k *kiosk) sync(ctx context.Context, rt http.RoundTripper) error {
	var skew time.Duration
	w, err := k.worker(ctx, rt, func() time.Time { return time.Now().Add(skew) })
	if err != nil {
		return err
	}
	for range maxRounds {
		w.Round(ctx) // a failed round is retried below; the outbox tells
		n, err := k.st.OutboxLen(ctx)
		if err != nil || n == 0 {
			return err
		}
		if ctx.Err() != nil {
			return ctx.Err()
		}
		skew += time.Hour
	}
	return fmt.Errorf("loadtest: kiosk %d: submissions left after %d rounds", k.n, maxRounds)
}

// syncPaced is a kiosk of a paced run: a round as each of its graduates
// confirms (the kiosk wakes its worker then), on the schedule's clock;
// then, while something waits for its retry (the worker's own backoff),
// a round a second.
func (k *kiosk) syncPaced(ctx context.Context, rt http.RoundTripper, plan schedule, start time.Time, subs int) error {
	k.clock.run(plan.base)
	w, err := k.worker(ctx, rt, k.clock.now)
	if err != nil {
		return err
	}
	for j := range subs {
		if err := sleep(ctx, time.Until(start.Add(plan.offset(k.n, j)))); err != nil {
			return err
		}
		w.Round(ctx)
	}
	for range maxRounds {
		n, err := k.st.OutboxLen(ctx)
		if err != nil || n == 0 {
			return err
		}
		if err := sleep(ctx, time.Second); err != nil {
			return err
		}
		w.Round(ctx)
	}
	return fmt.Errorf("loadtest: kiosk %d: submissions left after %d rounds", k.n, maxRounds)
}

func sleep(ctx context.Context, d time.Duration) error {
	t := time.NewTimer(d)
	defer t.Stop()
	select {
	case <-t.C:
		return nil
	case <-ctx.Done():
		return ctx.Err()
	}
}

// compare reads the server's manifest back against the kiosks'.
func compare(ctx context.Context, db *storage.DB, want map[photoKey]photo, res *Result) error {
	seen := map[photoKey]int{}
	err := db.Manifest(ctx, func(l api.ManifestLine) error {
		k := photoKey{l.Submission, l.Kind}
		w, ours := want[k]
		if !ours {
			return nil
		}
		seen[k]++
		if l.SHA256 != w.sha256 || l.Version != w.version {
			res.Mismatched++
		}
		return nil
	})
	if err != nil {
		return fmt.Errorf("loadtest: manifest: %w", err)
	}
	for k := range want {
		switch n := seen[k]; {
		case n == 0:
			res.Missing++
		case n > 1:
			res.Duplicates += n - 1
		}
	}
	return nil
}
