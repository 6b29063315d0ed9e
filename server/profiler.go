package server

import (
	"log/slog"
	"net/http"
	"net/http/pprof"
)

// serveProfiler answers Go's profiler pages on addr (serve --pprof): CPU,
// heap, goroutines of a loaded instance. It has its own address, never
// the service's, so it can stay on loopback.
func serveProfiler(addr string, log *slog.Logger) {
	mux := http.NewServeMux()
	mux.HandleFunc("/debug/pprof/", pprof.Index)
	mux.HandleFunc("/debug/pprof/cmdline", pprof.Cmdline)
	mux.HandleFunc("/debug/pprof/profile", pprof.Profile)
	mux.HandleFunc("/debug/pprof/symbol", pprof.Symbol)
	mux.HandleFunc("/debug/pprof/trace", pprof.Trace)
	log.Info("profiler", "url", "http://"+addr+"/debug/pprof/")
	if err := http.ListenAndServe(addr, mux); err != nil {
		log.Error("profiler", "err", err)
	}
}
