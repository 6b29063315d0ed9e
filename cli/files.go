package cli

import (
	"flag"
	"fmt"
	"io"
	"os"

	"gocv.io/x/gocv"

	"gradphoto/imaging"
	"gradphoto/internal/atomicfile"
)

// command is one subcommand: it parses its own flags and returns the exit code.
type command func(args []string, stdout, stderr io.Writer) int

// dispatch runs "gradphoto GROUP NAME …": the named command, help, or a
// usage error.
func dispatch(group, usage string, cmds map[string]command, args []string, stdout, stderr io.Writer) int {
	if len(args) == 0 {
		fmt.Fprintln(stderr, usage)
		return ExitUnreadable
	}
	if run, ok := cmds[args[0]]; ok {
		return run(args[1:], stdout, stderr)
	}
	switch args[0] {
	case "help", "-h", "--help":
		fmt.Fprintln(stdout, usage)
		return ExitOK
	}
	fmt.Fprintf(stderr, "%s: unknown command %q\n%s\n", group, args[0], usage)
	return ExitUnreadable
}

// parseInterspersed lets flags come before or after the file arguments.
func parseInterspersed(fs *flag.FlagSet, args []string) ([]string, error) {
	var files []string
	for {
		if err := fs.Parse(args); err != nil {
			return nil, err
		}
		if fs.NArg() == 0 {
			return files, nil
		}
		files = append(files, fs.Arg(0))
		args = fs.Args()[1:]
	}
}

// readImage reads a JPEG/PNG file into a BGR Mat (a cut-off file is
// refused); the caller closes it.
func readImage(path string) (gocv.Mat, error) {
	data, err := os.ReadFile(path)
	if err != nil {
		return gocv.Mat{}, err
	}
	img, err := imaging.Decode(data)
	if err != nil {
		return gocv.Mat{}, fmt.Errorf("%s: %w", path, err)
	}
	return img, nil
}

// writeFileAtomic writes data to path through a temporary file in the same
// directory, so that path is never left half written.
func writeFileAtomic(path string, data []byte) error {
	return atomicfile.Write(path, 0o644, func(w io.Writer) error {
		_, err := w.Write(data)
		return err
	})
}
