package server

import (
	"fmt"

	"github.com/charmbracelet/ssh"
	gossh "golang.org/x/crypto/ssh"
)

// Channels per connection. Each session channel costs the server buffers
// and goroutines whether or not a shell runs in it, so a connection may
// have a few open at once: one dashboard and a few one-shot commands
// beside it. Opens past that are rejected with a reason, as are channels
// of any other type (selloff forwards nothing); a connection that keeps
// trying after that many refusals is closed.
const (
	maxChannelsPerConn = 4
	maxChannelRefusals = 8
)

// limitChannels wraps the session channel handler: it counts the
// connection's open channels, rejects those past the cap, and filters the
// requests of those it lets through.
func limitChannels(next ssh.ChannelHandler) ssh.ChannelHandler {
	return func(srv *ssh.Server, conn *gossh.ServerConn, nc gossh.NewChannel, ctx ssh.Context) {
		u := useOf(ctx)
		if u != nil && !u.openChannel() {
			if u.channelRefused() {
				_ = nc.Reject(gossh.ResourceShortage,
					fmt.Sprintf("too many channels on this connection (at most %d open at once)", maxChannelsPerConn))
			}
			return
		}
		if u != nil {
			defer u.closeChannel()
		}
		next(srv, conn, filteredChannel{NewChannel: nc, ctx: ctx}, ctx)
	}
}

// refuseChannel rejects a channel of a type selloff does not serve
// (forwarding, X11, agent) and counts it against the connection.
func refuseChannel(_ *ssh.Server, _ *gossh.ServerConn, nc gossh.NewChannel, ctx ssh.Context) {
	if u := useOf(ctx); u == nil || u.channelRefused() {
		_ = nc.Reject(gossh.UnknownChannelType, "selloff serves session channels only")
	}
}

// openChannel takes a channel slot, or reports false when none is left.
func (u *connUse) openChannel() bool {
	u.mu.Lock()
	defer u.mu.Unlock()
	if u.channels >= maxChannelsPerConn {
		return false
	}
	u.channels++
	return true
}

func (u *connUse) closeChannel() {
	u.mu.Lock()
	u.channels--
	u.mu.Unlock()
}

// channelRefused counts a refused channel before the refusal is sent (so
// the count is ahead of the client), and closes the connection once there
// have been too many; it reports whether to send the refusal.
func (u *connUse) channelRefused() bool {
	u.mu.Lock()
	u.refused++
	n := u.refused
	u.mu.Unlock()
	if n < maxChannelRefusals {
		return true
	}
	if n == maxChannelRefusals {
		u.close("connection closed: kept opening channels past the limit")
	}
	return false
}

// charmbracelet/ssh keeps every "env" request a client sends before its
// shell or exec, with no bound: a client could send them for hours, each up
// to a packet in size, and the server would hold them all. A real client
// sends a handful (TERM is in pty-req; OpenSSH adds LANG and LC_* when told
// to). Past these caps the request is refused and dropped.
const (
	maxEnvVars  = 64
	maxEnvBytes = 16 << 10
)

type filteredChannel struct {
	gossh.NewChannel
	ctx ssh.Context
}

// Accept accepts the channel and hands back its requests minus the env
// requests past the caps and agent forwarding requests (refused: selloff
// never opens an agent channel, so answering yes would be a lie). The
// filter ends when the channel's requests end.
func (c filteredChannel) Accept() (gossh.Channel, <-chan *gossh.Request, error) {
	ch, reqs, err := c.NewChannel.Accept()
	if err != nil {
		return ch, reqs, err
	}
	out := make(chan *gossh.Request)
	go func() {
		defer close(out)
		n, size := 0, 0
		for req := range reqs {
			// a shell or a command is a session in use: the connection's
			// guard lets it live (env and pty-req alone do not: one env
			// request must not hold a slot for hours)
			switch req.Type {
			case "shell", "exec": // not "subsystem": none is served, so it is refused
				markSessionOpened(c.ctx)
			}
			if req.Type == "auth-agent-req@openssh.com" {
				if req.WantReply {
					_ = req.Reply(false, nil)
				}
				continue
			}
			if req.Type == "env" {
				n, size = n+1, size+len(req.Payload)
				if n > maxEnvVars || size > maxEnvBytes {
					if req.WantReply {
						_ = req.Reply(false, nil)
					}
					continue
				}
			}
			out <- req
		}
	}()
	return ch, out, nil
}
