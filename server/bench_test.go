package server

import (
	"bytes"
	"fmt"
	"net/http"
	"slices"
	"sync"
	"testing"
	"time"

	"gradphoto/api"
)

// BenchmarkServerSubmit: submissions per second into one server instance
// (SQLite, loopback), each a metadata PUT, two photo PUTs (a 40 KB
// standardised photo, a 300 KB still) and a submit, from 16 kiosks at once.
// Reports submissions/s and the p50/p99 latency of the calls.
//
//	go test -run '^$' -bench ServerSubmit -benchtime 2000x ./server
func BenchmarkServerSubmit(b *testing.B) {
	r := newRig(b)
	const kiosks = 16
	tokens := make([]string, kiosks)
	for i := range tokens {
		tokens[i] = r.enrol("")
	}
	std := append(testJPEG(b, 1), bytes.Repeat([]byte{0}, 40<<10)...)
	raw := append(testJPEG(b, 2), bytes.Repeat([]byte{1}, 300<<10)...)
	client := &http.Client{Transport: &http.Transport{MaxIdleConnsPerHost: kiosks}}
	call := func(token, method, path string, body []byte, header map[string]string) (time.Duration, error) {
		req, _ := http.NewRequest(method, r.srv.URL+path, bytes.NewReader(body))
		req.Header.Set("Authorization", "Bearer "+token)
		for k, v := range header {
			req.Header.Set(k, v)
		}
		start := time.Now()
		resp, err := client.Do(req)
		if err != nil {
			return 0, err
		}
		resp.Body.Close()
		if resp.StatusCode != 200 {
			return 0, fmt.Errorf("%s %s: %d", method, path, resp.StatusCode)
		}
		return time.Since(start), nil
	}
	var mu sync.Mutex
	var lat []time.Duration
	jobs := make(chan int)
	var wg sync.WaitGroup
	var failed error
	b.ResetTimer()
	start := time.Now()
	for k := range kiosks {
		wg.Add(1)
		go func(token string) {
			defer wg.Done()
			for i := range jobs {
				m := meta(newUUID(), newUUID())
				m.StatusToken = fmt.Sprintf("bench-status-token-%d", i)
				body, _ := jsonOf(m)
				var mine []time.Duration
				for _, c := range []struct {
					method, path string
					body         []byte
					header       map[string]string
				}{
					{"PUT", api.PathSubmissions + m.ID, body, nil},
					{"PUT", api.PathSubmissions + m.ID + "/photos/standard", std, map[string]string{api.HeaderSHA256: sha(std)}},
					{"PUT", api.PathSubmissions + m.ID + "/photos/raw", raw, map[string]string{api.HeaderSHA256: sha(raw)}},
					{"POST", api.PathSubmissions + m.ID + "/submit", nil, nil},
				} {
					d, err := call(token, c.method, c.path, c.body, c.header)
					if err != nil {
						mu.Lock()
						failed = err
						mu.Unlock()
						return
					}
					mine = append(mine, d)
				}
				mu.Lock()
				lat = append(lat, mine...)
				mu.Unlock()
			}
		}(tokens[k])
	}
	for i := 0; i < b.N; i++ {
		jobs <- i
	}
	close(jobs)
	wg.Wait()
	elapsed := time.Since(start)
	b.StopTimer()
	if failed != nil {
		b.Fatal(failed)
	}
	slices.Sort(lat)
	b.ReportMetric(float64(b.N)/elapsed.Seconds(), "submissions/s")
	b.ReportMetric(float64(lat[len(lat)/2].Microseconds())/1000, "ms-p50")
	b.ReportMetric(float64(lat[len(lat)*99/100].Microseconds())/1000, "ms-p99")
}
