package fakeyahoo

import (
	"fmt"
	"html"
	"net/http"
)

// RotateCrumb issues a new crumb: the old one now gets 401 Invalid Crumb.
func (s *Server) RotateCrumb() string {
	s.mu.Lock()
	defer s.mu.Unlock()
	s.crumbN++
	s.crumb = fmt.Sprintf("fK3/crumb.%d", s.crumbN+1)
	return s.crumb
}

// Crumb returns the current crumb.
func (s *Server) Crumb() string {
	s.mu.Lock()
	defer s.mu.Unlock()
	return s.crumb
}

// ExpireSession forgets every issued cookie and rotates the crumb, as if the
// session had ended: getcrumb answers 401 Invalid Cookie until a new cookie
// is fetched.
func (s *Server) ExpireSession() {
	s.mu.Lock()
	s.cookies = map[string]bool{}
	s.mu.Unlock()
	s.RotateCrumb()
}

// SetConsent turns the EU consent redirect chain on the cookie host on/off.
func (s *Server) SetConsent(on bool) { s.mu.Lock(); s.consent = on; s.mu.Unlock() }

// SetConsentLoop turns on the 2026 EU consent answer: the cookie host
// redirects to a consent URL that sets A1/A3 and redirects to itself again
// and again, with no form. A client that follows every redirect never gets
// out; one that stops once it holds A1/A3 does.
func (s *Server) SetConsentLoop(on bool) { s.mu.Lock(); s.consentLoop = on; s.mu.Unlock() }

// SetRefuseHostCookie makes getcrumb refuse (401 Invalid Cookie) the
// cookies issued by the cookie host ("/"), and accept those of the page
// (PathPage), as Yahoo does in some regions.
func (s *Server) SetRefuseHostCookie(on bool) { s.mu.Lock(); s.refuseHost = on; s.mu.Unlock() }

// SetNoCookie makes the cookie host answer without setting a cookie.
func (s *Server) SetNoCookie(on bool) { s.mu.Lock(); s.noCookie = on; s.mu.Unlock() }

func (s *Server) hasCookie(r *http.Request) bool {
	for _, name := range []string{"A3", "A1"} {
		if c, err := r.Cookie(name); err == nil && s.cookies[c.Value] {
			return true
		}
	}
	return false
}

func (s *Server) setSessionCookie(w http.ResponseWriter) string {
	s.cookieN++
	v := fmt.Sprintf("d=AQABBfake%d&S=AQAAAfake", s.cookieN)
	s.cookies[v] = true
	for _, name := range []string{"A1", "A3"} {
		http.SetCookie(w, &http.Cookie{Name: name, Value: v, Path: "/", MaxAge: 31557600, HttpOnly: true})
	}
	return v
}

// root stands in for fc.yahoo.com: 404 with the session cookies.
func (s *Server) root(w http.ResponseWriter, r *http.Request, has bool) {
	s.mu.Lock()
	defer s.mu.Unlock()
	if s.consentLoop && !has {
		http.Redirect(w, r, PathConsentLoop+"?brandType=eu&done=%2F", http.StatusFound)
		return
	}
	if s.consent && !has {
		s.consentTok = fmt.Sprintf("csrf%d", s.cookieN+1)
		http.SetCookie(w, &http.Cookie{Name: "GUCS", Value: "consent", Path: "/", MaxAge: 900})
		http.Redirect(w, r, "/consent?brandType=nonEu&gcrumb=gc1&done=%2F", http.StatusFound)
		return
	}
	if !s.noCookie {
		s.hostCookies[s.setSessionCookie(w)] = true
	}
	w.Header().Set("Content-Type", "text/html")
	w.WriteHeader(http.StatusNotFound)
	w.Write([]byte("<html><body>404 Not Found</body></html>"))
}

func (s *Server) consentStart(w http.ResponseWriter, r *http.Request) {
	http.Redirect(w, r, "/v2/collectConsent?sessionId=sess1", http.StatusFound)
}

func (s *Server) collectConsent(w http.ResponseWriter, r *http.Request) {
	s.mu.Lock()
	tok := s.consentTok
	s.mu.Unlock()
	if r.Method == http.MethodPost {
		if err := r.ParseForm(); err != nil || r.PostForm.Get("csrfToken") != tok || tok == "" ||
			r.PostForm.Get("agree") != "agree" || r.PostForm.Get("sessionId") != "sess1" {
			http.Error(w, "bad consent form", http.StatusBadRequest)
			return
		}
		http.Redirect(w, r, "/copyConsent?sessionId=sess1", http.StatusFound)
		return
	}
	w.Header().Set("Content-Type", "text/html; charset=utf-8")
	fmt.Fprintf(w, `<!DOCTYPE html><html><head><title>Yahoo is part of the Yahoo family of brands</title></head><body>
<form method="post" class="consent-form" action="/v2/collectConsent?sessionId=sess1">
<input type="hidden" name="csrfToken" value="%s">
<input type="hidden" name="sessionId" value="sess1">
<input type="hidden" name="originalDoneUrl" value="%s">
<input type="hidden" name="namespace" value="yahoo">
<button type="submit" class="btn secondary accept-all" name="agree" value="agree">Accept all</button>
<button type="submit" class="btn secondary reject-all" name="reject" value="reject">Reject all</button>
</form></body></html>`, html.EscapeString(tok), html.EscapeString("/"))
}

func (s *Server) copyConsent(w http.ResponseWriter, r *http.Request) {
	s.mu.Lock()
	s.setSessionCookie(w)
	s.mu.Unlock()
	http.Redirect(w, r, "/", http.StatusFound)
}

func (s *Server) getCrumb(w http.ResponseWriter, r *http.Request, has bool) {
	s.mu.Lock()
	defer s.mu.Unlock()
	if has && s.refuseHost {
		if c, err := r.Cookie("A3"); err == nil && s.hostCookies[c.Value] {
			has = false
		}
	}
	if !has {
		unauthorized(w, "Invalid Cookie")
		return
	}
	w.Header().Set("Content-Type", "text/plain;charset=utf-8")
	w.Header().Set("Cache-Control", "private, max-age=60")
	w.Write([]byte(s.crumb))
}
