// Package localeenv makes the "C" locale's variants plain "C" before any
// other package of the kiosk starts. Fyne's lang package reads the locale
// when it is initialised and logs "Error parsing user locale C" for
// LANG=C.UTF-8 (or POSIX.UTF-8, or such an entry in LANGUAGE), which a
// command-line tool must not print. "C.UTF-8" and "C" both mean "no
// translation": nothing else changes.
//
// It is a module of its own only for its import path: Go initialises
// packages in import-path order where the dependencies allow, and
// "cn.edu.gradphoto/…" sorts before "fyne.io/…", so this runs first. Import
// it from main with a blank import.
package localeenv

import (
	"os"
	"strings"
)

func init() {
	for _, v := range []string{"LC_ALL", "LC_MESSAGES", "LANG"} {
		if s := os.Getenv(v); s != "" {
			if isC(s) {
				os.Setenv(v, "C")
			}
			break // the first one set is the one that counts
		}
	}
	if s, ok := os.LookupEnv("LANGUAGE"); ok {
		var keep []string
		for _, l := range strings.Split(s, ":") {
			if l != "" && !isC(l) {
				keep = append(keep, l)
			}
		}
		if len(keep) == 0 {
			os.Unsetenv("LANGUAGE")
		} else {
			os.Setenv("LANGUAGE", strings.Join(keep, ":"))
		}
	}
}

// isC reports whether a locale name is the C or POSIX locale in any
// charset ("C", "C.UTF-8", "POSIX.utf8").
func isC(s string) bool {
	lang, _, _ := strings.Cut(s, ".")
	return lang == "C" || lang == "POSIX"
}
