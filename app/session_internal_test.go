package app

import (
	"errors"
	"reflect"
	"testing"
	"time"
)

// The public events cannot reach Capture or Confirm without eligibility and
// payment, so the guards of Capture and Confirm (defence in depth, e.g. for
// a session restored from storage) are tested on hand-made sessions.
func TestCaptureAndConfirmGuards(t *testing.T) {
	rejected := &StatusRecord{Status: StatusRejected}
	approved := &StatusRecord{Status: StatusApproved}
	published := &StatusRecord{Status: StatusPublished}
	cases := []struct {
		name        string
		eligibility Eligibility
		payment     Payment
		prior       *StatusRecord
		want        error
	}{
		{"eligibility unknown", EligibilityUnknown, PaymentPaid, nil, ErrNotEligible},
		{"not found", EligibilityNotFound, PaymentPaid, nil, ErrNotEligible},
		{"mismatch", EligibilityMismatch, PaymentPaid, nil, ErrNotEligible},
		{"in review", EligibilityInReview, PaymentPaid, nil, ErrNotEligible},
		{"no payment", EligibilityOK, PaymentNone, nil, ErrNotPaid},
		{"payment pending", EligibilityOK, PaymentPending, nil, ErrNotPaid},
		{"approved prior", EligibilityOK, PaymentRetake, approved, ErrLocked},
		{"published prior", EligibilityOK, PaymentPaid, published, ErrLocked},
		{"paid", EligibilityOK, PaymentPaid, nil, nil},
		{"school", EligibilityOK, PaymentSchool, nil, nil},
		{"voucher", EligibilityOK, PaymentVoucher, nil, nil},
		{"cash", EligibilityOK, PaymentCash, nil, nil},
		{"deferred", EligibilityOK, PaymentDeferred, nil, nil},
		{"retake", EligibilityOK, PaymentRetake, rejected, nil},
	}
	now := func() time.Time { return time.Date(2026, 11, 26, 1, 0, 0, 0, time.UTC) }
	newID := func() string { return "s-1" }
	for _, c := range cases {
		t.Run(c.name, func(t *testing.T) {
			for _, step := range []Step{StepCapture, StepConfirm} {
				m := NewMachine(Policy{}, now, newID)
				m.s = Session{ID: "s-1", Step: step, Eligibility: c.eligibility, Payment: c.payment,
					Prior: c.prior, PhotoID: "photo-1", StandardID: "std-1"}
				before := m.Session()
				var err error
				if step == StepCapture {
					err = m.Capture("photo-2", "std-2", true)
				} else {
					err = m.Confirm("sub-1")
				}
				if c.want == nil {
					if err != nil {
						t.Fatalf("at %s: %v", step, err)
					}
					continue
				}
				if !errors.Is(err, c.want) {
					t.Fatalf("at %s: err = %v, want %v", step, err, c.want)
				}
				if !reflect.DeepEqual(before, m.Session()) {
					t.Errorf("at %s: refused event changed the session", step)
				}
			}
		})
	}
}
