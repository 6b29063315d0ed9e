package cli

import (
	"bufio"
	"context"
	"flag"
	"fmt"
	"io"
	"strings"

	"gradphoto/internal/argonhash"
)

const pinUsage = "usage: gradphoto pin set [--db PATH]   (reads the new operator PIN, 6 to 12 digits, from standard input)"

// runPin sets the operator PIN the kiosk asks for before an assistant's
// action ("paid in cash"). Only its argon2id hash is kept.
func runPin(args []string, stdin io.Reader, stdout, stderr io.Writer) int {
	if len(args) == 0 || args[0] != "set" {
		fmt.Fprintln(stderr, pinUsage)
		return ExitUnreadable
	}
	fs := flag.NewFlagSet("pin set", flag.ContinueOnError)
	db := fs.String("db", "", "database file")
	pos, code, ok := flagsOf(fs, pinUsage, args[1:], stdout, stderr)
	if !ok {
		return code
	}
	if len(pos) > 0 {
		fmt.Fprintln(stderr, pinUsage)
		return ExitUnreadable
	}
	line, _ := bufio.NewReader(stdin).ReadString('\n')
	pin := strings.TrimSpace(line)
	if !validPIN(pin) {
		fmt.Fprintln(stderr, "pin set: the PIN is 6 to 12 digits")
		return ExitUnreadable
	}
	ctx := context.Background()
	st, err := openDB(ctx, *db)
	if err != nil {
		fmt.Fprintf(stderr, "pin set: %v\n", err)
		return ExitFailed
	}
	defer st.Close()
	if err := st.SetOperatorPIN(ctx, argonhash.Hash(pin)); err != nil {
		fmt.Fprintf(stderr, "pin set: %v\n", err)
		return ExitFailed
	}
	if err := st.Audit(ctx, "operator", "operator.pin_set", ""); err != nil {
		fmt.Fprintf(stderr, "pin set: %v\n", err)
		return ExitFailed
	}
	fmt.Fprintln(stdout, "operator PIN set")
	return ExitOK
}

// validPIN: 6 to 12 digits.
func validPIN(pin string) bool {
	if len(pin) < 6 || len(pin) > 12 {
		return false
	}
	return !strings.ContainsFunc(pin, func(c rune) bool { return c < '0' || c > '9' })
}
