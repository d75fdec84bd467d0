package main

import (
	"context"
	"flag"
	"os"
	"path/filepath"
	"strings"
	"time"

	tea "github.com/charmbracelet/bubbletea"
	"github.com/charmbracelet/log"

	"github.com/selloff/selloff/cmd/selloff/internal/server"
	"github.com/selloff/selloff/feeds"
	"github.com/selloff/selloff/feeds/replay"
	"github.com/selloff/selloff/snapshots"
	"github.com/selloff/selloff/tui"
	"github.com/selloff/selloff/tui/common"
)

// dataDir is where selloff keeps state such as the SSH host key.
func dataDir(getenv func(string) string) string {
	if x := getenv("XDG_DATA_HOME"); x != "" {
		return filepath.Join(x, "selloff")
	}
	if home, err := os.UserHomeDir(); err == nil {
		return filepath.Join(home, ".local", "share", "selloff")
	}
	return "selloff-data"
}

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
	hostKey := fstr(fs, "host-key")
	if hostKey == "" {
		hostKey = filepath.Join(dataDir(a.getenv), server.HostKeyFile)
	}
	glyphs := pick(fs, "glyphs", cfg.Glyphs, "braille")

	sources, err := serveSources(ctx, fs, cfg.Events)
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
		Model: func(d server.SessionDeps) tea.Model {
			return tui.New(tui.Deps(d))
		},
		Render:  tui.Render,
		Glyphs:  common.Glyphs(glyphs),
		Version: "selloff-" + version,
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
func serveSources(ctx context.Context, fs *flag.FlagSet, cfgEvents string) (server.Sources, error) {
	src := fstr(fs, "source")
	events := pick(fs, "events", cfgEvents, "")
	switch {
	case src == "replay" || strings.HasPrefix(src, "replay:"):
		name := strings.TrimPrefix(strings.TrimPrefix(src, "replay"), ":")
		d, err := loadReplayData(name, events, false)
		if err != nil {
			return server.Sources{}, err
		}
		opt := replay.Options{Speed: get[float64](fs, "speed"), Skipped: len(d.snap.Problems)}
		if err := checkSpeed(opt.Speed); err != nil {
			return server.Sources{}, err
		}
		if at := fstr(fs, "at"); at != "" {
			t, err := snapshots.ParseTime(at, d.snap.Header)
			if err != nil {
				return server.Sources{}, usagef("--at: %v", err)
			}
			opt.Start = t
		}
		perSession := func(sctx context.Context) (feeds.Source, feeds.Controller, error) {
			rp, err := replay.New(d.ds, feeds.RealClock{}, opt)
			if err != nil {
				return nil, nil, err
			}
			rp.Start(sctx)
			return rp, rp, nil
		}
		srcs := server.Sources{PerSession: perSession}
		if get[bool](fs, "watch-party") {
			rp, err := replay.New(d.ds, feeds.RealClock{}, opt)
			if err != nil {
				return server.Sources{}, err
			}
			rp.Start(ctx)
			srcs.Shared, srcs.SharedControl = rp, rp
		}
		return srcs, nil
	case src == "live":
		live, err := startLiveForServe(ctx, fs)
		if err != nil {
			return server.Sources{}, err
		}
		return server.Sources{Shared: live}, nil
	}
	return server.Sources{}, usagef("--source %q: want replay, replay:FILE|NAME or live", src)
}
