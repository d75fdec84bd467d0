package server

import (
	"github.com/charmbracelet/ssh"
	gossh "golang.org/x/crypto/ssh"
)

// charmbracelet/ssh keeps every "env" request a client sends before its
// shell or exec, with no bound: a client could send them for hours, each up
// to a packet in size, and the server would hold them all. A real client
// sends a handful (TERM is in pty-req; OpenSSH adds LANG and LC_* when told
// to). Past these caps the request is refused and dropped.
const (
	maxEnvVars  = 64
	maxEnvBytes = 16 << 10
)

// limitSessionRequests wraps the session channel handler so that the
// requests it sees are filtered first.
func limitSessionRequests(next ssh.ChannelHandler) ssh.ChannelHandler {
	return func(srv *ssh.Server, conn *gossh.ServerConn, nc gossh.NewChannel, ctx ssh.Context) {
		next(srv, conn, filteredChannel{NewChannel: nc, ctx: ctx}, ctx)
	}
}

type filteredChannel struct {
	gossh.NewChannel
	ctx ssh.Context
}

// Accept accepts the channel and hands back its requests minus the env
// requests past the caps. The filter ends when the channel's requests end.
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
