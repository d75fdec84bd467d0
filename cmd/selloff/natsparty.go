package main

import (
	"context"

	"github.com/charmbracelet/log"
	"github.com/nats-io/nats.go"

	"github.com/selloff/selloff/cmd/selloff/internal/server"
	"github.com/selloff/selloff/feeds"
	"github.com/selloff/selloff/feeds/natsfeed"
	"github.com/selloff/selloff/feeds/party"
)

// A watch party across serve nodes lives in the feed's leading relay
// (natsfeed.PartyHost): the relay's replay is the one clock, and the
// relay holds the lesson and the presenter's seat. A node's PartyClient
// sends the presenter's commands and the lesson's ops to it over NATS
// request/reply and reads the party from the relay's state messages.

// relayParty is the party every relay of a feed hosts while it leads;
// number questions read their truth from the relay's replay data.
func relayParty(logger *log.Logger) *natsfeed.PartyOptions {
	return &natsfeed.PartyOptions{
		OnError: func(err error) { logger.Warn("watch party", "err", err) },
	}
}

// natsPartySources is serve --source nats://... --watch-party's data
// plane: the relay's feed, with the party client as the shared
// controller (so the presenter's keys reach the relay's clock) and as the
// party's backend (partyBackend).
func natsPartySources(ctx context.Context, nc *nats.Conn, sub *natsfeed.Subscriber, feed string, logf func(string, ...any)) (server.Sources, error) {
	pc, err := natsfeed.NewPartyClient(nc, sub, feeds.RealClock{}, natsfeed.PartyClientOptions{
		OnError: func(err error) { logf("watch party problem", "feed", feed, "err", err) },
	})
	if err != nil {
		return server.Sources{}, err
	}
	pc.Start(ctx)
	logf("watch party in the relay", "feed", feed, "node", pc.Node())
	return server.Sources{Shared: sub, SharedControl: pc}, nil
}

// partyBackend is the party a serve plane brings with it: a relay's
// (the shared controller is the party client), else nil.
func partyBackend(s server.Sources) party.Backend {
	if b, ok := s.SharedControl.(party.Backend); ok {
		return b
	}
	return nil
}
