// Package server serves the selloff dashboard over SSH with wish: one
// bubbletea program, renderer and theme per session, one shared data plane,
// limits, timeouts and a graceful shutdown. cmd/selloff wires it to flags.
package server

import (
	"context"
	"errors"
	"fmt"
	"io"
	"net"
	"sync"
	"sync/atomic"
	"time"

	tea "github.com/charmbracelet/bubbletea"
	"github.com/charmbracelet/lipgloss"
	"github.com/charmbracelet/log"
	"github.com/charmbracelet/ssh"
	"github.com/charmbracelet/wish"
	bm "github.com/charmbracelet/wish/bubbletea"
	"github.com/charmbracelet/wish/recover"
	"github.com/muesli/termenv"
	gossh "golang.org/x/crypto/ssh"

	"github.com/selloff/selloff/feeds"
	"github.com/selloff/selloff/feeds/party"
	"github.com/selloff/selloff/feeds/portfolio"
	"github.com/selloff/selloff/tui"
	"github.com/selloff/selloff/tui/common"
)

// Defaults for Config's zero values.
const (
	DefaultListen        = "127.0.0.1:2222"
	DefaultMaxSessions   = 100
	DefaultPerIP         = 10
	DefaultIdleTimeout   = 15 * time.Minute
	DefaultMaxTimeout    = 4 * time.Hour
	DefaultShutdownGrace = 5 * time.Second
	DefaultMaxWidth      = 500
	DefaultMaxHeight     = 200
	// HostKeyFile is the host key's file name under the data directory cmd
	// picks (e.g. filepath.Join(dataDir, "selloff", HostKeyFile)).
	HostKeyFile = "ssh_host_ed25519_key"
)

// SessionDeps is what one SSH session's dashboard is built from. It mirrors
// tui.Deps field for field, so the adapter is a plain copy.
type SessionDeps struct {
	Renderer *lipgloss.Renderer // made from the session: the client's colours and background
	Updates  <-chan feeds.Update
	Control  feeds.Controller // nil: this viewer cannot drive the clock (live, watch-party follower)
	Now      func() time.Time
	Width    int
	Height   int
	Glyphs   common.Glyphs
	Logger   *log.Logger         // carries session=<id>
	Env      func(string) string // the viewer's environment and TERM (what a desktop notification needs)
}

// SessionDeps converts to tui.Deps (cmd relies on tui.Deps(d)); this
// breaks the build if the two drift apart.
var _ = tui.Deps(SessionDeps{})

// ModelFunc builds the per-session model (tui.New in the program).
type ModelFunc func(SessionDeps) tea.Model

// TUIModel is the real dashboard for a session.
func TUIModel(d SessionDeps) tea.Model {
	return tui.New(tui.Deps{
		Renderer: d.Renderer,
		Updates:  d.Updates,
		Control:  d.Control,
		Now:      d.Now,
		Width:    d.Width,
		Height:   d.Height,
		Glyphs:   d.Glyphs,
		Logger:   d.Logger,
	})
}

// RenderFunc renders one frame as text (tui.Render in the program).
type RenderFunc func(u feeds.Update, w, h int, r *lipgloss.Renderer, g common.Glyphs) string

// Config configures a Server. Zero values take the defaults above.
type Config struct {
	Listen      string        // address; default 127.0.0.1:2222 (loopback unless told otherwise)
	HostKeyPath string        // required: ed25519 key, created 0600 (dir 0700) on first start, then reused
	MaxSessions int           // concurrent sessions; default 100
	PerIP       int           // concurrent sessions per remote IP; default 10
	IdleTimeout time.Duration // no input for this long ends a session; default 15m, <0 disables
	MaxTimeout  time.Duration // absolute session length; default 4h, <0 disables
	// AuthorizedKeys is an OpenSSH authorized_keys file. When set, only
	// those keys get in, within their from= and expiry-time= options (a
	// line with an option selloff cannot honour is skipped and logged);
	// the file is read again when it changes (a file gone bad refuses
	// everyone new until fixed). When empty, any key,
	// keyboard-interactive or (with no PresenterKey) "none" authentication
	// is accepted.
	AuthorizedKeys string
	// WatchParty shares one replay clock: the presenter drives it, every
	// other session follows.
	WatchParty bool
	// PresenterKey names the presenter (an authorized_keys line or a
	// "SHA256:..." fingerprint). Empty: the first session to connect
	// presents; once it leaves, the first viewer to press a replay key (or
	// else the next one to connect) takes over.
	PresenterKey string
	// Party is where the watch party's lesson (the presenter's view,
	// caption, question) and presenter's seat live, and how its clock is
	// driven. Nil with WatchParty: a party.Local in this process over
	// Sources.SharedControl, reading true values from Sources.Truth. A
	// tour presenting the party (serve --tour) holds the seat through it.
	Party party.Backend
	// Node names this serve process among those that share one Party
	// (viewer ids are "<node>/<session>", and Party.Counts is per node);
	// default hostname-pid.
	Node    string
	Logger  *log.Logger // server log (stderr or a file); nil discards
	Sources Sources     // the one data plane
	Model   ModelFunc   // builds each session's dashboard; default TUIModel (tui.New)
	Render  RenderFunc  // one frame as text for `render`; default tui.Render
	// RenderPositions, when set, is how `render --position ...` draws: the
	// frame with the command's own positions added (nil: Render, without
	// them).
	RenderPositions func(u feeds.Update, w, h int, r *lipgloss.Renderer, g common.Glyphs, added []portfolio.Position) string
	// SummaryExtra, when set, adds lines to the `summary` command's output
	// for its frame (the positions serve was started with, and the
	// command's own --position ones).
	SummaryExtra func(u feeds.Update, added []portfolio.Position) string
	Glyphs       common.Glyphs
	Now          func() time.Time // wall clock given to sessions and checked against expiry-time= keys; default time.Now
	// ShutdownGrace bounds how long Shutdown waits for sessions to end
	// before closing connections; default 5s.
	ShutdownGrace time.Duration
	// MaxWidth and MaxHeight clamp what clients claim as window size;
	// default 500x200.
	MaxWidth, MaxHeight int
	// CommandTimeout bounds a one-shot command (render, summary); default 10s.
	CommandTimeout time.Duration
	// Version is the SSH server version string suffix; default "selloff".
	Version string
	// FPS caps the frames a session's screen sends per second; default 20
	// (a replay publishes at most 4 frames a second; keys and the mouse
	// can make more). Nothing is sent, and no timer runs, while the frame
	// does not change; a slow link gets fewer frames (output.go).
	FPS int
	// RoomLogEvery is how often the log gets a one-line summary of the
	// room (viewers, bytes per second sent); default DefaultRoomLogEvery,
	// negative: never.
	RoomLogEvery time.Duration
	// LeaderboardNames says how the watch party's leaderboard names each
	// viewer: "user" (their SSH user name) or "anonymous" ("viewer N", in
	// the order they joined; the default, also for "").
	LeaderboardNames string
	// SessionFeed, when set, passes each dashboard session's updates
	// through it (on the session's context) before its model reads them:
	// serve --source live evaluates the alerts there, per viewer.
	SessionFeed func(ctx context.Context, in <-chan feeds.Update) <-chan feeds.Update

	roomTicker tickerFunc // tests: the summary's ticker
	screenTest screenHooks
}

// validate refuses values no default can stand for (zero is the default).
func (c *Config) validate() error {
	switch {
	case c.MaxSessions < 0:
		return fmt.Errorf("server: max sessions %d: want at least 1", c.MaxSessions)
	case c.PerIP < 0:
		return fmt.Errorf("server: sessions per address %d: want at least 1", c.PerIP)
	case c.MaxWidth < 0 || c.MaxHeight < 0:
		return fmt.Errorf("server: window clamp %dx%d: want positive sizes", c.MaxWidth, c.MaxHeight)
	case c.FPS < 0:
		return fmt.Errorf("server: fps %d: want at least 1", c.FPS)
	case c.LeaderboardNames != "" && c.LeaderboardNames != "user" && c.LeaderboardNames != "anonymous":
		return fmt.Errorf("server: leaderboard names %q: want user or anonymous", c.LeaderboardNames)
	}
	return nil
}

func (c *Config) setDefaults() {
	if c.Listen == "" {
		c.Listen = DefaultListen
	}
	if c.MaxSessions <= 0 {
		c.MaxSessions = DefaultMaxSessions
	}
	if c.PerIP <= 0 {
		c.PerIP = DefaultPerIP
	}
	if c.IdleTimeout == 0 {
		c.IdleTimeout = DefaultIdleTimeout
	}
	if c.MaxTimeout == 0 {
		c.MaxTimeout = DefaultMaxTimeout
	}
	if c.ShutdownGrace <= 0 {
		c.ShutdownGrace = DefaultShutdownGrace
	}
	if c.MaxWidth <= 0 {
		c.MaxWidth = DefaultMaxWidth
	}
	if c.MaxHeight <= 0 {
		c.MaxHeight = DefaultMaxHeight
	}
	if c.CommandTimeout <= 0 {
		c.CommandTimeout = 10 * time.Second
	}
	if c.Logger == nil {
		c.Logger = log.New(io.Discard)
	}
	if c.Now == nil {
		c.Now = time.Now
	}
	if c.Glyphs == "" {
		c.Glyphs = common.GlyphsBraille
	}
	if c.Model == nil {
		c.Model = TUIModel
	}
	if c.Render == nil {
		c.Render = tui.Render
	}
	if c.FPS <= 0 {
		c.FPS = 20
	}
	if c.RoomLogEvery == 0 {
		c.RoomLogEvery = DefaultRoomLogEvery
	}
	if c.Version == "" {
		c.Version = "selloff"
	}
}

// Server is an SSH server for the dashboard. Make it with New, run it with
// Serve, ListenAndServe or Run, and stop it with Shutdown.
type Server struct {
	cfg       Config
	log       *log.Logger
	ssh       *ssh.Server
	authKeys  *authorizedKeys
	presenter *keyMatcher

	mu        sync.Mutex
	sessions  map[*session]struct{}
	perIP     map[string]int
	conns     int
	connsByIP map[string]int
	// connections not yet past login and a first shell or command
	pending      int
	pendingByIP  map[string]int
	pendingConns map[*trackedConn]struct{}
	closing      bool
	party        party.Backend  // the watch party's lesson and seat (nil: no party)
	node         string         // this process among the party's (Config.Node)
	countMu      sync.Mutex     // orders the Counts reports (lesson.go)
	partyWake    chan struct{}  // closed at the next change of the party (party.go)
	board        boardState     // the watch party's leaderboard (board.go)
	wg           sync.WaitGroup // live session handlers
	// handshakeTimeout closes connections that have not authenticated by
	// then, busyHandshakeTimeout when the pre-auth budget is over half
	// used (tests shorten them; guarded by mu).
	handshakeTimeout     time.Duration
	busyHandshakeTimeout time.Duration
	refusals             *refusalLog
	nextID               atomic.Uint64
	room                 roomStats // bytes sent to every session's screen

	lnMu sync.Mutex
	ln   net.Listener
}

// New validates cfg, loads (or creates) the host key and the authorized
// keys, and builds the server. It does not listen.
func New(cfg Config) (*Server, error) {
	if err := cfg.validate(); err != nil {
		return nil, err
	}
	cfg.setDefaults()
	if err := cfg.Sources.validate(cfg.WatchParty); err != nil {
		return nil, err
	}
	signer, err := LoadOrCreateHostKey(cfg.HostKeyPath)
	if err != nil {
		return nil, err
	}
	s := &Server{
		cfg:       cfg,
		log:       cfg.Logger,
		sessions:  map[*session]struct{}{},
		perIP:     map[string]int{},
		connsByIP: map[string]int{},

		pendingByIP:          map[string]int{},
		pendingConns:         map[*trackedConn]struct{}{},
		handshakeTimeout:     handshakeTimeout,
		busyHandshakeTimeout: busyHandshakeTimeout,
		refusals:             newRefusalLog(cfg.Logger, DefaultRefusalLogEvery),
	}
	if cfg.AuthorizedKeys != "" {
		if s.authKeys, err = openAuthorizedKeys(cfg.AuthorizedKeys, s.log); err != nil {
			return nil, err
		}
	}
	if s.presenter, err = parseKeyMatcher(cfg.PresenterKey); err != nil {
		return nil, err
	}
	s.node = cfg.Node
	if s.node == "" {
		s.node = defaultNode()
	}
	if cfg.WatchParty {
		if s.party = cfg.Party; s.party == nil {
			s.party = party.NewLocal(cfg.Sources.SharedControl, cfg.Sources.Truth)
		}
	}
	allowNone := s.authKeys == nil && s.presenter == nil

	// Middleware: the last listed runs first. Logging wraps everything;
	// then limits, registry and timeouts; then the no-PTY commands (the
	// activeterm slot); then recover around the bubbletea program.
	srv, err := wish.NewServer(
		wish.WithAddress(cfg.Listen),
		wish.WithVersion(cfg.Version),
		func(srv *ssh.Server) error { srv.AddHostKey(signer); return nil },
		wish.WithPublicKeyAuth(func(ctx ssh.Context, key ssh.PublicKey) bool {
			if s.authKeys == nil {
				return true
			}
			ok, why := s.authKeys.allows(key, addrIP(ctx.RemoteAddr()), s.cfg.Now())
			if why != nil && !ok {
				s.refusals.Warn("key refused by its authorized_keys options", "remote-addr", ctx.RemoteAddr().String(), "why", why.Error())
			}
			return ok
		}),
		func(srv *ssh.Server) error {
			if s.authKeys != nil {
				return nil // keys only
			}
			srv.KeyboardInteractiveHandler = func(ssh.Context, gossh.KeyboardInteractiveChallenge) bool { return true }
			srv.ServerConfigCallback = func(ssh.Context) *gossh.ServerConfig {
				return &gossh.ServerConfig{NoClientAuth: allowNone}
			}
			return nil
		},
		func(srv *ssh.Server) error { srv.ConnCallback = s.onConn; return nil },
		func(srv *ssh.Server) error {
			srv.ChannelHandlers = map[string]ssh.ChannelHandler{
				"session": limitChannels(ssh.DefaultSessionHandler),
				"default": refuseChannel,
			}
			return nil
		},
		// Backstops only: sessions end with a message through their own
		// timers first (the connection deadline is refreshed by every
		// frame written, so it cannot see an idle viewer).
		func(srv *ssh.Server) error {
			if cfg.IdleTimeout > 0 {
				srv.IdleTimeout = cfg.IdleTimeout + time.Minute
			}
			if cfg.MaxTimeout > 0 {
				srv.MaxTimeout = cfg.MaxTimeout + time.Minute
			}
			return nil
		},
		wish.WithMiddleware(
			recover.MiddlewareWithLogger(
				s.log.StandardLog(log.StandardLogOptions{ForceLevel: log.ErrorLevel}),
				bm.MiddlewareWithProgramHandler(s.programHandler, termenv.Ascii),
			),
			s.commandMiddleware,
			s.sessionMiddleware,
			s.logMiddleware,
		),
	)
	if err != nil {
		return nil, fmt.Errorf("server: %w", err)
	}
	s.ssh = srv
	return s, nil
}

// ListenAndServe listens on Config.Listen and serves until Shutdown.
func (s *Server) ListenAndServe() error {
	ln, err := net.Listen("tcp", s.cfg.Listen)
	if err != nil {
		return fmt.Errorf("server: %w", err)
	}
	return s.Serve(ln)
}

// Serve serves on ln until Shutdown, then returns nil. Any other error
// (the listener failing) is returned as is.
func (s *Server) Serve(ln net.Listener) error {
	s.lnMu.Lock()
	s.ln = ln
	s.lnMu.Unlock()
	s.log.Info("listening", "addr", ln.Addr().String(), "max-sessions", s.cfg.MaxSessions, "per-ip", s.cfg.PerIP,
		"watch-party", s.cfg.WatchParty, "authorized-keys", s.authKeys != nil)
	stopRoom := s.startRoomLog()
	defer stopRoom()
	stopTick := s.startPartyTick()
	defer stopTick()
	err := s.ssh.Serve(ln)
	if errors.Is(err, ssh.ErrServerClosed) {
		return nil
	}
	s.mu.Lock()
	closing := s.closing
	s.mu.Unlock()
	if closing {
		return nil
	}
	return err
}

// Addr is the address being served ("" before Serve).
func (s *Server) Addr() string {
	s.lnMu.Lock()
	defer s.lnMu.Unlock()
	if s.ln == nil {
		return ""
	}
	return s.ln.Addr().String()
}

// Run listens and serves until ctx ends, then shuts down gracefully
// (sessions are told and closed within Config.ShutdownGrace). It returns
// nil after a clean shutdown.
func (s *Server) Run(ctx context.Context) error {
	ln, err := net.Listen("tcp", s.cfg.Listen)
	if err != nil {
		return fmt.Errorf("server: %w", err)
	}
	errc := make(chan error, 1)
	go func() { errc <- s.Serve(ln) }()
	select {
	case err := <-errc:
		return err
	case <-ctx.Done():
	}
	sctx, cancel := context.WithTimeout(context.Background(), s.cfg.ShutdownGrace+time.Second)
	defer cancel()
	shutErr := s.Shutdown(sctx)
	if err := <-errc; err != nil {
		return err
	}
	return shutErr
}

// Shutdown tells every session that the server is stopping, ends them, and
// closes all connections. Sessions get up to Config.ShutdownGrace (or
// until ctx ends, if sooner) to say goodbye; connections still open then are
// closed. Serve returns nil afterwards. Shutdown returns nil when every
// session ended in time.
func (s *Server) Shutdown(ctx context.Context) error {
	s.mu.Lock()
	s.closing = true
	live := make([]*session, 0, len(s.sessions))
	for ss := range s.sessions {
		live = append(live, ss)
	}
	s.mu.Unlock()
	s.log.Info("shutting down", "sessions", len(live))
	for _, ss := range live {
		ss.end(endShutdown)
	}
	ctx, cancel := context.WithTimeout(ctx, s.cfg.ShutdownGrace)
	defer cancel()
	done := make(chan struct{})
	go func() { s.wg.Wait(); close(done) }()
	var err error
	select {
	case <-done:
	case <-ctx.Done():
		err = fmt.Errorf("server: sessions still open after grace, closing: %w", ctx.Err())
	}
	// Close drops every connection (handshaking ones too) and the listener.
	if cerr := s.ssh.Close(); cerr != nil && err == nil && !errors.Is(cerr, net.ErrClosed) {
		err = cerr
	}
	if err != nil {
		// The handlers unblock once their connections are gone.
		select {
		case <-done:
		case <-time.After(time.Second):
		}
	}
	s.refusals.stop()
	s.log.Info("stopped")
	return err
}

// Sessions is the number of live sessions (for tests and status).
func (s *Server) Sessions() int {
	s.mu.Lock()
	defer s.mu.Unlock()
	return len(s.sessions)
}
