package main

import (
	"context"

	"errors"
	"flag"
	"fmt"
	"github.com/charmbracelet/log"
	"io"
	"sort"
	"strings"

	"github.com/selloff/selloff/feeds"
	"github.com/selloff/selloff/feeds/market"
	"github.com/selloff/selloff/feeds/yahoo"
	"github.com/selloff/selloff/snapshots"
)

// Exit codes.
const (
	exitOK    = 0
	exitFail  = 1
	exitUsage = 2
)

// usageError is a mistake in how the command was called (exit 2).
// usage, when set, is the command's usage, printed after the message.
type usageError struct{ msg, usage string }

func (e usageError) Error() string { return e.msg }

func usagef(format string, a ...any) error { return usageError{msg: fmt.Sprintf(format, a...)} }

// app carries the process's streams and environment so commands are
// testable without touching the real ones.
type app struct {
	stdin  io.Reader
	stdout io.Writer
	stderr io.Writer
	getenv func(string) string
	// clock drives live polling and Yahoo's time windows; tests set a
	// fake one.
	clock feeds.Clock
	// doctorExtra are doctor steps after Yahoo's HTTP ones (the price
	// stream's check plugs in here).
	doctorExtra []func(context.Context) yahoo.Step
	// feedLog, when set, gets the live feed's state changes and errors
	// (--log-file).
	feedLog *log.Logger
	// annotate, when set, gives a Yahoo recording the events it writes
	// beside the quotes (fired alerts, the basket's new lows and highs):
	// live --record and snapshot record set it.
	annotate func(*market.Frame) []snapshots.Event
}

func newApp(stdin io.Reader, stdout, stderr io.Writer, getenv func(string) string) *app {
	return &app{stdin: stdin, stdout: stdout, stderr: stderr, getenv: getenv, clock: feeds.RealClock{}}
}

// command is one node of the command tree.
type command struct {
	name    string
	args    string // positional arguments, for usage
	summary string
	example string
	flags   func(fs *flag.FlagSet) // declares the flags
	run     func(ctx context.Context, a *app, fs *flag.FlagSet, args []string) error
	subs    []*command
}

func (a *app) root() *command {
	return &command{
		name:    "selloff",
		summary: "a terminal dashboard for the AI-stock selloff, live or replayed",
		example: "selloff                      # replay the embedded DeepSeek week\n" +
			"selloff replay --at 14:50     # start at the low of 27 Jan\n" +
			"selloff live --symbols NVDA,AVGO,TSM",
		flags: replayFlags,
		run:   runReplay,
		subs: []*command{
			{name: "replay", args: "[FILE|NAME]", summary: "replay a snapshot file or an embedded snapshot (default: deepseek-week)",
				example: "selloff replay deepseek-week --at 09:30 --speed 60\nselloff replay my-day.jsonl.gz --paused --at close",
				flags:   replayFlags, run: runReplay},
			{name: "tour", args: "[NAME|FILE]", summary: "run a tour: the replay told step by step with captions (default: the embedded deepseek tour)",
				example: "selloff tour\nselloff tour my-lesson.yaml --snapshot my-day.jsonl.gz\nselloff replay --tour deepseek",
				flags:   tourFlags, run: runTour},
			{name: "live", summary: "the dashboard on live Yahoo Finance quotes",
				example: "selloff live --symbols NVDA,AVGO,TSM --interval 5s --record today.jsonl.gz",
				flags:   liveFlags, run: runLive},
			{name: "serve", summary: "serve the dashboard over SSH (many viewers, one feed)",
				example: "selloff serve --listen 127.0.0.1:2222\nssh -p 2222 localhost",
				flags:   serveFlags, run: runServe},
			{name: "relay", summary: "publish one feed (a replay clock or the live poll) to NATS JetStream for many serve nodes",
				example: "selloff relay --nats nats://127.0.0.1:4222 --feed day --source replay\nselloff relay --nats nats://127.0.0.1:4222 --feed live --source live --watchlist ai-basket\nselloff serve --source nats://127.0.0.1:4222/day --alert \"NVDA < 120\"",
				flags:   relayFlags, run: runRelay},
			{name: "render", args: "[FILE|NAME]", summary: "print one frame of the dashboard and exit",
				example: "selloff render --at close --width 160 --height 45 --color never\nselloff render --at 14:50 --format svg > dashboard.svg\nselloff render --at close --format json | jq '.symbols[0]'",
				flags:   renderCmdFlags, run: runRender},
			{name: "export", summary: "export a replay: an asciicast with a chapter per event",
				subs: []*command{
					{name: "cast", args: "[FILE|NAME]", summary: "write the replay from --from to --to as an asciicast v2 file (asciinema)",
						example: "selloff export cast -o selloff.cast\nselloff export cast -o low.cast --from 14:00 --to 15:00 --speed 120\nasciinema play selloff.cast",
						flags:   exportCastFlags, run: runExportCast},
				}},
			{name: "snapshot", summary: "list, inspect, validate, import, record and fetch snapshots",
				subs: []*command{
					{name: "list", summary: "name the embedded snapshots", example: "selloff snapshot list", run: runSnapshotList},
					{name: "inspect", args: "FILE|NAME", summary: "print a snapshot's header, symbols, sessions, counts and events",
						example: "selloff snapshot inspect deepseek-week", run: runSnapshotInspect},
					{name: "validate", args: "FILE|NAME", summary: "check a snapshot; print FILE:LINE: reason for each problem (exit 1 if any)",
						example: "selloff snapshot validate my-day.jsonl.gz", run: runSnapshotValidate},
					{name: "import", args: "CSV...", summary: "turn CSV bar files into a snapshot (provenance imported)",
						example: "selloff snapshot import -o nvda.jsonl.gz NVDA.csv\nselloff snapshot import -o week.jsonl.gz bars_5m.csv",
						flags:   importFlags, run: runSnapshotImport},
					{name: "record", summary: "record live quotes into a snapshot, headless",
						example: "selloff snapshot record -o today.jsonl.gz --symbols NVDA,AVGO --until close",
						flags:   recordFlags, run: runSnapshotRecord},
					{name: "fetch", summary: "fetch a past session's 1-minute bars (within Yahoo's 30-day window)",
						example: "selloff snapshot fetch --date 2026-11-27 --symbols NVDA,AVGO -o nov27.jsonl.gz",
						flags:   fetchFlags, run: runSnapshotFetch},
				}},
			{name: "doctor", summary: "check the Yahoo connection step by step (cookie, crumb, quote, chart)",
				example: "selloff doctor", flags: doctorFlags, run: runDoctor},
		},
	}
}

// run executes args and returns the exit code.
func (a *app) run(ctx context.Context, args []string) int {
	err := a.dispatch(ctx, a.root(), nil, args)
	switch {
	case err == nil, errors.Is(err, flag.ErrHelp):
		return exitOK
	case isUsage(err):
		fmt.Fprintf(a.stderr, "selloff: %v\n", err)
		var u usageError
		if errors.As(err, &u) && u.usage != "" {
			fmt.Fprintf(a.stderr, "\n%s", u.usage) // with the error, on stderr: never on stdout
		}
		return exitUsage
	default:
		fmt.Fprintf(a.stderr, "selloff: %v\n", err)
		return exitFail
	}
}

func isUsage(err error) bool {
	var u usageError
	return errors.As(err, &u)
}

func (a *app) dispatch(ctx context.Context, c *command, path []string, args []string) error {
	path = append(path, c.name)
	if len(args) > 0 && len(c.subs) > 0 && !strings.HasPrefix(args[0], "-") {
		for _, s := range c.subs {
			if s.name == args[0] {
				return a.dispatch(ctx, s, path, args[1:])
			}
		}
		if c.run == nil || c.args == "" && c.name != "selloff" {
			return unknownCommand(c, path, args[0])
		}
		if c.name == "selloff" && !looksLikeSnapshot(args[0]) {
			return unknownCommand(c, path, args[0])
		}
	}
	fs := flag.NewFlagSet(strings.Join(path, " "), flag.ContinueOnError)
	fs.SetOutput(io.Discard)
	var showVersion bool
	if len(path) == 1 {
		fs.BoolVar(&showVersion, "version", false, "print the version and exit")
	}
	if c.flags != nil {
		c.flags(fs)
	}
	pos, err := parseInterspersed(fs, args)
	if errors.Is(err, flag.ErrHelp) {
		a.usage(a.stdout, c, path, fs) // asked for: stdout, exit 0
		return flag.ErrHelp
	}
	if err != nil {
		return flagError(err, fs, path)
	}
	if showVersion {
		fmt.Fprintf(a.stdout, "selloff %s\n", version)
		return nil
	}
	if c.run == nil {
		if len(pos) > 0 {
			return unknownCommand(c, path, pos[0])
		}
		var u strings.Builder
		a.usage(&u, c, path, fs)
		return usageError{msg: strings.Join(path, " ") + " needs a command", usage: u.String()}
	}
	return c.run(ctx, a, fs, pos)
}

// flagError words the flag package's error as the user typed the flag
// ("--speed", not "-speed"), with the nearest flag for an unknown one.
func flagError(err error, fs *flag.FlagSet, path []string) error {
	msg := strings.Replace(err.Error(), "for flag -", "for --", 1)
	if name, ok := strings.CutPrefix(msg, "flag provided but not defined: -"); ok {
		msg = "unknown flag --" + name
		var names []string
		fs.VisitAll(func(f *flag.Flag) { names = append(names, f.Name) })
		if s := nearest(name, names); s != "" {
			msg += "; did you mean --" + s + "?"
		}
	}
	return usagef("%s (see %s --help)", msg, strings.Join(path, " "))
}

// unknownCommand is the usage error for a command c does not have, with
// the nearest one when a typo is likely ("repaly": did you mean "replay"?).
func unknownCommand(c *command, path []string, name string) error {
	where := ""
	if len(path) > 1 {
		where = " for " + strings.Join(path, " ")
	}
	var names []string
	for _, s := range c.subs {
		names = append(names, s.name)
	}
	if s := nearest(name, names); s != "" {
		return usagef("unknown command %q%s; did you mean %q? (see %s --help)", name, where, s, strings.Join(path, " "))
	}
	return usagef("unknown command %q%s (see %s --help)", name, where, strings.Join(path, " "))
}

// nearest returns the candidate closest to s when it is close enough to be
// a typo of it (edit distance at most 2, and under half of s), else "".
// A candidate s starts (or that starts s, as "snap" for "snapshot") also
// counts.
func nearest(s string, candidates []string) string {
	s = strings.ToLower(s)
	if len(s) > 64 {
		return "" // no typo is that long; keeps the distance cheap
	}
	best, bestD := "", 3
	for _, c := range candidates {
		d := editDistance(s, c)
		if len(s) >= 3 && (strings.HasPrefix(c, s) || strings.HasPrefix(s, c)) {
			d = min(d, 1)
		}
		if d < bestD && d*2 < max(len(s), 2)+1 {
			best, bestD = c, d
		}
	}
	return best
}

// editDistance is the Damerau-Levenshtein distance (optimal string
// alignment) of a and b in bytes: a swap of two letters counts one.
func editDistance(a, b string) int {
	prev2 := make([]int, len(b)+1)
	prev := make([]int, len(b)+1)
	cur := make([]int, len(b)+1)
	for j := range prev {
		prev[j] = j
	}
	for i := 1; i <= len(a); i++ {
		cur[0] = i
		for j := 1; j <= len(b); j++ {
			cost := 1
			if a[i-1] == b[j-1] {
				cost = 0
			}
			cur[j] = min(prev[j]+1, cur[j-1]+1, prev[j-1]+cost)
			if i > 1 && j > 1 && a[i-1] == b[j-2] && a[i-2] == b[j-1] {
				cur[j] = min(cur[j], prev2[j-2]+1)
			}
		}
		prev2, prev, cur = prev, cur, prev2
	}
	return prev[len(b)]
}

// looksLikeSnapshot lets `selloff FILE` mean `selloff replay FILE`.
func looksLikeSnapshot(s string) bool {
	return strings.Contains(s, ".") || strings.Contains(s, "/")
}

// parseInterspersed parses flags that may come before or after positional
// arguments ("selloff replay FILE --speed 60"). "--" ends flag parsing.
func parseInterspersed(fs *flag.FlagSet, args []string) ([]string, error) {
	var pos []string
	for {
		if err := fs.Parse(args); err != nil {
			return nil, err
		}
		args = fs.Args()
		if len(args) == 0 {
			return pos, nil
		}
		if args[0] == "--" {
			return append(pos, args[1:]...), nil
		}
		pos = append(pos, args[0])
		args = args[1:]
	}
}

func (a *app) usage(w io.Writer, c *command, path []string, fs *flag.FlagSet) {
	name := strings.Join(path, " ")
	fmt.Fprintf(w, "%s: %s\n\nUsage:\n  %s", name, c.summary, name)
	if len(c.subs) > 0 {
		fmt.Fprintf(w, " COMMAND")
	}
	if c.args != "" {
		fmt.Fprintf(w, " %s", c.args)
	}
	fmt.Fprintf(w, " [flags]\n")
	if len(c.subs) > 0 {
		fmt.Fprintf(w, "\nCommands:\n")
		for _, s := range c.subs {
			fmt.Fprintf(w, "  %-10s %s\n", s.name, s.summary)
		}
	}
	var names []string
	fs.VisitAll(func(f *flag.Flag) { names = append(names, f.Name) })
	sort.Strings(names)
	if len(names) > 0 {
		fmt.Fprintf(w, "\nFlags:\n")
		for _, n := range names {
			f := fs.Lookup(n)
			arg, help := flag.UnquoteUsage(f)
			left := "--" + n
			if arg != "" {
				left += " " + arg
			}
			def := ""
			if f.DefValue != "" && f.DefValue != "false" && f.DefValue != "0" && f.DefValue != "0s" {
				def = fmt.Sprintf(" (default %s)", f.DefValue)
			}
			fmt.Fprintf(w, "  %-26s %s%s\n", left, help, def)
		}
		fmt.Fprintf(w, "  %-26s %s\n", "-h, --help", "show this help")
	}
	if c.example != "" {
		fmt.Fprintf(w, "\nExamples:\n")
		for _, l := range strings.Split(c.example, "\n") {
			fmt.Fprintf(w, "  %s\n", l)
		}
	}
	if len(path) == 1 {
		fmt.Fprintf(w, "\nExit codes: 0 ok, 1 failure, 2 usage error.\nDocs: README.md; snapshot format: snapshots/FORMAT.md\n")
	}
}
