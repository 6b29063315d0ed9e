package cli

import (
	"context"
	"encoding/json"
	"errors"
	"flag"
	"fmt"
	"io"
	"os"
	"os/signal"
	"syscall"

	"gradphoto/api"
	"gradphoto/remote"
	"gradphoto/store"
)

const (
	enrolUsage    = "usage: gradphoto enrol [--db PATH] [--name NAME] [--ca FILE] --server URL CODE"
	syncUsage     = "usage: gradphoto sync [--db PATH] [--once]"
	manifestUsage = "usage: gradphoto manifest [--db PATH]"
)

// openDB opens the kiosk database at path ("" the default location).
func openDB(ctx context.Context, path string) (*store.Store, error) {
	if path == "" {
		p, err := store.DefaultPath()
		if err != nil {
			return nil, err
		}
		path = p
	}
	return store.Open(ctx, path, store.Options{})
}

// flagsOf parses a subcommand's flags (before or after its arguments);
// help prints usage. ok is false when the command should end with code.
func flagsOf(fs *flag.FlagSet, usage string, args []string, stdout, stderr io.Writer) (pos []string, code int, ok bool) {
	fs.SetOutput(io.Discard)
	pos, err := parseInterspersed(fs, args)
	if errors.Is(err, flag.ErrHelp) {
		fmt.Fprintln(stdout, usage)
		return nil, ExitOK, false
	}
	if err != nil {
		fmt.Fprintf(stderr, "%s: %v\n%s\n", fs.Name(), err, usage)
		return nil, ExitUnreadable, false
	}
	return pos, ExitOK, true
}

// runEnrol runs "gradphoto enrol --server URL CODE": it registers the
// kiosk with the server's one-time code and stores the server's address
// and the kiosk's token (encrypted).
func runEnrol(args []string, stdout, stderr io.Writer) int {
	fs := flag.NewFlagSet("enrol", flag.ContinueOnError)
	db := fs.String("db", "", "database file")
	server := fs.String("server", "", "the server's URL, e.g. https://photo.example.edu.cn")
	name := fs.String("name", "", "this kiosk's name, for the server's records (default: the host name)")
	caFile := fs.String("ca", "", "a PEM file of the CA that signed the server's certificate (campus servers)")
	pos, code, ok := flagsOf(fs, enrolUsage, args, stdout, stderr)
	if !ok {
		return code
	}
	if len(pos) != 1 || *server == "" {
		fmt.Fprintln(stderr, enrolUsage)
		return ExitUnreadable
	}
	var ca []byte
	if *caFile != "" {
		var err error
		if ca, err = os.ReadFile(*caFile); err != nil {
			fmt.Fprintf(stderr, "enrol: %v\n", err)
			return ExitUnreadable
		}
	}
	if *name == "" {
		*name, _ = os.Hostname()
	}
	ctx := context.Background()
	st, err := openDB(ctx, *db)
	if err != nil {
		fmt.Fprintf(stderr, "enrol: %v\n", err)
		return ExitFailed
	}
	defer st.Close()
	en, err := remote.Enrol(ctx, st, *server, pos[0], *name, string(ca))
	if err != nil {
		fmt.Fprintf(stderr, "enrol: %v\n", err)
		return ExitFailed
	}
	school := en.School
	if school == "" {
		school = "any school"
	}
	fmt.Fprintf(stdout, "enrolled: device %s at %s (%s)\n", en.DeviceID, *server, school)
	return ExitOK
}

// runSync runs "gradphoto sync": rounds until interrupted, or with --once
// one round; it prints the state after each. --once exits 0 when nothing is
// left to send, 1 when something is (the server unreachable, a refusal).
func runSync(args []string, stdout, stderr io.Writer) int {
	fs := flag.NewFlagSet("sync", flag.ContinueOnError)
	db := fs.String("db", "", "database file")
	once := fs.Bool("once", false, "one round: send what is waiting, pull results, exit")
	pos, code, ok := flagsOf(fs, syncUsage, args, stdout, stderr)
	if !ok {
		return code
	}
	if len(pos) > 0 {
		fmt.Fprintln(stderr, syncUsage)
		return ExitUnreadable
	}
	ctx, stop := signal.NotifyContext(context.Background(), os.Interrupt, syscall.SIGTERM)
	defer stop()
	st, err := openDB(ctx, *db)
	if err != nil {
		fmt.Fprintf(stderr, "sync: %v\n", err)
		return ExitFailed
	}
	defer st.Close()
	w, err := remote.NewWorker(ctx, st)
	if err != nil {
		fmt.Fprintf(stderr, "sync: %v\n", err)
		return ExitFailed
	}
	report := func(s remote.State, err error) {
		line := fmt.Sprintf("pending %d", s.Pending)
		if err != nil {
			line += ", stopped: " + err.Error()
		}
		fmt.Fprintln(stdout, line)
	}
	if *once {
		s, err := w.Round(ctx)
		report(s, err)
		if err != nil || s.Pending > 0 {
			return ExitFailed
		}
		return ExitOK
	}
	w.OnState = func(s remote.State) { report(s, nil) }
	w.Start(ctx)
	<-ctx.Done()
	w.Stop()
	return ExitOK
}

// runManifest runs "gradphoto manifest": a JSON line per photo of every
// confirmed submission, as the server's manifest prints them.
func runManifest(args []string, stdout, stderr io.Writer) int {
	fs := flag.NewFlagSet("manifest", flag.ContinueOnError)
	db := fs.String("db", "", "database file")
	pos, code, ok := flagsOf(fs, manifestUsage, args, stdout, stderr)
	if !ok {
		return code
	}
	if len(pos) > 0 {
		fmt.Fprintln(stderr, manifestUsage)
		return ExitUnreadable
	}
	ctx := context.Background()
	st, err := openDB(ctx, *db)
	if err != nil {
		fmt.Fprintf(stderr, "manifest: %v\n", err)
		return ExitFailed
	}
	defer st.Close()
	enc := json.NewEncoder(stdout)
	err = st.Manifest(ctx, func(e store.ManifestEntry) error {
		return enc.Encode(api.ManifestLine{Submission: e.Submission, Kind: e.Kind, Version: e.Version,
			SHA256: e.SHA256, Status: string(e.Status)})
	})
	if err != nil {
		fmt.Fprintf(stderr, "manifest: %v\n", err)
		return ExitFailed
	}
	return ExitOK
}
