// Command gradphoto-server is GradPhoto's reference server: the API kiosks
// sync with, the reviewers' web pages and the graduates' status page. See
// "gradphoto-server help".
package main

import (
	"os"

	"gradphoto/server"
)

func main() {
	os.Exit(server.Main(os.Args[1:], os.Stdout, os.Stderr))
}
