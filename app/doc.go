// Package app is GradPhoto's domain: the graduate's session state machine,
// identity documents and their validators, roster entries, submission
// statuses and the services the UI drives. It imports neither Fyne nor SQL:
// storage and the server are reached through the small interfaces declared
// here, so every service is tested with real parts in memory.
package app
