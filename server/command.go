package server

import (
	"bufio"
	"context"
	"encoding/json"
	"errors"
	"flag"
	"fmt"
	"io"
	"log/slog"
	"net"
	"net/http"
	"os"
	"os/signal"
	"path/filepath"
	"strings"
	"syscall"
	"time"

	"gradphoto/api"
	"gradphoto/server/payment"
	"gradphoto/server/storage"
)

// Exit codes of gradphoto-server.
const (
	exitOK    = 0
	exitFail  = 1 // it ran and failed
	exitUsage = 2 // bad usage: nothing was done
)

const usage = `usage:
  gradphoto-server serve --data DIR|--db URL [--listen ADDR] [--tls-cert F --tls-key F] [--public-url URL]
                        [--payment sandbox|wechat --wechat SETTINGS.json] [--order-ttl 5m]
  gradphoto-server enrol-code --data DIR [--school S]       prints one one-time enrolment code
  gradphoto-server reviewer add --data DIR NAME [--school S]...   prints the reviewer's password
  gradphoto-server voucher add --data DIR --amount FEN --until YYYY-MM-DD [--school S] [--count N]   prints the codes
  gradphoto-server manifest --data DIR                      JSON lines: submission, kind, version, sha256, status
  gradphoto-server import --data DIR FILE  < PASSPHRASE      a kiosk's backup (gradphoto backup), stored as a sync would
  gradphoto-server loadtest --db URL --target URL[,URL...] [--kiosks N] [--submissions M] [--faults F]
                                            N kiosks sync M submissions each; last line JSON
  Every command takes --db URL instead of --data DIR: a PostgreSQL database
  (postgres://USER@HOST:PORT/NAME) that several serve processes may share.
`

// Main runs gradphoto-server's command line and returns the exit code.
func Main(args []string, stdout, stderr io.Writer) int {
	if len(args) == 0 {
		fmt.Fprint(stderr, usage)
		return exitUsage
	}
	cmd, rest := args[0], args[1:]
	switch cmd {
	case "serve":
		return runServe(rest, stdout, stderr)
	case "enrol-code":
		return runEnrolCode(rest, stdout, stderr)
	case "reviewer":
		if len(rest) == 0 || rest[0] != "add" {
			fmt.Fprint(stderr, usage)
			return exitUsage
		}
		return runReviewerAdd(rest[1:], stdout, stderr)
	case "voucher":
		if len(rest) == 0 || rest[0] != "add" {
			fmt.Fprint(stderr, usage)
			return exitUsage
		}
		return runVoucherAdd(rest[1:], stdout, stderr)
	case "manifest":
		return runManifest(rest, stdout, stderr)
	case "import":
		return runImport(rest, os.Stdin, stdout, stderr)
	case "help", "-h", "--help":
		fmt.Fprint(stdout, usage)
		return exitOK
	}
	fmt.Fprintf(stderr, "unknown command %q\n%s", cmd, usage)
	return exitUsage
}

// parse parses flags that may come before or after the positional
// arguments, and returns the positional ones.
func parse(fs *flag.FlagSet, args []string) ([]string, error) {
	var pos []string
	for {
		if err := fs.Parse(args); err != nil {
			return nil, err
		}
		if fs.NArg() == 0 {
			return pos, nil
		}
		pos = append(pos, fs.Arg(0))
		args = fs.Args()[1:]
	}
}

// multi is a flag that may be given several times.
type multi []string

func (m *multi) String() string     { return strings.Join(*m, ",") }
func (m *multi) Set(v string) error { *m = append(*m, v); return nil }

// DataFlags are where every command finds the database: --data DIR (its
// server.db, SQLite) or --db (a postgres:// URL, or a SQLite file). The
// load test (package loadtest) takes the same.
type DataFlags struct{ dir, db *string }

// AddDataFlags defines --data and --db on fs.
func AddDataFlags(fs *flag.FlagSet) DataFlags {
	return DataFlags{
		dir: fs.String("data", "", "the server's data folder (SQLite: DIR/server.db)"),
		db:  fs.String("db", "", "the database instead: postgres://USER@HOST/NAME (several servers may share it) or a SQLite file"),
	}
}

// Open opens the database the flags name.
func (d DataFlags) Open(ctx context.Context) (*storage.DB, error) {
	switch {
	case *d.db != "" && *d.dir != "":
		return nil, errors.New("--data and --db: give one")
	case *d.db != "":
		return storage.Open(ctx, *d.db)
	case *d.dir != "":
		return storage.Open(ctx, filepath.Join(*d.dir, "server.db"))
	}
	return nil, errors.New("--data DIR or --db URL is needed")
}

// command runs fn with the database of --data or --db; errors go to stderr.
func command(name string, args []string, stderr io.Writer, setup func(fs *flag.FlagSet),
	fn func(ctx context.Context, db *storage.DB, pos []string) error) int {
	fs := flag.NewFlagSet(name, flag.ContinueOnError)
	fs.SetOutput(stderr)
	data := AddDataFlags(fs)
	if setup != nil {
		setup(fs)
	}
	pos, err := parse(fs, args)
	if err != nil {
		return exitUsage
	}
	ctx := context.Background()
	db, err := data.Open(ctx)
	if err != nil {
		fmt.Fprintf(stderr, "%s: %v\n", name, err)
		return exitUsage
	}
	defer db.Close()
	if err := fn(ctx, db, pos); err != nil {
		fmt.Fprintf(stderr, "%s: %v\n", name, err)
		return exitFail
	}
	return exitOK
}

func runEnrolCode(args []string, stdout, stderr io.Writer) int {
	var school string
	return command("enrol-code", args, stderr, func(fs *flag.FlagSet) {
		fs.StringVar(&school, "school", "", "the school the kiosk serves (default: any)")
	}, func(ctx context.Context, db *storage.DB, pos []string) error {
		if len(pos) > 0 {
			return fmt.Errorf("unexpected %q", pos[0])
		}
		code, err := NewEnrolCode(ctx, db, school)
		if err != nil {
			return err
		}
		fmt.Fprintln(stdout, code)
		return db.Audit(ctx, "admin", "enrol-code", "school="+school)
	})
}

func runReviewerAdd(args []string, stdout, stderr io.Writer) int {
	var schools multi
	return command("reviewer add", args, stderr, func(fs *flag.FlagSet) {
		fs.Var(&schools, "school", "a school the reviewer may see (repeat; default: every school)")
	}, func(ctx context.Context, db *storage.DB, pos []string) error {
		if len(pos) != 1 || strings.TrimSpace(pos[0]) == "" {
			return errors.New("one NAME is needed")
		}
		if len(schools) == 0 {
			schools = multi{"*"}
		}
		password := NewPassword()
		err := db.AddReviewer(ctx, storage.Reviewer{ID: newID(), Name: pos[0], PasswordHash: HashPassword(password), Schools: schools})
		if err != nil {
			return err
		}
		fmt.Fprintln(stdout, password)
		return nil
	})
}

func runVoucherAdd(args []string, stdout, stderr io.Writer) int {
	var school, until string
	var amount int64
	var count int
	return command("voucher add", args, stderr, func(fs *flag.FlagSet) {
		fs.StringVar(&school, "school", "", "the school whose graduates may use them (default: any)")
		fs.Int64Var(&amount, "amount", 0, "what each voucher pays, in fen (1500 = ¥15.00)")
		fs.StringVar(&until, "until", "", "the last day it can be used, YYYY-MM-DD (China time)")
		fs.IntVar(&count, "count", 1, "how many vouchers")
	}, func(ctx context.Context, db *storage.DB, pos []string) error {
		if len(pos) > 0 {
			return fmt.Errorf("unexpected %q", pos[0])
		}
		day, err := time.ParseInLocation("2006-01-02", until, chinaTime)
		if err != nil {
			return errors.New("--until YYYY-MM-DD is needed")
		}
		codes, err := NewVouchers(ctx, db, school, amount, day.AddDate(0, 0, 1), count)
		if err != nil {
			return err
		}
		for _, c := range codes {
			fmt.Fprintln(stdout, api.FormatVoucher(c))
		}
		return db.Audit(ctx, "admin", "voucher.add", fmt.Sprintf("school=%s amount=%d until=%s count=%d", school, amount, until, count))
	})
}

// chinaTime is UTC+8, where vouchers' days end.
var chinaTime = time.FixedZone("CST", 8*3600)

func runManifest(args []string, stdout, stderr io.Writer) int {
	return command("manifest", args, stderr, nil, func(ctx context.Context, db *storage.DB, pos []string) error {
		enc := json.NewEncoder(stdout)
		return db.Manifest(ctx, func(l api.ManifestLine) error { return enc.Encode(l) })
	})
}

// runImport stores a kiosk's backup bundle; the passphrase comes from
// stdin, never from the command line.
func runImport(args []string, stdin io.Reader, stdout, stderr io.Writer) int {
	return command("import", args, stderr, nil, func(ctx context.Context, db *storage.DB, pos []string) error {
		if len(pos) != 1 {
			return errors.New("one FILE expected")
		}
		line, _ := bufio.NewReader(stdin).ReadString('\n')
		pass := strings.TrimRight(line, "\r\n")
		f, err := os.Open(pos[0])
		if err != nil {
			return err
		}
		defer f.Close()
		s, err := New(Config{Store: db, Log: slog.New(slog.NewTextHandler(stderr, nil))})
		if err != nil {
			return err
		}
		st, err := s.Import(ctx, bufio.NewReaderSize(f, 1<<20), pass)
		fmt.Fprintf(stdout, "imported %d attempts (%d photos) for kiosk %s\n", st.Attempts, st.Photos, st.Kiosk)
		return err
	})
}

func runServe(args []string, stdout, stderr io.Writer) int {
	fs := flag.NewFlagSet("serve", flag.ContinueOnError)
	fs.SetOutput(stderr)
	data := AddDataFlags(fs)
	listen := fs.String("listen", "127.0.0.1:8080", "address to listen on")
	cert := fs.String("tls-cert", "", "TLS certificate (PEM); with --tls-key, serve HTTPS")
	key := fs.String("tls-key", "", "TLS private key (PEM)")
	verbose := fs.Bool("v", false, "log every request")
	public := fs.String("public-url", "", "where phones reach this server (default: the address a kiosk used)")
	provider := fs.String("payment", "sandbox", "payment provider: sandbox (demo, no money moves) or wechat")
	wechat := fs.String("wechat", "", "WeChat Pay merchant settings (JSON), with --payment wechat")
	ttl := fs.Duration("order-ttl", DefaultOrderTTL, "how long a payment order can be paid")
	profile := fs.String("pprof", "", "address for Go's profiler pages (/debug/pprof/), e.g. 127.0.0.1:6060; off by default")
	if pos, err := parse(fs, args); err != nil || len(pos) > 0 {
		if err == nil {
			fmt.Fprintf(stderr, "serve: unexpected %q\n", pos[0])
		}
		return exitUsage
	}
	if (*cert == "") != (*key == "") {
		fmt.Fprintln(stderr, "serve: --tls-cert and --tls-key go together")
		return exitUsage
	}
	level := slog.LevelInfo
	if *verbose {
		level = slog.LevelDebug
	}
	log := slog.New(slog.NewTextHandler(stderr, &slog.HandlerOptions{Level: level}))
	ctx, stop := signal.NotifyContext(context.Background(), os.Interrupt, syscall.SIGTERM)
	defer stop()
	db, err := data.Open(ctx)
	if err != nil {
		fmt.Fprintf(stderr, "serve: %v\n", err)
		return exitUsage
	}
	defer db.Close()
	pay, err := newProvider(ctx, *provider, *wechat)
	if err != nil {
		fmt.Fprintf(stderr, "serve: %v\n", err)
		return exitUsage
	}
	if *provider == "sandbox" {
		log.Warn("payments are the sandbox: anyone can pay an order with one tap and no money moves; use --payment wechat for real fees")
	}
	srv, err := New(Config{Store: db, Log: log, Secure: *cert != "", Payment: pay, OrderTTL: *ttl, PublicURL: *public})
	if err != nil {
		fmt.Fprintf(stderr, "serve: %v\n", err)
		return exitFail
	}
	if *profile != "" {
		go serveProfiler(*profile, log)
	}
	ln, err := net.Listen("tcp", *listen)
	if err == nil {
		err = serve(ctx, srv.Handler(), ln, *cert, *key, log)
	}
	if err != nil {
		fmt.Fprintf(stderr, "serve: %v\n", err)
		return exitFail
	}
	return exitOK
}

// serve answers on ln until ctx ends, then lets the requests under way
// finish; with cert and key it serves HTTPS.
func serve(ctx context.Context, h http.Handler, ln net.Listener, cert, key string, log *slog.Logger) error {
	hs := &http.Server{Handler: h, ReadHeaderTimeout: 10 * time.Second, ReadTimeout: 2 * time.Minute,
		WriteTimeout: 2 * time.Minute, IdleTimeout: 2 * time.Minute}
	scheme := "http"
	if cert != "" {
		scheme = "https"
	}
	log.Info("listening", "url", scheme+"://"+ln.Addr().String())
	done := make(chan error, 1)
	go func() {
		if cert != "" {
			done <- hs.ServeTLS(ln, cert, key)
		} else {
			done <- hs.Serve(ln)
		}
	}()
	select {
	case err := <-done:
		return err
	case <-ctx.Done():
	}
	shut, cancel := context.WithTimeout(context.Background(), 10*time.Second)
	defer cancel()
	return hs.Shutdown(shut)
}

// newProvider makes the payment provider named on the command line.
func newProvider(ctx context.Context, name, wechatFile string) (payment.Provider, error) {
	switch name {
	case "sandbox":
		return payment.Sandbox{}, nil
	case "wechat":
		if wechatFile == "" {
			return nil, errors.New("--payment wechat needs --wechat SETTINGS.json")
		}
		cfg, err := payment.LoadWeChat(wechatFile)
		if err != nil {
			return nil, err
		}
		return payment.NewWeChat(ctx, cfg)
	}
	return nil, fmt.Errorf("unknown payment provider %q (sandbox or wechat)", name)
}
