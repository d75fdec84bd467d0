package main

import (
	"context"
	"errors"
	"flag"
	"fmt"
	"os"
	"path/filepath"
	"strings"

	"github.com/selloff/selloff/snapshots"
)

// defaultSnapshot is what `selloff` replays with no arguments.
const defaultSnapshot = "deepseek-week"

// loadSnapshot reads an embedded snapshot by name or a file by path.
// Lenient unless strict; the problems skipped are in s.Problems.
func loadSnapshot(nameOrPath string, strict bool) (*snapshots.Snapshot, error) {
	if nameOrPath == "" {
		nameOrPath = defaultSnapshot
	}
	s, err := snapshots.Load(nameOrPath, snapshots.ReadOptions{Strict: strict})
	if err != nil {
		// A file cut short (a recorder killed mid-write) still replays what
		// it holds in lenient mode; the cut is counted with the skipped
		// lines, so the status bar says the data is incomplete.
		var te *snapshots.TruncatedError
		if !strict && s != nil && errors.As(err, &te) {
			s.Problems = append(s.Problems, snapshots.Problem{File: nameOrPath, Line: te.Line, Reason: truncatedReason})
			return s, nil
		}
		return nil, err
	}
	return s, nil
}

// truncatedReason marks the problem loadSnapshot adds for a file cut
// short, so the replay can say "cut short" rather than count a bad record.
const truncatedReason = "truncated: the file ends mid-record"

// withEvents merges a user's events file into s.
func withEvents(s *snapshots.Snapshot, path string) error {
	if path == "" {
		return nil
	}
	path = expandHome(path)
	f, err := os.Open(path)
	if err != nil {
		return err
	}
	defer f.Close()
	evs, err := snapshots.LoadEvents(f, path)
	if err != nil {
		return err
	}
	s.Events = snapshots.MergeEvents(s.Events, evs)
	return nil
}

func runSnapshotList(_ context.Context, a *app, _ *flag.FlagSet, args []string) error {
	if len(args) > 0 {
		return usagef("list takes no arguments")
	}
	for _, name := range snapshots.Embedded() {
		h, err := embeddedHeader(name)
		if err != nil {
			fmt.Fprintf(a.stdout, "%-16s (unreadable: %v)\n", name, err)
			continue
		}
		fmt.Fprintf(a.stdout, "%-16s %-14s %s\n", name, strings.ToUpper(string(h.Provenance)), h.Title)
	}
	return nil
}

// embeddedHeader reads only line 1 of an embedded snapshot: listing needs
// the title and provenance, not every record.
func embeddedHeader(name string) (snapshots.Header, error) {
	rc, err := snapshots.OpenEmbedded(name)
	if err != nil {
		return snapshots.Header{}, err
	}
	defer rc.Close()
	rd, err := snapshots.NewReader(rc, snapshots.ReadOptions{Name: name})
	if err != nil {
		return snapshots.Header{}, err
	}
	return rd.Header(), nil
}

func runSnapshotInspect(_ context.Context, a *app, _ *flag.FlagSet, args []string) error {
	if len(args) != 1 || strings.TrimSpace(args[0]) == "" {
		return usagef("inspect needs one FILE or NAME")
	}
	s, err := loadSnapshot(args[0], false)
	if err != nil {
		return err
	}
	return snapshots.Inspect(a.stdout, s, args[0])
}

func runSnapshotValidate(_ context.Context, a *app, _ *flag.FlagSet, args []string) error {
	if len(args) != 1 {
		return usagef("validate needs one FILE or NAME")
	}
	rc, name, err := openSnapshot(args[0])
	if err != nil {
		return err
	}
	defer rc.Close()
	problems, more, err := snapshots.Validate(rc, name)
	for _, p := range problems {
		fmt.Fprintln(a.stdout, p.Error())
	}
	if line := snapshots.MoreProblemsLine(more); line != "" {
		fmt.Fprintln(a.stdout, line)
	}
	if err != nil {
		return err
	}
	if n := len(problems) + more; n > 0 {
		return fmt.Errorf("%s: %d problem(s)", name, n)
	}
	fmt.Fprintf(a.stdout, "%s: ok\n", name)
	return nil
}

type readCloser interface {
	Read([]byte) (int, error)
	Close() error
}

// openSnapshot opens an embedded snapshot by exact name, else a file, the
// same order snapshots.Load uses.
func openSnapshot(nameOrPath string) (readCloser, string, error) {
	if rc, err := snapshots.OpenEmbedded(nameOrPath); err == nil {
		return rc, nameOrPath, nil
	}
	f, err := os.Open(nameOrPath)
	if errors.Is(err, os.ErrNotExist) {
		return nil, "", fmt.Errorf("%s: no such file or embedded snapshot (embedded: %s)", nameOrPath, strings.Join(snapshots.Embedded(), ", "))
	}
	if err != nil {
		return nil, "", err
	}
	return f, nameOrPath, nil
}

// expandHome turns a leading ~/ into the home directory, as a config file
// written by hand expects.
func expandHome(p string) string {
	if strings.HasPrefix(p, "~/") {
		if home, err := os.UserHomeDir(); err == nil {
			return filepath.Join(home, p[2:])
		}
	}
	return p
}
