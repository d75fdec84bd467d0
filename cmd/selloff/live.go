package main

import (
	"context"
	"errors"
	"flag"

	"github.com/selloff/selloff/feeds"
)

var errLiveNotWired = errors.New("live data is not wired yet")

func runLive(ctx context.Context, a *app, fs *flag.FlagSet, args []string) error {
	return errLiveNotWired
}

func runSnapshotRecord(ctx context.Context, a *app, fs *flag.FlagSet, args []string) error {
	return errLiveNotWired
}

func runSnapshotFetch(ctx context.Context, a *app, fs *flag.FlagSet, args []string) error {
	return errLiveNotWired
}

func runDoctor(ctx context.Context, a *app, fs *flag.FlagSet, args []string) error {
	return errLiveNotWired
}

func startLiveForServe(ctx context.Context, fs *flag.FlagSet) (feeds.Source, error) {
	return nil, errLiveNotWired
}
