package main

import (
	"context"
	"flag"
	"strings"
	"time"

	"github.com/charmbracelet/log"

	"github.com/selloff/selloff/cmd/selloff/internal/config"
	"github.com/selloff/selloff/cmd/selloff/internal/server"
	"github.com/selloff/selloff/feeds"
	"github.com/selloff/selloff/tui"
	"github.com/selloff/selloff/tui/common"
)

func runServe(ctx context.Context, a *app, fs *flag.FlagSet, args []string) error {
	if len(args) > 0 {
		return usagef("serve takes no arguments (got %s)", strings.Join(args, " "))
	}
	cfg, err := loadConfig(fs)
	if err != nil {
		return err
	}
	logger := log.NewWithOptions(a.stderr, log.Options{ReportTimestamp: true, Prefix: "selloff"})
	if p := pick(fs, "log-file", "", ""); p != "" {
		l, closeLog, err := openLog(p)
		if err != nil {
			return err
		}
		defer closeLog()
		logger = l
	}
	log.SetDefault(logger) // wish logs through the default logger
	hostKey := fstr(fs, "host-key")
	if hostKey == "" {
		if hostKey, err = server.DefaultHostKeyPath(); err != nil {
			return err
		}
	}
	glyphs := pick(fs, "glyphs", cfg.Glyphs, "braille")

	sources, err := a.serveSources(ctx, fs, cfg)
	if err != nil {
		return err
	}
	srv, err := server.New(server.Config{
		Listen:         fstr(fs, "listen"),
		HostKeyPath:    hostKey,
		MaxSessions:    get[int](fs, "max-sessions"),
		PerIP:          get[int](fs, "per-ip"),
		IdleTimeout:    get[time.Duration](fs, "idle-timeout"),
		MaxTimeout:     get[time.Duration](fs, "max-timeout"),
		AuthorizedKeys: fstr(fs, "authorized-keys"),
		WatchParty:     get[bool](fs, "watch-party"),
		PresenterKey:   fstr(fs, "presenter-key"),
		Logger:         logger,
		Sources:        sources,
		Render:         tui.Render,
		Glyphs:         common.Glyphs(glyphs),
		Version:        "selloff-" + version,
	})
	if err != nil {
		return err
	}
	logger.Info("serving", "listen", fstr(fs, "listen"), "host_key", hostKey)
	return srv.Run(ctx)
}

// serveSources builds the one data plane: one decoded snapshot shared by
// every session's replay (or by the watch party's one replay), or one live
// poller.
func (a *app) serveSources(ctx context.Context, fs *flag.FlagSet, cfg *config.Config) (server.Sources, error) {
	src := fstr(fs, "source")
	events := pick(fs, "events", cfg.Events, "")
	switch {
	case src == "replay" || strings.HasPrefix(src, "replay:"):
		name := strings.TrimPrefix(strings.TrimPrefix(src, "replay"), ":")
		d, err := loadReplayData(name, events, false)
		if err != nil {
			return server.Sources{}, err
		}
		opt := d.options()
		opt.Speed = get[float64](fs, "speed") // in range: checked as the flag was parsed
		if at := fstr(fs, "at"); at != "" {
			t, err := d.at(at)
			if err != nil {
				return server.Sources{}, err
			}
			if !t.IsZero() { // zero: "now", where the replay starts by itself
				opt.Start = t
			}
		}
		return server.ReplaySources(ctx, d.ds, feeds.RealClock{}, opt, get[bool](fs, "watch-party"))
	case src == "live":
		live, err := a.startLiveForServe(ctx, fs, cfg)
		if err != nil {
			return server.Sources{}, err
		}
		return server.LiveSources(live), nil
	}
	return server.Sources{}, usagef("--source %q: want replay, replay:FILE|NAME or live", src)
}
