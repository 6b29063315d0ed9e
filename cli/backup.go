package cli

import (
	"bufio"
	"context"
	"flag"
	"fmt"
	"io"
	"strings"
	"time"

	"gradphoto/api/bundle"
	"gradphoto/internal/atomicfile"
	"gradphoto/remote"
)

const backupUsage = "usage: gradphoto backup [--db PATH] OUT   (reads the passphrase, 8 characters or more, from standard input)"

// runBackup runs "gradphoto backup": every confirmed submission of this
// kiosk in one sealed file, for the server to import on a day with no
// network (gradphoto-server import). The passphrase comes from standard
// input, never from the command line (it would show in ps).
func runBackup(args []string, stdin io.Reader, stdout, stderr io.Writer) int {
	fs := flag.NewFlagSet("backup", flag.ContinueOnError)
	db := fs.String("db", "", "database file")
	pos, code, ok := flagsOf(fs, backupUsage, args, stdout, stderr)
	if !ok {
		return code
	}
	fail := func(code int, format string, a ...any) int {
		fmt.Fprintf(stderr, "backup: "+format+"\n", a...)
		return code
	}
	if len(pos) != 1 {
		return fail(ExitUnreadable, "one OUT expected (%s)", backupUsage)
	}
	line, _ := bufio.NewReader(stdin).ReadString('\n')
	pass := strings.TrimRight(line, "\r\n")
	if len(pass) < bundle.MinPassphrase {
		return fail(ExitUnreadable, "a passphrase of at least %d characters is needed on standard input", bundle.MinPassphrase)
	}
	ctx := context.Background()
	st, err := openDB(ctx, *db)
	if err != nil {
		return fail(ExitFailed, "%v", err)
	}
	defer st.Close()
	var n int
	err = atomicfile.Write(pos[0], 0o600, func(w io.Writer) (err error) {
		n, err = remote.Backup(ctx, st, w, pass, time.Now())
		return err
	})
	if err != nil {
		return fail(ExitFailed, "%v", err)
	}
	if err := st.Audit(ctx, "operator", "backup.written", fmt.Sprintf("attempts=%d", n)); err != nil {
		return fail(ExitFailed, "%v", err)
	}
	fmt.Fprintf(stdout, "backed up %d submissions to %s\n", n, pos[0])
	return ExitOK
}
