package main

import (
	"context"
	"net"
	"os"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"github.com/selloff/selloff/cmd/selloff/internal/config"
	"github.com/selloff/selloff/feeds"
	"github.com/selloff/selloff/feeds/yahoo"
)

// The User-Agent: --user-agent over SELLOFF_USER_AGENT over the config's
// user_agent over the built-in Chrome; the hosts apart from
// SELLOFF_YAHOO_URL.
func TestUserAgentPrecedence(t *testing.T) {
	for _, tc := range []struct {
		name, flag, env, cfg, want string
	}{
		{"default", "", "", "", yahoo.DefaultUserAgent},
		{"config", "", "", "cfg/1", "cfg/1"},
		{"env", "", "env/1", "cfg/1", "env/1"},
		{"flag", "flag/1", "env/1", "cfg/1", "flag/1"},
	} {
		t.Run(tc.name, func(t *testing.T) {
			env := map[string]string{"SELLOFF_USER_AGENT": tc.env}
			a := liveApp(nil, nil, env)
			args := []string{}
			if tc.flag != "" {
				args = append(args, "--user-agent", tc.flag)
			}
			fs := flagSet(t, liveFlags, args...)
			opt, err := a.yahooOptions(fs, &config.Config{UserAgent: tc.cfg})
			if err != nil {
				t.Fatal(err)
			}
			if got := yahoo.NewBackend(opt).URLs().UserAgent; got != tc.want {
				t.Fatalf("User-Agent %q, want %q", got, tc.want)
			}
		})
	}
	a := liveApp(nil, nil, map[string]string{"SELLOFF_YAHOO_URL": "http://base", "SELLOFF_YAHOO_API_URL": "http://api", "SELLOFF_USER_AGENT": "bad\nua"})
	if _, err := a.yahooOptions(flagSet(t, liveFlags), &config.Config{}); err == nil || !isUsage(err) {
		t.Fatalf("a UA with a newline: %v", err)
	}
	a = liveApp(nil, nil, map[string]string{"SELLOFF_YAHOO_URL": "http://base", "SELLOFF_YAHOO_API_URL": "http://api"})
	opt, err := a.yahooOptions(flagSet(t, liveFlags), &config.Config{})
	if err != nil {
		t.Fatal(err)
	}
	u := yahoo.NewBackend(opt).URLs()
	if u.API != "http://api" || u.Cookie[0] != "http://base/" || u.Crumb != "http://api/v1/test/getcrumb" { // getcrumb lives on the API host
		t.Fatalf("%+v", u)
	}
	if opt.CacheFile != "" {
		t.Errorf("a cache file %q with no home in the environment", opt.CacheFile)
	}
}

func TestUserAgentFlagOnEveryYahooCommand(t *testing.T) {
	for _, args := range [][]string{{"live"}, {"snapshot", "record"}, {"snapshot", "fetch"}, {"doctor"}, {"serve"}} {
		code, out, _ := runCLI(t, append(args, "--help")...)
		if code != exitOK || !strings.Contains(out, "--user-agent") {
			t.Errorf("%v --help lacks --user-agent:\n%s", args, out)
		}
	}
}

// Doctor says what it talks to, and the chart step runs without a crumb.
func TestDoctorShowsUserAgentAndURLs(t *testing.T) {
	f := fakeMarket(t)
	f.RateLimitCrumb(-1)
	cfg := filepath.Join(t.TempDir(), "c.yaml")
	os.WriteFile(cfg, []byte("user_agent: selloff-test/1.0\n"), 0o644)
	code, out, _ := runCLI(t, "doctor", "--yahoo-url", f.URL, "--config", cfg)
	if code != exitFail {
		t.Fatalf("doctor with getcrumb refused: exit %d\n%s", code, out)
	}
	for _, want := range []string{"User-Agent: selloff-test/1.0", "crumb:      " + f.URL + "/v1/test/getcrumb", "API:        " + f.URL,
		"FAIL crumb", "ok   chart", "without a crumb"} {
		if !strings.Contains(out, want) {
			t.Errorf("doctor output lacks %q:\n%s", want, out)
		}
	}
}

// Offline, fetch says "cannot reach Yahoo" once: not a holiday guess, not
// one error per symbol.
func TestFetchOfflineSaysSoOnce(t *testing.T) {
	ln, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		t.Fatal(err)
	}
	addr := ln.Addr().String()
	ln.Close()
	var out, errb strings.Builder
	a := liveApp(&out, &errb, map[string]string{"SELLOFF_YAHOO_URL": "http://" + addr})
	a.clock = instantRetries{a.clock}
	code := a.run(context.Background(), []string{"snapshot", "fetch", "--config", emptyConfig(t), "--date", "2026-11-23", "-o", filepath.Join(t.TempDir(), "x.jsonl"), "--symbols", "NVDA,AVGO,TSM,AMD"})
	msg := errb.String()
	if code != exitFail || strings.Count(msg, "cannot reach Yahoo") != 1 || strings.Contains(msg, "holiday") {
		t.Fatalf("exit %d:\n%s", code, msg)
	}
}

// instantRetries keeps the time standing and fires every wait at once (the
// backend's retry pauses).
type instantRetries struct{ feeds.Clock }

func (instantRetries) After(time.Duration) <-chan time.Time {
	ch := make(chan time.Time, 1)
	ch <- time.Time{}
	return ch
}
