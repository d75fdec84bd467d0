package main

import (
	"context"
	"io"
	"os"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"github.com/charmbracelet/x/exp/teatest"

	"github.com/selloff/selloff/cmd/selloff/internal/config"
	"github.com/selloff/selloff/feeds/alpaca"
	"github.com/selloff/selloff/feeds/alpaca/fakealpaca"
	"github.com/selloff/selloff/feeds/yahoo/fakeyahoo"
	"github.com/selloff/selloff/feeds/yahoo/stream"
	"github.com/selloff/selloff/snapshots"
)

// testStreamer stands in for Yahoo's streamer in every test of this
// package: the live source streams by default, and tests never leave
// loopback.
var testStreamer *fakeyahoo.Streamer

func init() {
	testStreamer = fakeyahoo.NewStreamer()
	defaultYahooStreamURL = testStreamer.URL()
}

func TestYahooStreamURLChoice(t *testing.T) {
	cfg := &config.Config{YahooStreamURL: "ws://config.invalid/"}
	for name, tc := range map[string]struct {
		args []string
		env  map[string]string
		cfg  *config.Config
		want string // "" no stream
	}{
		"default":           {nil, nil, nil, defaultYahooStreamURL},
		"yahoo_url_no_say":  {[]string{"--yahoo-url", "http://127.0.0.1:9"}, map[string]string{"SELLOFF_YAHOO_URL": "http://127.0.0.1:9"}, nil, defaultYahooStreamURL},
		"env":               {nil, map[string]string{"SELLOFF_YAHOO_STREAM_URL": "ws://env.invalid/"}, cfg, "ws://env.invalid/"},
		"config":            {nil, nil, cfg, "ws://config.invalid/"},
		"flag_beats_env":    {[]string{"--yahoo-stream-url", "ws://flag.invalid/"}, map[string]string{"SELLOFF_YAHOO_STREAM_URL": "ws://env.invalid/"}, cfg, "ws://flag.invalid/"},
		"no_stream":         {[]string{"--no-stream"}, nil, nil, ""},
		"off":               {[]string{"--yahoo-stream-url", "off"}, nil, nil, ""},
		"off_in_the_config": {nil, nil, &config.Config{YahooStreamURL: "off"}, ""},
	} {
		t.Run(name, func(t *testing.T) {
			a := liveApp(io.Discard, io.Discard, tc.env)
			fs := flagSet(t, liveFlags, tc.args...)
			yopt, err := a.yahooOptions(fs, tc.cfg)
			if err != nil {
				t.Fatal(err)
			}
			st, err := a.yahooStream(fs, tc.cfg, yopt, []snapshots.Symbol{{Symbol: "NVDA"}})
			if err != nil {
				t.Fatal(err)
			}
			got := ""
			if st != nil {
				got = st.(*stream.Client).URL()
			}
			if got != tc.want {
				t.Fatalf("stream URL %q, want %q", got, tc.want)
			}
		})
	}
	a := liveApp(io.Discard, io.Discard, nil)
	fs := flagSet(t, liveFlags, "--yahoo-stream-url", "http://wrong/")
	yopt, err := a.yahooOptions(fs, nil)
	if err != nil {
		t.Fatal(err)
	}
	if _, err := a.yahooStream(fs, nil, yopt, nil); err == nil {
		t.Fatal("an http:// stream URL was accepted")
	}
}

// The live dashboard shows a streamed price with the clock stopped: no
// poll brought it.
func TestLiveDashboardShowsStreamedPrices(t *testing.T) {
	f := fakeMarket(t)
	st := fakeyahoo.NewStreamer()
	t.Cleanup(st.Close) // after the source stops
	tm := liveDashboard(t, map[string]string{"SELLOFF_YAHOO_URL": f.URL, "SELLOFF_YAHOO_STREAM_URL": st.URL()}, nil, func(s string) bool {
		return strings.Contains(s, "118.42") && strings.Contains(s, "streaming")
	}, "--symbols", "NVDA,AVGO,^SOX")
	wctx, wcancel := context.WithTimeout(context.Background(), 10*time.Second)
	defer wcancel()
	if !st.WaitSubscribed(wctx, "NVDA", 1) {
		t.Fatal("no subscription")
	}
	polls := f.Count(fakeyahoo.PathQuote)
	st.Send(stream.Tick{Symbol: "NVDA", Price: 117.77, Hours: stream.HoursRegular, Time: tradingNow})
	teatest.WaitFor(t, tm.Output(), func(b []byte) bool { return strings.Contains(string(b), "117.77") }, teatest.WithDuration(10*time.Second))
	if err := tm.Quit(); err != nil {
		t.Fatal(err)
	}
	final := tm.FinalModel(t, teatest.WithFinalTimeout(10*time.Second)).View()
	if !strings.Contains(final, "117.77") {
		t.Errorf("final frame lacks the streamed price:\n%s", final)
	}
	if n := f.Count(fakeyahoo.PathQuote); n != polls {
		t.Errorf("quote requests %d -> %d: the streamed price came with a poll", polls, n)
	}
}

var testKey = alpaca.Key{ID: "PKCMDTESTKEY98765", Secret: "cmd-sEcReT-0f9e8d7c6b5a4"}

func alpacaFake(t *testing.T) *fakealpaca.Server {
	t.Helper()
	f := fakealpaca.Start(testKey.ID, testKey.Secret)
	t.Cleanup(f.Close)
	day := time.Date(tradingNow.Year(), tradingNow.Month(), tradingNow.Day(), 0, 0, 0, 0, tradingNow.Location())
	f.Set("NVDA", fakealpaca.Snap{Price: 118.42, TradeTime: tradingNow.Add(-time.Second), Daily: 118.42, DailyDate: day, PrevClose: 142.62, PrevDate: day.AddDate(0, 0, -1)})
	f.Set("AVGO", fakealpaca.Snap{Price: 202.13, TradeTime: tradingNow.Add(-time.Second), Daily: 202.13, DailyDate: day, PrevClose: 244.70, PrevDate: day.AddDate(0, 0, -1)})
	return f
}

func alpacaEnv(f *fakealpaca.Server, k alpaca.Key) map[string]string {
	return map[string]string{"APCA_API_KEY_ID": k.ID, "APCA_API_SECRET_KEY": k.Secret,
		"SELLOFF_ALPACA_URL": f.URL(), "SELLOFF_ALPACA_STREAM_URL": f.StreamURL()}
}

// --provider alpaca end to end: prices, the index row's reason, and a log
// that never holds the key.
func TestLiveDashboardAlpaca(t *testing.T) {
	f := alpacaFake(t)
	var logBuf syncBuffer
	tm := liveDashboard(t, alpacaEnv(f, testKey), &logBuf, func(s string) bool {
		return strings.Contains(s, "118.42") && strings.Contains(s, "202.13") && strings.Contains(s, "no index quotes")
	}, "--provider", "alpaca", "--symbols", "NVDA,AVGO,^SOX")
	if err := tm.Quit(); err != nil {
		t.Fatal(err)
	}
	final := tm.FinalModel(t, teatest.WithFinalTimeout(10*time.Second)).View()
	for _, want := range []string{"-16.97%", "no index quotes"} {
		if !strings.Contains(final, want) {
			t.Errorf("frame lacks %q:\n%s", want, final)
		}
	}
	noKey(t, "the screen", final)
	noKey(t, "the log", logBuf.String())
}

func noKey(t *testing.T, where, s string) {
	t.Helper()
	if strings.Contains(s, testKey.ID) || strings.Contains(s, testKey.Secret) {
		t.Fatalf("%s shows the Alpaca key:\n%s", where, s)
	}
}

// A refused key: record reports it, without the key, and keeps the
// terminal's output clean of it; a missing key is a usage error.
func TestAlpacaKeyNeverPrinted(t *testing.T) {
	f := alpacaFake(t)
	bad := alpaca.Key{ID: testKey.ID, Secret: testKey.Secret + "-wrong"}
	var out, errs syncBuffer
	a := liveApp(&out, &errs, alpacaEnv(f, bad))
	ctx, cancel := context.WithCancel(context.Background())
	rec := filepath.Join(t.TempDir(), "rec.jsonl")
	done := make(chan int, 1)
	go func() {
		done <- a.run(ctx, []string{"snapshot", "record", "-o", rec, "--provider", "alpaca", "--symbols", "NVDA", "--config", emptyConfig(t)})
	}()
	deadline := time.Now().Add(10 * time.Second)
	for !strings.Contains(errs.String(), "refused the key") {
		if time.Now().After(deadline) {
			t.Fatalf("no error shown: %q", errs.String())
		}
		time.Sleep(10 * time.Millisecond)
	}
	cancel()
	<-done
	noKey(t, "stderr", errs.String())
	noKey(t, "stdout", out.String())
	for _, u := range f.URLs() {
		noKey(t, "a request URL", u)
	}

	// no key at all
	code, _, e := runCLI(t, "live", "--provider", "alpaca", "--symbols", "NVDA", "--config", emptyConfig(t))
	if code == exitOK || !strings.Contains(e, "APCA_API_KEY_ID") {
		t.Fatalf("no key: exit %d, %q", code, e)
	}
	code, _, e = runCLI(t, "live", "--provider", "bloomberg", "--config", emptyConfig(t))
	if code == exitOK || !strings.Contains(e, "yahoo or alpaca") {
		t.Fatalf("bad provider: exit %d, %q", code, e)
	}
}

func TestConfigProvider(t *testing.T) {
	p := filepath.Join(t.TempDir(), "config.yaml")
	os.WriteFile(p, []byte("provider: alpaca\nalpaca_key_id: "+testKey.ID+"\nalpaca_secret_key: "+testKey.Secret+"\n"), 0o600)
	cfg, err := config.Load(p, true)
	if err != nil {
		t.Fatal(err)
	}
	a := liveApp(io.Discard, io.Discard, nil)
	fs := flagSet(t, liveFlags)
	if got, _ := provider(fs, cfg); got != "alpaca" {
		t.Fatalf("provider %q", got)
	}
	if k := a.alpacaKey(cfg); k != testKey {
		t.Fatal("the config's key was not used")
	}
	os.WriteFile(p, []byte("provider: bloomberg\n"), 0o600)
	if _, err := config.Load(p, true); err == nil || !strings.Contains(err.Error(), "yahoo or alpaca") {
		t.Fatalf("bad provider in config: %v", err)
	}
}
