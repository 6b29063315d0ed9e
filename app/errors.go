package app

import "errors"

// Sentinel errors of the domain. Callers test them with errors.Is.
var (
	// ErrNotFound: no roster entry, session or status for the key asked.
	ErrNotFound = errors.New("not found")
	// ErrIllegalTransition: the session cannot take that event in its current step.
	ErrIllegalTransition = errors.New("illegal transition")
	// ErrLocked: the submission is approved or published; nothing can be changed.
	ErrLocked = errors.New("submission locked")
	// ErrNotEligible: capture was asked for before eligibility was confirmed.
	ErrNotEligible = errors.New("not eligible")
	// ErrNotPaid: capture was asked for before payment or a recorded exemption.
	ErrNotPaid = errors.New("not paid")
	// ErrConsentRequired: the privacy notice was not accepted.
	ErrConsentRequired = errors.New("consent required")
	// ErrIdentityIncomplete: number, name or ID-card photos are missing.
	ErrIdentityIncomplete = errors.New("identity incomplete")
	// ErrNotVerified: the status look-up's second question was not answered
	// (or answered wrong): only the status itself may be shown.
	ErrNotVerified = errors.New("not verified")
	// ErrTooManyTries: the second question was answered wrong too often.
	ErrTooManyTries = errors.New("too many tries")
	// ErrStorageFull: the kiosk's disk (or its database's size limit) is
	// full; nothing of the write was kept, and it works again once there is
	// room.
	ErrStorageFull = errors.New("storage full")
)
