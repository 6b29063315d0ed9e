package app

import "errors"

// Shot is one capture: the still as the camera took it and the
// standardised photo made from it, each with its check report (JSON).
type Shot struct {
	Raw, RawReport           []byte // JPEG of the still; its live-check report
	Standard, StandardReport []byte // the standardised JPEG; its photo-check report
	Passed                   bool   // the standardised photo passes every check
}

// ErrStandardFails: a standardised photo that fails a check cannot be accepted.
var ErrStandardFails = errors.New("the standardised photo fails a check")

// Default service and the reason recorded while the kiosk has no payment step.
const (
	ServiceDegreePhoto = "degree_photo"
	PaymentNotOnKiosk  = "payment-pending: this kiosk has no payment step yet"
)
