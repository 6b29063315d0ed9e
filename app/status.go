package app

import (
	"context"
	"time"
)

// Status is where a submission stands in review, as the status look-up
// shows it.
type Status string

// Submission statuses, in the order a submission passes them.
const (
	StatusQueued    Status = "queued"    // 待同步: kept on the kiosk, not yet at the server
	StatusUnpaid    Status = "unpaid"    // 待支付: at the server, waiting for its pay-later payment
	StatusInReview  Status = "in_review" // 审核中
	StatusRejected  Status = "rejected"  // 未通过, with a reason: free retake
	StatusApproved  Status = "approved"  // 已通过: locked
	StatusPublished Status = "published" // 上网中: locked
)

// Locked reports whether nothing about the submission can change any more.
func (s Status) Locked() bool { return s == StatusApproved || s == StatusPublished }

// Valid reports whether s is one of the known statuses.
func (s Status) Valid() bool {
	switch s {
	case StatusQueued, StatusUnpaid, StatusInReview, StatusRejected, StatusApproved, StatusPublished:
		return true
	}
	return false
}

// StatusRecord is the latest known status of a graduate's submission.
type StatusRecord struct {
	SubmissionID string
	Number       string // ID number of the graduate (normalised)
	Status       Status
	Reason       string // why it was rejected
	UpdatedAt    time.Time
	Code         string // the receipt code ("" when not known here)
}

// StatusFinder returns the latest status for an ID number, or ErrNotFound.
type StatusFinder interface {
	FindStatus(ctx context.Context, number string) (StatusRecord, error)
}
