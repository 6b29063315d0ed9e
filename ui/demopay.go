package ui

import (
	"context"
	"fmt"
	"io"
	"log/slog"
	"net"
	"net/http"
	"os"
	"path/filepath"
	"strconv"

	"gradphoto/app"
	"gradphoto/remote"
	"gradphoto/server"
	"gradphoto/server/storage"
)

// demoPaying names the demo screens that need a server taking payment.
var demoPaying = map[string]bool{"services": true, "payment": true}

// demoPayments starts a reference server in this process (a throw-away
// data folder, sandbox payments), listening on every interface so a phone
// on the same network can open the QR code's pay page, and enrols the
// demo kiosk with it. stop shuts it down.
func demoPayments(ctx context.Context) (pay app.Payments, stop func(), err error) {
	dir, err := os.MkdirTemp("", "gradphoto-demo-server-")
	if err != nil {
		return nil, nil, fmt.Errorf("ui: demo server: %w", err)
	}
	db, err := storage.Open(ctx, filepath.Join(dir, "server.db"))
	if err != nil {
		os.RemoveAll(dir)
		return nil, nil, fmt.Errorf("ui: demo server: %w", err)
	}
	ln, err := net.Listen("tcp", ":0")
	if err != nil {
		db.Close()
		os.RemoveAll(dir)
		return nil, nil, fmt.Errorf("ui: demo server: %w", err)
	}
	port := strconv.Itoa(ln.Addr().(*net.TCPAddr).Port)
	srv, err := server.New(server.Config{Store: db, PublicURL: "http://" + net.JoinHostPort(lanAddress(), port),
		Log: slog.New(slog.NewTextHandler(io.Discard, nil))})
	hs := &http.Server{Handler: nil}
	if err == nil {
		hs.Handler = srv.Handler()
		go hs.Serve(ln)
	}
	stop = func() { hs.Close(); ln.Close(); db.Close(); os.RemoveAll(dir) }
	if err == nil {
		pay, err = demoEnrol(ctx, db, "http://127.0.0.1:"+port)
	}
	if err != nil {
		stop()
		return nil, nil, fmt.Errorf("ui: demo server: %w", err)
	}
	return pay, stop, nil
}

// demoEnrol enrols a kiosk with the server at url: its payment client.
func demoEnrol(ctx context.Context, db *storage.DB, url string) (app.Payments, error) {
	code, err := server.NewEnrolCode(ctx, db, "")
	if err != nil {
		return nil, err
	}
	anon, err := remote.New(remote.Config{URL: url})
	if err != nil {
		return nil, err
	}
	en, err := anon.Enrol(ctx, code, "demo kiosk")
	if err != nil {
		return nil, err
	}
	return remote.New(remote.Config{URL: url, Token: en.Token})
}

// lanAddress is this machine's first IPv4 address that is not loopback
// (where a phone on the same network reaches it), else 127.0.0.1.
func lanAddress() string {
	addrs, err := net.InterfaceAddrs()
	if err != nil {
		return "127.0.0.1"
	}
	for _, a := range addrs {
		if ip, ok := a.(*net.IPNet); ok && !ip.IP.IsLoopback() && ip.IP.To4() != nil {
			return ip.IP.String()
		}
	}
	return "127.0.0.1"
}
