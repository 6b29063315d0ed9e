// Command gradphoto-server is GradPhoto's reference server: the API kiosks
// sync with, the reviewers' web pages and the graduates' status page; and
// its load test, which plays kiosks against it. See "gradphoto-server help".
package main

import (
	"os"

	"gradphoto/loadtest"
	"gradphoto/server"
)

func main() {
	if len(os.Args) > 1 && os.Args[1] == "loadtest" {
		os.Exit(loadtest.Main(os.Args[2:], os.Stdout, os.Stderr))
	}
	os.Exit(server.Main(os.Args[1:], os.Stdout, os.Stderr))
}
