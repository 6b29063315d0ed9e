package server

import (
	"context"
	"crypto/subtle"
	"errors"
	"net/http"
	"time"

	"gradphoto/server/storage"
)

// Reviewer log-in: a session cookie (its token kept only as a hash, in the
// database so any instance serves it) and a CSRF token in every form.
const (
	sessionCookie = "gp_session"
	loginCookie   = "gp_login" // the log-in form's CSRF token (double submit)
	sessionTTL    = 12 * time.Hour
	loginFailWait = time.Second // each failed log-in waits this long
)

type reviewerKey struct{}

// reviewerCtx is the logged-in reviewer and their session.
type reviewerCtx struct {
	storage.Reviewer
	CSRF string
}

func reviewerOf(r *http.Request) reviewerCtx { return r.Context().Value(reviewerKey{}).(reviewerCtx) }

// reviewer wraps a reviewer page: without a session it sends the browser
// to the log-in page; a POST without the session's CSRF token is refused.
func (s *Server) reviewer(next http.HandlerFunc) http.HandlerFunc {
	return func(w http.ResponseWriter, r *http.Request) {
		c, err := r.Cookie(sessionCookie)
		var ws storage.WebSession
		if err == nil {
			ws, err = s.store.WebSession(r.Context(), storage.Hash(c.Value))
		}
		if err == nil {
			var rv storage.Reviewer
			if rv, err = s.store.ReviewerByID(r.Context(), ws.ReviewerID); err == nil {
				if r.Method == http.MethodPost && !sameToken(r.PostFormValue("csrf"), ws.CSRF) {
					s.pageError(w, r, http.StatusForbidden, "error.forbidden")
					return
				}
				next(w, r.WithContext(context.WithValue(r.Context(), reviewerKey{}, reviewerCtx{rv, ws.CSRF})))
				return
			}
		}
		if err != nil && !errors.Is(err, http.ErrNoCookie) && !errors.Is(err, storage.ErrNotFound) {
			s.log.Error("reviewer session", "err", err)
		}
		http.Redirect(w, r, "/review/login", http.StatusSeeOther)
	}
}

func sameToken(a, b string) bool {
	return a != "" && subtle.ConstantTimeCompare([]byte(a), []byte(b)) == 1
}

func (s *Server) handleLoginPage(w http.ResponseWriter, r *http.Request) {
	s.showLogin(w, r, http.StatusOK, "", false)
}

// showLogin renders the log-in form with a fresh CSRF token in a cookie
// and in the form.
func (s *Server) showLogin(w http.ResponseWriter, r *http.Request, status int, name string, failed bool) {
	lang := pageLang(w, r)
	token := newToken()
	http.SetCookie(w, &http.Cookie{Name: loginCookie, Value: token, Path: "/review/", HttpOnly: true,
		Secure: s.cfg.Secure, SameSite: http.SameSiteStrictMode, MaxAge: 3600})
	p := s.newPage(r, lang, "login.title")
	p.CSRF = token
	s.render(w, r, status, lang, "login.html", struct {
		page
		Name   string
		Failed bool
	}{p, name, failed})
}

func (s *Server) handleLogin(w http.ResponseWriter, r *http.Request) {
	c, err := r.Cookie(loginCookie)
	if err != nil || !sameToken(r.PostFormValue("csrf"), c.Value) {
		s.pageError(w, r, http.StatusForbidden, "error.forbidden")
		return
	}
	name, password := r.PostFormValue("name"), r.PostFormValue("password")
	rv, err := s.store.ReviewerByName(r.Context(), name)
	ok := false
	if err == nil {
		ok, err = CheckPassword(rv.PasswordHash, password)
	}
	if err != nil && !errors.Is(err, storage.ErrNotFound) {
		s.log.Error("log-in", "err", err)
	}
	if !ok {
		time.Sleep(loginFailWait)
		s.showLogin(w, r, http.StatusUnauthorized, name, true)
		return
	}
	token := newToken()
	ws := storage.WebSession{ReviewerID: rv.ID, CSRF: newToken(), Expires: time.Now().Add(sessionTTL)}
	if err := s.store.AddWebSession(r.Context(), storage.Hash(token), ws); err != nil {
		s.pageError(w, r, http.StatusInternalServerError, "error.internal")
		return
	}
	s.store.Audit(r.Context(), "reviewer:"+rv.Name, "reviewer.login", "")
	http.SetCookie(w, &http.Cookie{Name: sessionCookie, Value: token, Path: "/review/", HttpOnly: true,
		Secure: s.cfg.Secure, SameSite: http.SameSiteStrictMode, Expires: ws.Expires})
	http.SetCookie(w, &http.Cookie{Name: loginCookie, Value: "", Path: "/review/", MaxAge: -1})
	http.Redirect(w, r, "/review/", http.StatusSeeOther)
}

func (s *Server) handleLogout(w http.ResponseWriter, r *http.Request) {
	if c, err := r.Cookie(sessionCookie); err == nil {
		if err := s.store.DeleteWebSession(r.Context(), storage.Hash(c.Value)); err != nil {
			s.log.Error("log-out", "err", err)
		}
	}
	http.SetCookie(w, &http.Cookie{Name: sessionCookie, Value: "", Path: "/review/", MaxAge: -1})
	http.Redirect(w, r, "/review/login", http.StatusSeeOther)
}

// pageError renders the error page with a message key.
func (s *Server) pageError(w http.ResponseWriter, r *http.Request, status int, key string) {
	lang := pageLang(w, r)
	p := s.newPage(r, lang, "error.title")
	if rv, ok := r.Context().Value(reviewerKey{}).(reviewerCtx); ok {
		p.Reviewer, p.CSRF = rv.Name, rv.CSRF
	}
	s.render(w, r, status, lang, "error.html", struct {
		page
		Message string
	}{p, key})
}
