package app

import "time"

// ConsentVersion is the version of the privacy notice shown now. Change it
// whenever the notice's text changes: acceptances are stored with it.
const ConsentVersion = "2026-11-v4"

// Consent is a graduate's acceptance of one version of the privacy notice.
type Consent struct {
	Version    string
	AcceptedAt time.Time // UTC
}
