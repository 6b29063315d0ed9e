package server

import (
	"bytes"
	"encoding/json"
	"fmt"
	"html/template"
	"net/http"
	"net/url"
	"strings"
	texttemplate "text/template"
)

// The languages of the web pages: Chinese by default, English on request.
const (
	langZH = "zh-CN"
	langEN = "en"
)

// pages is the page templates and messages, once per language (each
// template set with its own "t").
type pages struct {
	tmpl map[string]*template.Template
	msgs map[string]map[string]string
}

var pageLangs = []string{langZH, langEN}

// parsePages parses every template once per language.
func parsePages() (pages, error) {
	p := pages{tmpl: map[string]*template.Template{}, msgs: map[string]map[string]string{}}
	for _, l := range pageLangs {
		msgs, err := loadMessages(l)
		if err != nil {
			return pages{}, err
		}
		t, err := template.New("").Funcs(template.FuncMap{"t": translator(msgs)}).
			ParseFS(webFS, "web/templates/*.html")
		if err != nil {
			return pages{}, err
		}
		p.tmpl[l], p.msgs[l] = t, msgs
	}
	return p, nil
}

func loadMessages(lang string) (map[string]string, error) {
	data, err := webFS.ReadFile("web/i18n/" + lang + ".json")
	if err != nil {
		return nil, err
	}
	var m map[string]string
	if err := json.Unmarshal(data, &m); err != nil {
		return nil, fmt.Errorf("%s.json: %w", lang, err)
	}
	return m, nil
}

// translator is the templates' "t": the message of a key, with {{.N}} or
// the fields of arg filled in.
func translator(msgs map[string]string) func(key string, arg ...any) string {
	return func(key string, arg ...any) string {
		msg, ok := msgs[key]
		if !ok {
			return key
		}
		if len(arg) == 0 || !strings.Contains(msg, "{{") {
			return msg
		}
		data := arg[0]
		if n, ok := data.(int); ok {
			data = map[string]int{"N": n}
		}
		t, err := texttemplate.New(key).Parse(msg)
		if err != nil {
			return msg
		}
		var b bytes.Buffer
		if err := t.Execute(&b, data); err != nil {
			return msg
		}
		return b.String()
	}
}

// message is the text of a key in lang, for handlers.
func (p pages) message(lang, key string) string { return translator(p.msgs[lang])(key) }

// langCookie remembers the language chosen with ?lang=.
const langCookie = "gp_lang"

// pageLang is the request's language: ?lang= (remembered in a cookie), the
// cookie, else Chinese.
func pageLang(w http.ResponseWriter, r *http.Request) string {
	if l := r.URL.Query().Get("lang"); l == langZH || l == langEN {
		http.SetCookie(w, &http.Cookie{Name: langCookie, Value: l, Path: "/", MaxAge: 365 * 24 * 3600,
			HttpOnly: true, SameSite: http.SameSiteLaxMode})
		return l
	}
	if c, err := r.Cookie(langCookie); err == nil && (c.Value == langZH || c.Value == langEN) {
		return c.Value
	}
	return langZH
}

// page is what every page template gets besides its own data.
type page struct {
	Lang, OtherLangCode, OtherLang string
	Title                          string
	Reviewer, CSRF                 string
}

func (s *Server) newPage(r *http.Request, lang, titleKey string) page {
	other := langEN
	if lang == langEN {
		other = langZH
	}
	q := r.URL.Query()
	q.Set("lang", other)
	u := url.URL{Path: r.URL.Path, RawQuery: q.Encode()}
	return page{Lang: lang, OtherLangCode: other, OtherLang: u.String(), Title: s.pages.message(lang, titleKey)}
}

// render executes a page template in lang.
func (s *Server) render(w http.ResponseWriter, r *http.Request, status int, lang, name string, data any) {
	var b bytes.Buffer
	if err := s.pages.tmpl[lang].ExecuteTemplate(&b, name, data); err != nil {
		s.log.Error("render", "page", name, "err", err)
		http.Error(w, "internal error", http.StatusInternalServerError)
		return
	}
	w.Header().Set("Content-Type", "text/html; charset=utf-8")
	w.Header().Set("Cache-Control", "no-store")
	w.WriteHeader(status)
	w.Write(b.Bytes())
}
