package server

import (
	"bytes"
	"context"
	"crypto/ecdsa"
	"crypto/elliptic"
	"crypto/rand"
	"crypto/tls"
	"crypto/x509"
	"crypto/x509/pkix"
	"encoding/pem"
	"io"
	"log/slog"
	"math/big"
	"net"
	"net/http"
	"os"
	"path/filepath"
	"regexp"
	"strings"
	"testing"
	"time"

	"gradphoto/server/storage/storagetest"
)

func runMain(args ...string) (int, string, string) {
	var out, errw bytes.Buffer
	code := Main(args, &out, &errw)
	return code, out.String(), errw.String()
}

func TestCommands(t *testing.T) {
	dbFlag, data := storagetest.Flag(t)
	code, out, _ := runMain("enrol-code", dbFlag, data, "--school", "北京理工大学")
	if code != 0 || !regexp.MustCompile(`^[A-Z2-9]{4}-[A-Z2-9]{4}-[A-Z2-9]{4}\n$`).MatchString(out) {
		t.Errorf("enrol-code: %d %q", code, out)
	}
	code, pw, _ := runMain("reviewer", "add", dbFlag, data, "alice", "--school", "北京理工大学", "--school", "清华大学")
	if code != 0 || len(strings.TrimSpace(pw)) != 19 {
		t.Errorf("reviewer add: %d %q", code, pw)
	}
	if code, _, errs := runMain("reviewer", "add", dbFlag, data, "alice"); code != 1 || !strings.Contains(errs, "taken") {
		t.Errorf("the same name again: %d %q", code, errs)
	}
	if code, out, _ := runMain("manifest", dbFlag, data); code != 0 || out != "" {
		t.Errorf("empty manifest: %d %q", code, out)
	}
	for _, args := range [][]string{{}, {"nope"}, {"reviewer"}, {"enrol-code"}, {"serve", "--tls-cert", "x"}} {
		if code, _, _ := runMain(args...); code != 2 {
			t.Errorf("%v: exit %d, want 2", args, code)
		}
	}
	if code, out, _ := runMain("help"); code != 0 || !strings.Contains(out, "gradphoto-server serve") {
		t.Errorf("help: %d", code)
	}
}

// With a certificate the server speaks HTTPS only.
func TestServeTLS(t *testing.T) {
	dir := t.TempDir()
	certFile, keyFile, pool := selfSigned(t, dir)
	ln, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		t.Fatal(err)
	}
	r := newRig(t)
	srv, err := New(Config{Store: r.db, Log: slog.New(slog.NewTextHandler(io.Discard, nil)), Secure: true})
	if err != nil {
		t.Fatal(err)
	}
	ctx, cancel := context.WithCancel(context.Background())
	done := make(chan error, 1)
	go func() {
		done <- serve(ctx, srv.Handler(), ln, certFile, keyFile, slog.New(slog.NewTextHandler(io.Discard, nil)))
	}()
	client := &http.Client{Transport: &http.Transport{TLSClientConfig: &tls.Config{RootCAs: pool}}, Timeout: 5 * time.Second}
	resp, err := client.Get("https://" + ln.Addr().String() + "/healthz")
	if err != nil {
		t.Fatal(err)
	}
	resp.Body.Close()
	if resp.StatusCode != 200 {
		t.Errorf("HTTPS: %d", resp.StatusCode)
	}
	cancel()
	if err := <-done; err != nil && err != http.ErrServerClosed {
		t.Errorf("serve: %v", err)
	}
}

// selfSigned writes a certificate for 127.0.0.1 and its key.
func selfSigned(t *testing.T, dir string) (string, string, *x509.CertPool) {
	t.Helper()
	key, err := ecdsa.GenerateKey(elliptic.P256(), rand.Reader)
	if err != nil {
		t.Fatal(err)
	}
	tmpl := &x509.Certificate{SerialNumber: big.NewInt(1), Subject: pkix.Name{CommonName: "campus"},
		NotBefore: time.Now().Add(-time.Hour), NotAfter: time.Now().Add(time.Hour),
		IPAddresses: []net.IP{net.ParseIP("127.0.0.1")}, IsCA: true, BasicConstraintsValid: true,
		KeyUsage: x509.KeyUsageDigitalSignature | x509.KeyUsageCertSign, ExtKeyUsage: []x509.ExtKeyUsage{x509.ExtKeyUsageServerAuth}}
	der, err := x509.CreateCertificate(rand.Reader, tmpl, tmpl, &key.PublicKey, key)
	if err != nil {
		t.Fatal(err)
	}
	kb, err := x509.MarshalECPrivateKey(key)
	if err != nil {
		t.Fatal(err)
	}
	certFile, keyFile := filepath.Join(dir, "cert.pem"), filepath.Join(dir, "key.pem")
	os.WriteFile(certFile, pem.EncodeToMemory(&pem.Block{Type: "CERTIFICATE", Bytes: der}), 0o600)
	os.WriteFile(keyFile, pem.EncodeToMemory(&pem.Block{Type: "EC PRIVATE KEY", Bytes: kb}), 0o600)
	cert, _ := x509.ParseCertificate(der)
	pool := x509.NewCertPool()
	pool.AddCert(cert)
	return certFile, keyFile, pool
}
