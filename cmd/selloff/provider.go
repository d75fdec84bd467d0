package main

import (
	"context"
	"flag"
	"fmt"
	"net/http"
	"os"
	"strings"

	"github.com/selloff/selloff/cmd/selloff/internal/config"
	"github.com/selloff/selloff/feeds"
	"github.com/selloff/selloff/feeds/alpaca"
	"github.com/selloff/selloff/feeds/yahoo"
	"github.com/selloff/selloff/feeds/yahoo/stream"
	"github.com/selloff/selloff/snapshots"
)

// defaultYahooStreamURL is Yahoo's price streamer; this package's tests
// point it at a fake on loopback.
var defaultYahooStreamURL = stream.DefaultURL

// liveSource is what live, record and serve run: Yahoo's or Alpaca's.
type liveSource interface {
	feeds.Source
	Run(ctx context.Context) error
	Health() feeds.Health
}

// recordedBy is how many records a live source has written to its recording.
func recordedBy(src liveSource) int {
	switch s := src.(type) {
	case *yahoo.Live:
		return s.Stats().Recorded
	case *alpaca.Source:
		return s.Stats().Recorded
	}
	return 0
}

// provider is --provider, else the config's, else yahoo.
func provider(fs *flag.FlagSet, cfg *config.Config) (string, error) {
	p := strings.ToLower(fstr(fs, "provider"))
	if p == "" && cfg != nil {
		p = cfg.Provider
	}
	switch p {
	case "", "yahoo":
		return "yahoo", nil
	case "alpaca":
		return p, nil
	}
	return "", usagef("--provider %q: want yahoo or alpaca", p)
}

// newSource makes the live source of the chosen provider.
// onRecordFail, when set, is called once if the recording file stops taking
// records (see recorderFor).
func (a *app) newSource(fs *flag.FlagSet, cfg *config.Config, record string, onRecordFail func(error)) (liveSource, func() error, error) {
	p, err := provider(fs, cfg)
	if err != nil {
		return nil, nil, err
	}
	if p == "alpaca" {
		return a.newAlpaca(fs, cfg, record, onRecordFail)
	}
	return a.newLiveRecording(fs, cfg, record, onRecordFail)
}

// yahooStream is the price stream for the live source: on unless
// --no-stream; its URL is --yahoo-stream-url, else
// SELLOFF_YAHOO_STREAM_URL, else the config's yahoo_stream_url, else
// Yahoo's (SELLOFF_YAHOO_URL does not change it).
func (a *app) yahooStream(fs *flag.FlagSet, cfg *config.Config, yopt yahoo.Options, syms []snapshots.Symbol) (yahoo.Streamer, error) {
	if get[bool](fs, "no-stream") {
		return nil, nil
	}
	u := fstr(fs, "yahoo-stream-url")
	if u == "" {
		u = a.getenv("SELLOFF_YAHOO_STREAM_URL")
	}
	if u == "" && cfg != nil {
		u = cfg.YahooStreamURL
	}
	if u == "" {
		u = defaultYahooStreamURL
	}
	if u == "off" {
		return nil, nil
	}
	ua := yopt.UserAgent
	if ua == "" {
		ua = yahoo.DefaultUserAgent
	}
	names := make([]string, len(syms))
	for i, s := range syms {
		names[i] = s.Symbol
	}
	c, err := stream.New(stream.Options{URL: u, Symbols: names, Clock: a.clock, Header: http.Header{"User-Agent": {ua}}})
	if err != nil {
		return nil, usagef("--yahoo-stream-url: %v", err)
	}
	return c, nil
}

// alpacaKey is the key pair from APCA_API_KEY_ID and APCA_API_SECRET_KEY
// (Alpaca's own names), else the config's alpaca_key_id and
// alpaca_secret_key.
func (a *app) alpacaKey(cfg *config.Config) alpaca.Key {
	k := alpaca.Key{ID: a.getenv("APCA_API_KEY_ID"), Secret: a.getenv("APCA_API_SECRET_KEY")}
	if k.Empty() && cfg != nil {
		k = alpaca.Key{ID: cfg.AlpacaKeyID, Secret: cfg.AlpacaSecretKey}
	}
	return k
}

// newAlpaca makes the Alpaca source.
func (a *app) newAlpaca(fs *flag.FlagSet, cfg *config.Config, record string, onRecordFail func(error)) (liveSource, func() error, error) {
	syms, err := watchSymbols(fs, cfg)
	if err != nil {
		return nil, nil, err
	}
	if err := checkNewRecording(record); err != nil {
		return nil, nil, err
	}
	var src *alpaca.Source
	rec, closeRec := recorderFor(record, func() int { return src.Stats().Recorded }, onRecordFail)
	var open func(snapshots.Header) (alpaca.Recorder, error)
	if rec != nil {
		open = func(h snapshots.Header) (alpaca.Recorder, error) { return rec(h) }
	}
	src, err = a.newAlpacaSource(fs, cfg, syms, open)
	if err != nil {
		return nil, nil, err
	}
	return src, closeRec, nil
}

// newAlpacaSource makes the Alpaca source for syms, recording to rec
// (nil: no recording; a file's, or a relay's publisher).
func (a *app) newAlpacaSource(fs *flag.FlagSet, cfg *config.Config, syms []snapshots.Symbol, rec func(snapshots.Header) (alpaca.Recorder, error)) (*alpaca.Source, error) {
	k := a.alpacaKey(cfg)
	if k.Empty() {
		return nil, usagef("--provider alpaca needs a key: set APCA_API_KEY_ID and APCA_API_SECRET_KEY (a free Alpaca account has one), or alpaca_key_id and alpaca_secret_key in the config")
	}
	opt := alpaca.Options{
		Key: k, Symbols: syms, Clock: a.clock, NoStream: get[bool](fs, "no-stream"),
		BaseURL: a.getenv("SELLOFF_ALPACA_URL"), StreamURL: a.getenv("SELLOFF_ALPACA_STREAM_URL"),
	}
	if isSet(fs, "interval") || (cfg != nil && cfg.Interval > 0) {
		iv, err := pollInterval(fs, cfg)
		if err != nil {
			return nil, err
		}
		opt.Interval = iv
	}
	opt.Record = rec
	return alpaca.New(opt)
}

// checkNewRecording refuses to record over an existing file.
func checkNewRecording(path string) error {
	if path == "" {
		return nil
	}
	if _, err := os.Stat(path); err == nil {
		return fmt.Errorf("%s exists; selloff does not overwrite a recording (choose another name)", path)
	}
	return nil
}
