// Package piilog proves, in tests, that nothing personal reaches the
// logs: it keeps what the standard logger writes while a test binary runs
// and fails the run when that holds an ID number (17 digits and a valid
// check character) or one of the names it was given.
package piilog

import (
	"bytes"
	"fmt"
	"io"
	"log"
	"os"
	"regexp"
	"strings"
	"sync"

	"gradphoto/app"
)

// numberLike finds 18-character runs that look like resident ID numbers.
var numberLike = regexp.MustCompile(`\d{17}[\dXx]`)

// buffer is a log writer safe for the tests' goroutines.
type buffer struct {
	mu sync.Mutex
	b  bytes.Buffer
}

func (b *buffer) Write(p []byte) (int, error) {
	b.mu.Lock()
	defer b.mu.Unlock()
	return b.b.Write(p)
}

// Run runs the tests (run returns their exit code) with the standard
// logger kept, then checks it: a leak prints the lines and fails the run.
func Run(run func() int, names ...string) int {
	var buf buffer
	log.SetOutput(io.MultiWriter(os.Stderr, &buf))
	code := run()
	log.SetOutput(os.Stderr)
	if leaks := Find(buf.b.String(), names...); len(leaks) > 0 {
		fmt.Fprintf(os.Stderr, "piilog: personal data in the log:\n%s\n", strings.Join(leaks, "\n"))
		return 1
	}
	return code
}

// Find returns the lines of text that hold an ID number or a name.
func Find(text string, names ...string) []string {
	var out []string
	for _, line := range strings.Split(text, "\n") {
		if leaks(line, names) {
			out = append(out, line)
		}
	}
	return out
}

func leaks(line string, names []string) bool {
	for _, m := range numberLike.FindAllString(line, -1) {
		if app.CheckChar(m[:17]) == strings.ToUpper(m[17:])[0] {
			return true
		}
	}
	for _, n := range names {
		if strings.Contains(line, n) {
			return true
		}
	}
	return false
}
