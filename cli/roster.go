package cli

import (
	"context"
	"errors"
	"flag"
	"fmt"
	"io"
	"strings"
	"time"
	"unicode"

	"gradphoto/app"
	"gradphoto/roster"
	"gradphoto/store"
)

const rosterUsage = "usage: gradphoto roster import [--db PATH] FILE"

// runRoster runs "gradphoto roster …".
func runRoster(args []string, stdout, stderr io.Writer) int {
	return dispatch("roster", rosterUsage, map[string]command{"import": rosterImport}, args, stdout, stderr)
}

// rosterImport runs "gradphoto roster import [--db PATH] FILE": it parses
// the file, stores the good rows (new numbers inserted, known ones
// updated) and prints one line per rejected row, then "imported N,
// rejected M". ID numbers are printed masked.
//
// Exit: 0 when anything was imported; 1 when the file was read but nothing
// was imported (every row bad, no data rows, or the store failed); 2 when
// the file is unreadable, empty or lacks a required column, or on bad usage.
func rosterImport(args []string, stdout, stderr io.Writer) int {
	fail := func(code int, format string, a ...any) int {
		fmt.Fprintf(stderr, "roster import: "+format+"\n", a...)
		return code
	}
	var dbPath string
	fs := flag.NewFlagSet("roster import", flag.ContinueOnError)
	fs.SetOutput(io.Discard)
	fs.StringVar(&dbPath, "db", "", "database file (default: the user's data dir)")
	files, err := parseInterspersed(fs, args)
	if errors.Is(err, flag.ErrHelp) {
		fmt.Fprintln(stdout, rosterUsage)
		return ExitOK
	}
	if err != nil {
		return fail(ExitUnreadable, "%v", err)
	}
	switch {
	case len(files) == 0:
		return fail(ExitUnreadable, "missing FILE (%s)", rosterUsage)
	case len(files) > 1:
		return fail(ExitUnreadable, "one FILE expected, got %d (%s)", len(files), rosterUsage)
	}
	file := files[0]

	res, err := roster.ParseFile(file, time.Now())
	if err != nil {
		return fail(ExitUnreadable, "%v", err)
	}

	if dbPath == "" {
		if dbPath, err = store.DefaultPath(); err != nil {
			return fail(ExitFailed, "%v", err)
		}
	}
	ctx := context.Background()
	st, err := store.Open(ctx, dbPath, store.Options{})
	if err != nil {
		return fail(ExitFailed, "%v", err)
	}
	closed := false
	defer func() {
		if !closed {
			st.Close()
		}
	}()
	imported := 0
	if len(res.Entries) > 0 {
		stats, err := st.ImportRoster(ctx, res.Entries)
		if err != nil {
			return fail(ExitFailed, "%v (nothing imported)", err)
		}
		imported = stats.Inserted + stats.Updated
	}

	for _, p := range res.Problems {
		if p.Number != "" {
			fmt.Fprintf(stdout, "row %d: %s (%s)\n", p.Row, p.Reason, printable(app.MaskID(p.Number)))
		} else {
			fmt.Fprintf(stdout, "row %d: %s\n", p.Row, p.Reason)
		}
	}
	summary := fmt.Sprintf("imported %d, rejected %d", imported, len(res.Problems))
	fmt.Fprintln(stdout, summary)

	if err := st.Audit(ctx, "operator", "roster.import", summary+" from "+file); err != nil {
		return fail(ExitFailed, "%v", err)
	}
	closed = true
	if err := st.Close(); err != nil {
		return fail(ExitFailed, "%v", err)
	}
	if imported == 0 {
		return ExitFailed
	}
	return ExitOK
}

// printable replaces control and other unprintable characters, so that a
// roster file cannot send escape sequences to the operator's terminal.
func printable(s string) string {
	return strings.Map(func(r rune) rune {
		if unicode.IsPrint(r) {
			return r
		}
		return '?'
	}, s)
}
