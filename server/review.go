package server

import (
	"encoding/json"
	"errors"
	"fmt"
	"net/http"
	"net/url"
	"slices"
	"strconv"
	"strings"

	"gradphoto/api"
	"gradphoto/server/storage"
)

// queuePageSize is the rows of one queue page.
const queuePageSize = 50

// queueStatuses are the statuses a reviewer filters by (in_review first).
var queueStatuses = []string{api.StatusInReview, api.StatusRejected, api.StatusApproved, api.StatusPublished}

// sees reports whether a reviewer may see a school's submissions.
func sees(rv storage.Reviewer, school string) bool {
	return slices.Contains(rv.Schools, "*") || slices.Contains(rv.Schools, school)
}

// queueRow is one line of the queue.
type queueRow struct {
	Href, Code, Name, School, Major, Status, Updated string
}

// handleQueue lists the submissions of the reviewer's schools, filtered by
// school and status.
func (s *Server) handleQueue(w http.ResponseWriter, r *http.Request) {
	rv := reviewerOf(r)
	lang := pageLang(w, r)
	q := r.URL.Query()
	status := q.Get("status")
	if !slices.Contains(queueStatuses, status) {
		status = api.StatusInReview
	}
	school := q.Get("school")
	offset, _ := strconv.Atoi(q.Get("offset"))
	offset = max(0, offset)
	items, total, err := s.store.Queue(r.Context(), storage.QueueFilter{Schools: rv.Schools, School: school,
		Status: status, Limit: queuePageSize, Offset: offset})
	if err != nil {
		s.log.Error("queue", "err", err)
		s.pageError(w, r, http.StatusInternalServerError, "error.internal")
		return
	}
	schools, err := s.visibleSchools(r, rv)
	if err != nil {
		s.pageError(w, r, http.StatusInternalServerError, "error.internal")
		return
	}
	p := s.newPage(r, lang, "queue.title")
	p.Reviewer, p.CSRF = rv.Name, rv.CSRF
	data := struct {
		page
		Schools, Statuses  []string
		School, Status     string
		Total              int
		Items              []queueRow
		PrevPage, NextPage string
	}{page: p, Schools: schools, Statuses: queueStatuses, School: school, Status: status, Total: total}
	for _, it := range items {
		data.Items = append(data.Items, queueRow{Href: "/review/s/" + it.ID, Code: shortCode(it), Name: maskName(it.Name),
			School: it.School, Major: strings.TrimSpace(it.Major + " " + it.Degree), Status: it.Status,
			Updated: it.UpdatedAt.Local().Format("2006-01-02 15:04")})
	}
	pageURL := func(off int) string {
		v := url.Values{"status": {status}, "offset": {strconv.Itoa(off)}}
		if school != "" {
			v.Set("school", school)
		}
		return "/review/?" + v.Encode()
	}
	if offset > 0 {
		data.PrevPage = pageURL(max(0, offset-queuePageSize))
	}
	if offset+queuePageSize < total {
		data.NextPage = pageURL(offset + queuePageSize)
	}
	s.render(w, r, http.StatusOK, lang, "queue.html", data)
}

// visibleSchools lists the schools in the reviewer's filter.
func (s *Server) visibleSchools(r *http.Request, rv reviewerCtx) ([]string, error) {
	if !slices.Contains(rv.Schools, "*") {
		return rv.Schools, nil
	}
	return s.store.Schools(r.Context())
}

// reviewFor loads a submission the reviewer may see; otherwise it answers
// (404, so a reviewer cannot probe other schools) and returns false.
func (s *Server) reviewFor(w http.ResponseWriter, r *http.Request) (storage.Submission, bool) {
	sub, err := s.store.Submission(r.Context(), r.PathValue("id"))
	if err == nil && !sees(reviewerOf(r).Reviewer, sub.School) {
		err = storage.ErrNotFound
	}
	switch {
	case errors.Is(err, storage.ErrNotFound):
		s.pageError(w, r, http.StatusNotFound, "error.not_found")
		return sub, false
	case err != nil:
		s.log.Error("review", "err", err)
		s.pageError(w, r, http.StatusInternalServerError, "error.internal")
		return sub, false
	}
	return sub, true
}

// checkRow is one check of the standardised photo's report.
type checkRow struct {
	ID, Value, Limit string
	Pass             bool
}

// rejectReasons are the preset reasons (the live checks' hints, in the
// reviewer's words), "other" last.
var rejectReasons = []string{"background", "head_position", "light", "sharp", "eyes", "straight",
	"glasses", "clothing", "expression", "other"}

func (s *Server) handleReview(w http.ResponseWriter, r *http.Request) {
	sub, ok := s.reviewFor(w, r)
	if !ok {
		return
	}
	rv := reviewerOf(r)
	lang := pageLang(w, r)
	p := s.newPage(r, lang, "review.title")
	p.Reviewer, p.CSRF = rv.Name, rv.CSRF
	photo := func(kind string) string {
		return fmt.Sprintf("/review/s/%s/photo/%s?v=%d", sub.ID, kind, sub.Version)
	}
	type reason struct{ Key, Text string }
	data := struct {
		page
		ID, Code, Status, Reason               string
		Version                                int
		VersionN                               int
		Name, DocType, Number, School, College string
		Major, Degree, GradYear, Payment       string
		CardCheck                              string
		HasStandard, HasRaw                    bool
		StandardURL, RawURL, NextURL           string
		Checks                                 []checkRow
		Reasons                                []reason
	}{page: p, ID: sub.ID, Code: shortCode(sub), Status: sub.Status, Reason: sub.Reason, Version: sub.Version,
		VersionN: sub.Version, Name: maskName(sub.Name), DocType: s.pages.message(lang, "doc."+sub.DocType),
		Number: maskNumber(sub.Number), School: sub.School, College: sub.College, Major: sub.Major, Degree: sub.Degree,
		Payment:     s.pages.message(lang, "payment."+sub.Payment),
		CardCheck:   s.cardCheck(lang, sub.CardCheck),
		StandardURL: photo(api.KindStandard), RawURL: photo(api.KindRaw)}
	if sub.GradYear > 0 {
		data.GradYear = strconv.Itoa(sub.GradYear)
	}
	_, data.HasStandard = sub.Photos[api.KindStandard]
	_, data.HasRaw = sub.Photos[api.KindRaw]
	data.Checks = s.checks(r, sub, lang)
	for _, k := range rejectReasons {
		data.Reasons = append(data.Reasons, reason{k, s.pages.message(lang, "reason."+k)})
	}
	if next, err := s.nextInQueue(r, sub.ID); err == nil && next != "" {
		data.NextURL = "/review/s/" + next
	}
	s.render(w, r, http.StatusOK, lang, "review.html", data)
}

// checks reads the standardised photo's report from the version's metadata.
func (s *Server) checks(r *http.Request, sub storage.Submission, lang string) []checkRow {
	meta, err := s.store.VersionMeta(r.Context(), sub.ID, sub.Version)
	if err != nil {
		return nil
	}
	var m api.Submission
	if json.Unmarshal(meta, &m) != nil {
		return nil
	}
	var rep struct {
		Checks []struct {
			ID    string   `json:"id"`
			Pass  bool     `json:"pass"`
			Value float64  `json:"value"`
			Min   *float64 `json:"min"`
			Max   *float64 `json:"max"`
			Unit  string   `json:"unit"`
		} `json:"checks"`
	}
	if json.Unmarshal(m.Reports[api.KindStandard], &rep) != nil {
		return nil
	}
	var out []checkRow
	for _, c := range rep.Checks {
		row := checkRow{ID: s.pages.message(lang, "check."+c.ID), Pass: c.Pass, Value: strings.TrimSpace(strconv.FormatFloat(c.Value, 'f', -1, 64) + " " + c.Unit)}
		switch {
		case c.Min != nil && c.Max != nil:
			row.Limit = fmt.Sprintf("%g–%g", *c.Min, *c.Max)
		case c.Min != nil:
			row.Limit = fmt.Sprintf("≥ %g", *c.Min)
		case c.Max != nil:
			row.Limit = fmt.Sprintf("≤ %g", *c.Max)
		}
		out = append(out, row)
	}
	return out
}

// nextInQueue is the oldest submission in review the reviewer may see,
// other than this one ("" when there is none).
func (s *Server) nextInQueue(r *http.Request, not string) (string, error) {
	items, _, err := s.store.Queue(r.Context(), storage.QueueFilter{Schools: reviewerOf(r).Schools,
		Status: api.StatusInReview, Limit: 2})
	if err != nil {
		return "", err
	}
	for _, it := range items {
		if it.ID != not {
			return it.ID, nil
		}
	}
	return "", nil
}

// handleReviewPhoto serves a photo of a version to a reviewer who may see it.
func (s *Server) handleReviewPhoto(w http.ResponseWriter, r *http.Request) {
	sub, ok := s.reviewFor(w, r)
	if !ok {
		return
	}
	v, err := strconv.Atoi(r.URL.Query().Get("v"))
	if err != nil {
		v = sub.Version
	}
	kind := r.PathValue("kind")
	if kind != api.KindStandard && kind != api.KindRaw {
		s.pageError(w, r, http.StatusNotFound, "error.not_found")
		return
	}
	data, err := s.store.PhotoData(r.Context(), sub.ID, v, kind)
	if err != nil {
		s.pageError(w, r, http.StatusNotFound, "error.not_found")
		return
	}
	w.Header().Set("Content-Type", "image/jpeg")
	w.Header().Set("Cache-Control", "private, max-age=3600")
	w.Write(data)
}

// handleDecide approves, rejects (with a reason) or publishes, then shows
// the next submission in review.
func (s *Server) handleDecide(w http.ResponseWriter, r *http.Request) {
	action := r.PathValue("action")
	if action != "approve" && action != "reject" && action != "publish" {
		s.pageError(w, r, http.StatusNotFound, "error.not_found")
		return
	}
	sub, ok := s.reviewFor(w, r)
	if !ok {
		return
	}
	version, err := strconv.Atoi(r.PostFormValue("version"))
	if err != nil {
		s.pageError(w, r, http.StatusBadRequest, "error.forbidden")
		return
	}
	reason := ""
	if action == "reject" {
		if reason, ok = s.rejectReason(r); !ok {
			s.pageError(w, r, http.StatusBadRequest, "error.forbidden")
			return
		}
	}
	_, err = s.store.Decide(r.Context(), sub.ID, version, action, reason, reviewerOf(r).Name)
	switch {
	case errors.Is(err, storage.ErrConflict):
		s.pageError(w, r, http.StatusConflict, "error.conflict")
		return
	case err != nil:
		s.log.Error("decide", "err", err)
		s.pageError(w, r, http.StatusInternalServerError, "error.internal")
		return
	}
	next, err := s.nextInQueue(r, sub.ID)
	if err != nil || next == "" || action == "publish" {
		http.Redirect(w, r, "/review/?status="+url.QueryEscape(r.URL.Query().Get("from")), http.StatusSeeOther)
		return
	}
	http.Redirect(w, r, "/review/s/"+next, http.StatusSeeOther)
}

// rejectReason is the reason stored with a rejection: the preset in both
// languages (the graduate may read either) and the reviewer's own words.
func (s *Server) rejectReason(r *http.Request) (string, bool) {
	key := r.PostFormValue("reason")
	text := strings.TrimSpace(r.PostFormValue("text"))
	if !slices.Contains(rejectReasons, key) || len(text) > 200 || key == "other" && text == "" {
		return "", false
	}
	reason := s.pages.message(langZH, "reason."+key) + " / " + s.pages.message(langEN, "reason."+key)
	if key == "other" {
		reason = ""
	}
	if text != "" {
		reason = strings.TrimPrefix(reason+"; "+text, "; ")
	}
	return reason, true
}

// statusUnpaid is how the status page names a submission that waits for
// its payment (stored as received).
const statusUnpaid = "unpaid"

// handleStatusPage is the graduate's page behind the receipt's QR code:
// masked name, school, status, the reason of a rejection and what to do
// next. The token in the address is the only key.
func (s *Server) handleStatusPage(w http.ResponseWriter, r *http.Request) {
	lang := pageLang(w, r)
	p := s.newPage(r, lang, "phone.title")
	data := struct {
		page
		Found                        bool
		Name, School, Status, Reason string
		Pay                          string // the payment link of a submission that waits for it
	}{page: p}
	sub, err := s.store.SubmissionByToken(r.Context(), storage.Hash(r.PathValue("token")))
	status := http.StatusOK
	switch {
	case errors.Is(err, storage.ErrNotFound):
		status = http.StatusNotFound
	case err != nil:
		s.log.Error("status page", "err", err)
		s.render(w, r, http.StatusInternalServerError, lang, "status.html", data)
		return
	default:
		data.Found, data.Name, data.School, data.Status, data.Reason = true, maskName(sub.Name), sub.School, sub.Status, sub.Reason
		if awaitsPayment(sub) {
			data.Status, data.Pay = statusUnpaid, r.URL.Path+"/pay"
		}
		w.Header().Set("Cache-Control", "no-store")
	}
	s.render(w, r, status, lang, "status.html", data)
}

// shortCode is the receipt's code, or the end of the id when there is none.
func shortCode(s storage.Submission) string {
	if s.Code != "" {
		return s.Code
	}
	return s.ID[len(s.ID)-8:]
}

// cardCheck writes how the ID card read at the kiosk compared
// (api.Submission.CardCheck) in words: "号码一致 · 姓名不一致".
func (s *Server) cardCheck(lang, v string) string {
	if v == "" {
		return s.pages.message(lang, "card_check.none")
	}
	var out []string
	for _, part := range strings.Fields(v) {
		field, agreement, ok := strings.Cut(part, ":")
		if !ok || (field != "number" && field != "name") ||
			(agreement != "match" && agreement != "differs" && agreement != "unread") {
			continue
		}
		out = append(out, s.pages.message(lang, "card_check."+field+"_"+agreement))
	}
	return strings.Join(out, " · ")
}
