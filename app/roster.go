package app

import "context"

// RosterEntry is one graduate on the school's roster: who may be photographed.
type RosterEntry struct {
	Doc       DocType
	Number    string // normalised ID number
	Name      string
	StudentNo string
	School    string
	College   string
	Major     string
	Degree    string
	GradYear  int
	Prepaid   bool // the school pays: no payment at the kiosk
}

// RosterFinder finds a graduate on the local roster by ID number.
// It returns ErrNotFound when the number is not on it.
type RosterFinder interface {
	FindRoster(ctx context.Context, number string) (RosterEntry, error)
}

// Matches reports whether the entry belongs to the identity the graduate gave:
// same document type and, when a name was given, the same name (a roster
// typo in one of them is not a match; the graduate is told to see the
// assistant). Without a name the graduate confirms the roster's, masked.
func (e RosterEntry) Matches(id Identity) bool {
	if e.Doc != id.Doc || e.Number != id.Number {
		return false
	}
	return id.Name == "" || NormalizeName(e.Name) == id.Name
}
