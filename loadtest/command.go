package loadtest

import (
	"context"
	"encoding/json"
	"flag"
	"fmt"
	"io"
	"os"
	"os/signal"
	"strings"
	"syscall"

	"gradphoto/server"
)

// Main runs `gradphoto-server loadtest` and returns the exit code: 0 when
// every submission reached the server once with its hashes, 1 when not or
// when the test could not run, 2 for bad usage. Its last line on stdout is
// the Result as JSON.
func Main(args []string, stdout, stderr io.Writer) int {
	fs := flag.NewFlagSet("loadtest", flag.ContinueOnError)
	fs.SetOutput(stderr)
	data := server.AddDataFlags(fs)
	targets := fs.String("target", "", "the instances' base URLs, comma-separated (they share the --db/--data database)")
	kiosks := fs.Int("kiosks", 10, "kiosks syncing at once")
	subs := fs.Int("submissions", 10, "confirmed submissions each kiosk syncs")
	faults := fs.Float64("faults", 0.1, "chance (0–1) that a request is dropped, cut or answered 500")
	rate := fs.Float64("rate", 0, "pace the run: graduates confirm at this many per second over all kiosks, each kiosk syncing as one does (0: every kiosk sends all at once)")
	profile := fs.String("cpuprofile", "", "write the load generator's CPU profile of the sync to this file")
	dir := fs.String("dir", "", "where the kiosks' databases are made (default: a temporary folder, removed)")
	if err := fs.Parse(args); err != nil || fs.NArg() > 0 {
		return 2
	}
	if *targets == "" || *kiosks <= 0 || *subs <= 0 || *faults < 0 || *faults >= 1 || *rate < 0 {
		fmt.Fprintln(stderr, "loadtest: --target, --kiosks ≥ 1, --submissions ≥ 1, 0 ≤ --faults < 1 and --rate ≥ 0 are needed")
		return 2
	}
	ctx, stop := signal.NotifyContext(context.Background(), os.Interrupt, syscall.SIGTERM)
	defer stop()
	db, err := data.Open(ctx)
	if err != nil {
		fmt.Fprintf(stderr, "loadtest: %v\n", err)
		return 2
	}
	defer db.Close()
	if *dir == "" {
		if *dir, err = os.MkdirTemp("", "gradphoto-loadtest-"); err != nil {
			fmt.Fprintf(stderr, "loadtest: %v\n", err)
			return 1
		}
		defer os.RemoveAll(*dir)
	}
	res, err := Run(ctx, Config{Targets: strings.Split(*targets, ","), Kiosks: *kiosks, Submissions: *subs,
		Faults: *faults, Rate: *rate, DB: db, Dir: *dir, Log: stderr, CPUProfile: *profile})
	line, _ := json.Marshal(res)
	fmt.Fprintln(stdout, string(line))
	if err != nil {
		fmt.Fprintf(stderr, "loadtest: %v\n", err)
		return 1
	}
	return 0
}
