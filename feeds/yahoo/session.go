package yahoo

// The session handshake: cookie (with both EU consent flows), crumb, the
// session back-off, and the retry with the page's cookie.

import (
	"bytes"
	"context"
	"errors"
	"fmt"
	"html"
	"net/http"
	"net/url"
	"regexp"
	"strings"
	"time"
)

// session returns the current crumb, doing the handshake when there is none
// or when the caller's crumb (generation stale) was rejected. stale < 0
// means "any valid session will do". While a 429 from the cookie host or
// getcrumb is backing off, it fails fast without a request.
func (b *Backend) session(ctx context.Context, stale int) (string, int, error) {
	b.mu.Lock()
	if b.crumb != "" && (stale < 0 || b.gen != stale) {
		c, g := b.crumb, b.gen
		b.mu.Unlock()
		return c, g, nil
	}
	b.mu.Unlock()

	b.sessMu.Lock()
	defer b.sessMu.Unlock()
	b.mu.Lock()
	if b.crumb != "" && (stale < 0 || b.gen != stale) { // someone else refreshed
		c, g := b.crumb, b.gen
		b.mu.Unlock()
		return c, g, nil
	}
	if at := b.st.SessionRetryAt; !at.IsZero() && b.clock.Now().Before(at) {
		err := b.st.SessionErr
		b.mu.Unlock()
		if err == nil {
			err = &Error{Kind: KindRateLimited, Status: http.StatusTooManyRequests, Path: "getcrumb", RetryAt: at}
		}
		return "", 0, err // no request: the handshake waits for its back-off
	}
	b.crumb = ""
	b.fromCache = false
	b.st.Reauth = true
	b.mu.Unlock()
	b.fire()

	crumb, err := b.handshake(ctx)

	b.mu.Lock()
	b.st.Reauth = false
	b.st.Reauths++
	b.st.SessionErr = err
	if refused(err) && !IsKind(err, KindRateLimited) {
		// Yahoo answered, and said no: asking again at once would only
		// repeat it. The next handshake waits as after a 429.
		b.sessLimit++
		b.st.SessionRetryAt = b.clock.Now().Add(b.backoffLocked(b.sessLimit))
	}
	if err == nil {
		b.crumb = crumb
		b.gen++
		b.sessLimit = 0
		b.st.SessionRetryAt = time.Time{}
	}
	c, g := b.crumb, b.gen
	b.mu.Unlock()
	if err == nil {
		b.saveCache(crumb)
	}
	b.fire()
	return c, g, err
}

// refused reports whether err is Yahoo refusing the session (as opposed to
// the network failing): a 429 or 401 from the cookie host or getcrumb, no
// cookie, no usable crumb.
func refused(err error) bool {
	var e *Error
	if !errors.As(err, &e) {
		return false
	}
	switch e.Kind {
	case KindNoCookie, KindBadCrumb:
		return true
	case KindRateLimited, KindUnauthorized:
		return e.Path == "getcrumb" || e.Path == "cookie"
	}
	return false
}

// SessionRefused reports whether err says Yahoo refused the cookie or
// the crumb (not the network): quotes are out of reach until the next
// handshake, while charts still answer.
func SessionRefused(err error) bool { return refused(err) }

// sessionLimited records a 429 from the cookie host or getcrumb: the
// handshake backs off (30 s, 60 s, ... with jitter, at most BackoffMax)
// while charts, which need no crumb, go on.
func (b *Backend) sessionLimited(path string) error {
	b.mu.Lock()
	b.sessLimit++
	d := b.backoffLocked(b.sessLimit)
	b.st.SessionRetryAt = b.clock.Now().Add(d)
	at := b.st.SessionRetryAt
	b.mu.Unlock()
	b.logf("yahoo: 429 on %s; next handshake in %s", path, d.Round(time.Second))
	b.fire()
	return &Error{Kind: KindRateLimited, Status: http.StatusTooManyRequests, Path: path, RetryAt: at}
}

// backoffLocked is the wait after the n-th 429 in a row.
func (b *Backend) backoffLocked(n int) time.Duration {
	d := b.opt.BackoffBase
	for i := 1; i < n && d < b.opt.BackoffMax; i++ {
		d *= 2
	}
	d = min(d, b.opt.BackoffMax)
	return time.Duration(float64(d) * (0.75 + 0.5*b.rand()))
}

// handshake gets the cookie (following the EU consent flow when Yahoo
// redirects there) and then the crumb. When getcrumb refuses the cookie
// host's cookie (401), it tries once more with the page's.
func (b *Backend) handshake(ctx context.Context) (string, error) {
	b.jar.Reset() // a stale cookie would end the redirects at once
	used, err := b.cookie(ctx, b.cookieURLs)
	if err != nil {
		return "", err
	}
	crumb, err := b.Crumb(ctx)
	if IsKind(err, KindUnauthorized) && used+1 < len(b.cookieURLs) && ctx.Err() == nil {
		b.logf("yahoo: getcrumb refused the cookie from %s (%v); trying %s", hostOf(b.cookieURLs[used]), err, hostOf(b.cookieURLs[used+1]))
		b.jar.Reset()
		if _, cerr := b.cookie(ctx, b.cookieURLs[used+1:]); cerr != nil {
			return "", cerr
		}
		crumb, err = b.Crumb(ctx)
	}
	return crumb, err
}

// Cookie fills the jar with Yahoo's session cookie (A1 or A3). It is one of
// Doctor's steps.
func (b *Backend) Cookie(ctx context.Context) error {
	_, err := b.cookie(ctx, b.cookieURLs)
	return err
}

// cookie tries urls in order and returns the index of the one that gave
// the cookie.
func (b *Backend) cookie(ctx context.Context, urls []string) (int, error) {
	var last error
	for i, cu := range urls {
		err := b.cookieFrom(ctx, cu)
		if err == nil {
			return i, nil
		}
		last = err
		if ctx.Err() != nil || IsKind(err, KindRateLimited) {
			break
		}
	}
	return 0, last
}

func (b *Backend) cookieFrom(ctx context.Context, cu string) error {
	const page = "text/html,application/xhtml+xml,application/xml;q=0.9,*/*;q=0.8"
	body, code, final, err := b.do(ctx, http.MethodGet, cu, page, nil)
	if err != nil {
		if ctx.Err() != nil {
			return &Error{Kind: KindCanceled, Err: ctx.Err()}
		}
		if b.hasCookie() {
			return nil // the redirect that would have failed came after the cookie
		}
		if errors.Is(err, errRedirectLoop) {
			return &Error{Kind: KindNoCookie, Path: cu, Detail: hostOf(cu) + " redirected 10 times without setting an A1 or A3 cookie (a consent loop?)"}
		}
		return classifyNetErr("cookie", err)
	}
	if code == http.StatusTooManyRequests {
		return b.sessionLimited("cookie")
	}
	if b.hasCookie() {
		// the cookie host's 404, or the 2026 consent host's 302 loop that
		// carries A1/A3 and no form: the redirects stopped here
		return nil
	}
	// The older EU consent page: a form to post back with agree=agree.
	if final != nil && (strings.Contains(final.Path, "collectConsent") || bytes.Contains(body, []byte(`name="csrfToken"`))) {
		if err := b.consent(ctx, final, body); err != nil {
			return err
		}
	}
	if b.hasCookie() {
		return nil
	}
	return &Error{Kind: KindNoCookie, Status: code, Path: cu, Detail: fmt.Sprintf("%s answered %d without an A1 or A3 cookie", hostOf(cu), code)}
}

func hostOf(u string) string {
	if p, err := url.Parse(u); err == nil && p.Host != "" {
		return p.Host
	}
	return u
}

var (
	inputRE = regexp.MustCompile(`(?is)<input\b[^>]*>`)
	attrRE  = regexp.MustCompile(`(?is)\b(name|value|type)\s*=\s*(?:"([^"]*)"|'([^']*)')`)
	formRE  = regexp.MustCompile(`(?is)<form\b[^>]*\baction\s*=\s*(?:"([^"]*)"|'([^']*)')`)
)

// consentForm extracts the hidden inputs and the action of the consent page.
func consentForm(body []byte) (action string, vals url.Values) {
	vals = url.Values{}
	for _, in := range inputRE.FindAll(body, -1) {
		var name, value, typ string
		for _, m := range attrRE.FindAllSubmatch(in, -1) {
			v := html.UnescapeString(string(m[2]) + string(m[3]))
			switch strings.ToLower(string(m[1])) {
			case "name":
				name = v
			case "value":
				value = v
			case "type":
				typ = strings.ToLower(v)
			}
		}
		if name != "" && typ == "hidden" {
			vals.Add(name, value)
		}
	}
	if m := formRE.FindSubmatch(body); m != nil {
		action = html.UnescapeString(string(m[1]) + string(m[2]))
	}
	return action, vals
}

func (b *Backend) consent(ctx context.Context, page *url.URL, body []byte) error {
	action, vals := consentForm(body)
	if vals.Get("csrfToken") == "" && vals.Get("sessionId") == "" {
		return &Error{Kind: KindNoCookie, Path: page.Path, Detail: "Yahoo's consent page has no form to accept"}
	}
	target := page
	if action != "" {
		if u, err := page.Parse(action); err == nil {
			target = u
		}
	}
	vals.Add("agree", "agree")
	vals.Add("agree", "agree")
	vals.Set("consentUUID", "default")
	_, code, _, err := b.do(ctx, http.MethodPost, target.String(), "text/html,*/*", vals)
	if err != nil && b.hasCookie() {
		return nil
	}
	if err != nil {
		if ctx.Err() != nil {
			return &Error{Kind: KindCanceled, Err: ctx.Err()}
		}
		return classifyNetErr("consent", err)
	}
	if code >= 400 && code != http.StatusNotFound {
		return &Error{Kind: KindNoCookie, Status: code, Path: target.Path, Detail: fmt.Sprintf("accepting Yahoo's consent form failed (%d)", code)}
	}
	return nil
}

func (b *Backend) hasCookie() bool {
	for _, raw := range []string{b.apiURL, b.crumbURL} {
		u, err := url.Parse(raw)
		if err != nil {
			continue
		}
		for _, c := range b.jar.Cookies(u) {
			if (c.Name == "A3" || c.Name == "A1") && c.Value != "" {
				return true
			}
		}
	}
	return false
}

// Crumb fetches and validates a crumb (the cookie must be in the jar). It
// is one of Doctor's steps; it does not install the crumb.
func (b *Backend) Crumb(ctx context.Context) (string, error) {
	body, code, _, err := b.do(ctx, http.MethodGet, b.crumbURL, "*/*", nil)
	if err != nil {
		if ctx.Err() != nil {
			return "", &Error{Kind: KindCanceled, Err: ctx.Err()}
		}
		return "", classifyNetErr("getcrumb", err)
	}
	switch {
	case code == http.StatusTooManyRequests:
		return "", b.sessionLimited("getcrumb")
	case code == http.StatusUnauthorized || code == http.StatusForbidden:
		return "", &Error{Kind: KindUnauthorized, Status: code, Path: "getcrumb", Detail: describe(body)}
	case code != http.StatusOK:
		return "", &Error{Kind: KindBadCrumb, Status: code, Path: "getcrumb", Detail: fmt.Sprintf("getcrumb answered %d: %s", code, describe(body))}
	}
	crumb := strings.TrimSpace(string(body))
	if reason := badCrumb(crumb); reason != "" {
		return "", &Error{Kind: KindBadCrumb, Status: code, Path: "getcrumb", Detail: reason}
	}
	return crumb, nil
}

// badCrumb says why s is not a crumb ("" when it is one). A 429 text, an
// HTML page or a JSON error stored as a crumb is the classic trap.
func badCrumb(s string) string {
	switch {
	case s == "":
		return "empty crumb"
	case strings.Contains(strings.ToLower(s), "too many requests"):
		return `the crumb was "Too Many Requests" (rate limited)`
	case strings.ContainsAny(s, "<>{}\" \t\r\n"):
		return "the crumb endpoint answered with a page, not a crumb"
	case len(s) > 64:
		return "the crumb is implausibly long"
	}
	return ""
}

// SessionCrumb returns the installed crumb ("" when there is none).
func (b *Backend) SessionCrumb() string {
	b.mu.Lock()
	defer b.mu.Unlock()
	return b.crumb
}
