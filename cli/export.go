package cli

import (
	"context"
	"flag"
	"fmt"
	"io"
	"time"

	"gradphoto/app"
	"gradphoto/export"
	"gradphoto/store"
)

const exportUsage = "usage: gradphoto export [--db PATH] [--school S] [--status S] [--since YYYY-MM-DD] OUT.zip"

// runExport runs "gradphoto export": the registry's batch of standardised
// photos named by document number, with manifest.xlsx, of the submissions
// the flags select (each submission's current version).
func runExport(args []string, stdout, stderr io.Writer) int {
	fs := flag.NewFlagSet("export", flag.ContinueOnError)
	db := fs.String("db", "", "database file")
	school := fs.String("school", "", "only this school (as on the roster)")
	status := fs.String("status", "", "only this status: queued, unpaid, in_review, rejected, approved, published")
	since := fs.String("since", "", "only those confirmed on or after this day (YYYY-MM-DD, China time)")
	pos, code, ok := flagsOf(fs, exportUsage, args, stdout, stderr)
	if !ok {
		return code
	}
	fail := func(code int, format string, a ...any) int {
		fmt.Fprintf(stderr, "export: "+format+"\n", a...)
		return code
	}
	if len(pos) != 1 {
		return fail(ExitUnreadable, "one OUT.zip expected (%s)", exportUsage)
	}
	f, err := exportFilter(*school, *status, *since)
	if err != nil {
		return fail(ExitUnreadable, "%v", err)
	}
	ctx := context.Background()
	st, err := openDB(ctx, *db)
	if err != nil {
		return fail(ExitFailed, "%v", err)
	}
	defer st.Close()
	n, err := export.ToFile(ctx, st, f, pos[0])
	if err != nil {
		return fail(ExitFailed, "%v", err)
	}
	if err := st.Audit(ctx, "operator", "export.batch", fmt.Sprintf("photos=%d school=%q status=%q since=%q", n, f.School, f.Status, *since)); err != nil {
		return fail(ExitFailed, "%v", err)
	}
	fmt.Fprintf(stdout, "exported %d photos to %s\n", n, pos[0])
	return ExitOK
}

// exportFilter reads the export's flags.
func exportFilter(school, status, since string) (store.ExportFilter, error) {
	f := store.ExportFilter{School: school, Status: app.Status(status)}
	if status != "" && !f.Status.Valid() {
		return f, fmt.Errorf("unknown status %q", status)
	}
	if since != "" {
		t, err := time.ParseInLocation("2006-01-02", since, chinaTime)
		if err != nil {
			return f, fmt.Errorf("--since %q: want YYYY-MM-DD", since)
		}
		f.Since = t
	}
	return f, nil
}

// chinaTime is China Standard Time: days are the graduates' days.
var chinaTime = time.FixedZone("CST", 8*3600)
