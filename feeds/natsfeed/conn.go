package natsfeed

import (
	"errors"
	"fmt"
	"net/url"
	"strings"
	"time"

	"github.com/nats-io/nats.go"
)

// ConnectOptions configure Connect.
type ConnectOptions struct {
	Name  string // client name shown by the server
	Creds string // a NATS credentials file (JWT and nkey seed); "" none
	// OnState, if set, hears connection changes in words (never a
	// credential); it must not block.
	OnState func(string)
}

// Connect dials a NATS URL (nats://, tls:// — TLS when the URL says so)
// and keeps reconnecting forever, so a relay or node outlives a NATS
// restart. The first connection is retried too: Connect returns at once
// with a connection that is not up yet when the server is down.
func Connect(rawURL string, o ConnectOptions) (*nats.Conn, error) {
	if _, err := ParseURL(rawURL); err != nil {
		return nil, err
	}
	opts := []nats.Option{
		nats.Name(o.Name),
		nats.MaxReconnects(-1),
		nats.ReconnectWait(250 * time.Millisecond),
		nats.ReconnectJitter(100*time.Millisecond, time.Second),
		nats.RetryOnFailedConnect(true),
		nats.Timeout(5 * time.Second),
	}
	if o.Creds != "" {
		opts = append(opts, nats.UserCredentials(o.Creds))
	}
	if o.OnState != nil {
		say := o.OnState
		opts = append(opts,
			nats.ConnectHandler(func(*nats.Conn) { say("connected") }),
			nats.ReconnectHandler(func(*nats.Conn) { say("reconnected") }),
			nats.DisconnectErrHandler(func(_ *nats.Conn, err error) {
				if err != nil {
					say("disconnected: " + err.Error())
				} else {
					say("disconnected")
				}
			}))
	}
	nc, err := nats.Connect(rawURL, opts...)
	if err != nil {
		return nil, fmt.Errorf("NATS %s: %w", Redact(rawURL), err)
	}
	return nc, nil
}

// ParseURL checks a NATS server URL: nats:// or tls://, a host and a port.
func ParseURL(raw string) (*url.URL, error) {
	u, err := url.Parse(raw)
	if err != nil {
		return nil, fmt.Errorf("NATS URL %q: not a URL", Redact(raw))
	}
	if u.Scheme != "nats" && u.Scheme != "tls" {
		return nil, fmt.Errorf("NATS URL %q: want nats://HOST:PORT or tls://HOST:PORT", Redact(raw))
	}
	if u.Hostname() == "" || u.Port() == "" {
		return nil, fmt.Errorf("NATS URL %q: want a host and a port, such as nats://127.0.0.1:4222", Redact(raw))
	}
	return u, nil
}

// FeedURL splits a serve --source value, nats://HOST:PORT/FEED (or
// tls://...), into the server URL and the feed name.
func FeedURL(raw string) (server, feed string, err error) {
	u, err := ParseURL(raw)
	if err != nil {
		return "", "", err
	}
	feed = strings.Trim(u.Path, "/")
	if feed == "" {
		return "", "", errors.New("NATS source " + Redact(raw) + ": want nats://HOST:PORT/FEED (the feed name is missing)")
	}
	if err := CheckFeed(feed); err != nil {
		return "", "", err
	}
	u.Path, u.RawPath, u.RawQuery, u.Fragment = "", "", "", ""
	return u.String(), feed, nil
}

// Redact returns a URL fit for a log or a message: any user name,
// password or token in it is replaced.
func Redact(raw string) string {
	u, err := url.Parse(raw)
	if err != nil {
		if i := strings.LastIndex(raw, "@"); i >= 0 {
			return "(redacted)@" + raw[i+1:]
		}
		return raw
	}
	if u.User != nil {
		u.User = url.User("REDACTED")
	}
	return u.String()
}
