package main

import (
	"context"
	"flag"
	"fmt"
	"io"
	"math"
	"os"
	"path/filepath"
	"sort"
	"strings"
	"time"

	"github.com/charmbracelet/lipgloss"
	"github.com/muesli/termenv"

	"github.com/selloff/selloff/feeds"
	"github.com/selloff/selloff/feeds/replay"
	"github.com/selloff/selloff/snapshots"
	"github.com/selloff/selloff/tui"
	"github.com/selloff/selloff/tui/celldiff"
	"github.com/selloff/selloff/tui/common"
	"github.com/selloff/selloff/tui/frameout"
)

// Cast defaults and bounds.
const (
	castSpeed     = 600
	castFPS       = 10
	castMaxFPS    = 60
	castMaxFrames = 200_000 // about 5.5 hours of cast at 10 fps
)

func exportCastFlags(fs *flag.FlagSet) {
	fs.String("o", "", "the .cast file to write (- for stdout)")
	fs.String("from", "", "where the cast starts (HH:MM, YYYY-MM-DDTHH:MM, RFC 3339, open or close; default: the main day's open)")
	fs.String("to", "", "where it ends (default: the main day's close)")
	speedFlagDefault(fs, castSpeed, "replay speed `X`, 0.25 to 3600 (x real time)")
	fs.Int("fps", castFPS, "frames per second of the cast, 1 to 60")
	fs.Int("width", 120, "columns")
	fs.Int("height", 36, "rows")
	fs.String("glyphs", "", "chart glyphs: braille, block or ascii (default from config, else braille)")
	fs.String("events", "", "a YAML or JSON events file merged into the timeline (default from config)")
	fs.String("config", "", "config file (default $XDG_CONFIG_HOME/selloff/config.yaml)")
}

// castSpec is what one export draws.
type castSpec struct {
	from, to      time.Time
	speed         float64
	fps           int
	width, height int
	glyphs        common.Glyphs
}

func runExportCast(_ context.Context, a *app, fs *flag.FlagSet, args []string) error {
	name, err := oneArg(args, "snapshot")
	if err != nil {
		return err
	}
	out := fstr(fs, "o")
	if out == "" {
		return usagef("export cast needs -o FILE.cast (or -o - for stdout)")
	}
	spec := castSpec{speed: get[float64](fs, "speed"), fps: get[int](fs, "fps"),
		width: get[int](fs, "width"), height: get[int](fs, "height")}
	if spec.fps < 1 || spec.fps > castMaxFPS {
		return usagef("--fps %d: want 1 to %d", spec.fps, castMaxFPS)
	}
	if spec.width < 1 || spec.height < 1 || spec.width > 1000 || spec.height > 500 {
		return usagef("--width and --height must be 1..1000 and 1..500 (got %dx%d)", spec.width, spec.height)
	}
	cfg, err := loadConfig(fs)
	if err != nil {
		return err
	}
	g := pick(fs, "glyphs", cfg.Glyphs, "braille")
	if err := checkGlyphs(g); err != nil {
		return err
	}
	spec.glyphs = common.Glyphs(g)
	d, err := loadReplayData(name, pick(fs, "events", cfg.Events, ""), false)
	if err != nil {
		return err
	}
	if spec.from, spec.to, err = d.castSpan(fstr(fs, "from"), fstr(fs, "to")); err != nil {
		return err
	}
	if n := spec.frames(); n > castMaxFrames {
		return usagef("%d frames (%s at %gx, %d fps) is more than %d: raise --speed or lower --fps",
			n, spec.to.Sub(spec.from), spec.speed, spec.fps, castMaxFrames)
	}

	var w io.Writer = a.stdout
	var f *os.File
	if out != "-" {
		// write beside the target and rename at the end: an interrupted
		// export never leaves half a cast under the name asked for
		f, err = os.CreateTemp(filepath.Dir(out), "."+filepath.Base(out)+".*")
		if err != nil {
			return err
		}
		defer func() {
			if f != nil {
				f.Close()
				os.Remove(f.Name())
			}
		}()
		w = f
	}
	var progress func(done, total int)
	if isTerminal(a.stderr) && (out != "-" || !isTerminal(a.stdout)) { // not across a cast on the same screen
		progress = progressBar(a.stderr)
	}
	if _, err := writeCast(w, d, spec, progress); err != nil {
		return err
	}
	if f != nil {
		if err := f.Close(); err != nil {
			return err
		}
		if err := os.Rename(f.Name(), out); err != nil {
			return err
		}
		f = nil
	}
	return nil
}

// castSpan reads --from and --to (default the main day's open and close).
func (d *replayData) castSpan(fromSpec, toSpec string) (from, to time.Time, err error) {
	open, close, ok := d.ds.SessionTimes(d.ds.MainSession())
	if !ok {
		open, close, _ = d.ds.Span()
	}
	from, to = open, close
	if fromSpec != "" {
		if from, err = d.at(fromSpec); err != nil {
			return from, to, usagef("--from%s", strings.TrimPrefix(err.Error(), "--at"))
		}
	}
	if toSpec != "" {
		if to, err = d.at(toSpec); err != nil {
			return from, to, usagef("--to%s", strings.TrimPrefix(err.Error(), "--at"))
		}
	}
	if !to.After(from) {
		return from, to, usagef("--to %s is not after --from %s", to.In(from.Location()).Format(time.DateTime), from.Format(time.DateTime))
	}
	return from, to, nil
}

// step is the market time between two frames.
func (s castSpec) step() time.Duration {
	return time.Duration(s.speed * float64(time.Second) / float64(s.fps))
}

// frames is the number of frames: one every step from from, and one at to.
func (s castSpec) frames() int {
	return int(math.Ceil(float64(s.to.Sub(s.from))/float64(s.step()))) + 1
}

// castTime is when market time t plays in the cast (seconds from its start).
func (s castSpec) castTime(t time.Time) float64 {
	return t.Sub(s.from).Seconds() / s.speed
}

// writeCast writes the replay from spec.from to spec.to as an asciicast v2
// stream: a frame every 1/fps seconds of cast (speed/fps of market time),
// each as the bytes a cell-diff renderer sends to turn the last frame into
// it, and a marker with its title at every event placed within the span.
// The replay is driven frame by frame (no clock is read), so the same
// inputs give the same bytes; the last frame is the one `render --at TO`
// draws: the replay stopped there. It returns the number of frames.
func writeCast(w io.Writer, d *replayData, spec castSpec, progress func(done, total int)) (int, error) {
	opt := d.options()
	opt.Start, opt.Paused, opt.Speed = spec.from, true, spec.speed
	rp, err := replay.New(d.ds, feeds.RealClock{}, opt) // paused: reads no clock that matters
	if err != nil {
		return 0, err
	}
	ctx, cancel := context.WithCancel(context.Background())
	defer cancel()
	base, ok := <-rp.Subscribe(ctx) // the health and clock a replay of d publishes
	if !ok {
		return 0, fmt.Errorf("no frame at %s", spec.from)
	}
	r := lipgloss.NewRenderer(io.Discard)
	r.SetColorProfile(termenv.TrueColor)

	cast, err := frameout.NewCast(w, frameout.CastHeader{
		Width: spec.width, Height: spec.height,
		Timestamp: spec.from.Unix(),
		Duration:  math.Round(spec.castTime(spec.to)*1e6) / 1e6,
		Title:     castTitle(d, spec),
		Env:       map[string]string{"TERM": "xterm-256color"},
	})
	if err != nil {
		return 0, err
	}
	markers := castMarkers(d, spec)
	cw := celldiff.New(spec.width, spec.height, celldiff.Options{})
	total := spec.frames()
	for k := 0; k < total; k++ {
		vt := spec.from.Add(time.Duration(k) * spec.step())
		u := base
		if k == total-1 || !vt.Before(spec.to) {
			vt = spec.to
			if u, err = d.castEnd(spec); err != nil {
				return k, err
			}
		} else {
			st := *base.Clock
			st.Paused = false
			u.Clock, u.Frame, u.Seq = &st, d.ds.At(vt), base.Seq+uint64(k)
		}
		at := spec.castTime(vt)
		for len(markers) > 0 && markers[0].at <= at {
			if err := cast.Marker(markers[0].at, markers[0].title); err != nil {
				return k, err
			}
			markers = markers[1:]
		}
		if b := cw.Frame(tui.Render(u, spec.width, spec.height, r, spec.glyphs)); len(b) > 0 {
			if err := cast.Output(at, b); err != nil {
				return k, err
			}
		}
		if progress != nil {
			progress(k+1, total)
		}
	}
	// the pen reset and the cursor shown again, as a program leaves a terminal
	if b := cw.Close(); len(b) > 0 {
		if err := cast.Output(spec.castTime(spec.to), b); err != nil {
			return total, err
		}
	}
	return total, nil
}

// castEnd is the cast's last frame: the replay stopped (paused) at --to,
// the update `render --at TO` draws, at the cast's speed.
func (d *replayData) castEnd(spec castSpec) (feeds.Update, error) {
	u, err := d.still(spec.to.Format(time.RFC3339Nano))
	if err != nil || u.Clock == nil {
		return u, err
	}
	st := *u.Clock
	st.Speed = spec.speed
	u.Clock = &st
	return u, nil
}

type castMarker struct {
	at    float64
	title string
}

// castMarkers are the chapters: every event placed (where a replay shows
// it) within the span, at that moment, with its title.
func castMarkers(d *replayData, spec castSpec) []castMarker {
	var ms []castMarker
	sessions := d.ds.Sessions()
	for _, e := range d.ds.Events() {
		p := snapshots.Placement(e, sessions)
		if p.Before(spec.from) || p.After(spec.to) {
			continue
		}
		ms = append(ms, castMarker{at: spec.castTime(p), title: e.Title})
	}
	sort.SliceStable(ms, func(i, j int) bool { return ms[i].at < ms[j].at })
	return ms
}

func castTitle(d *replayData, spec castSpec) string {
	t := d.ds.Title()
	if t == "" {
		t = "selloff"
	}
	const layout = "Mon 2 Jan 2006 15:04"
	loc := spec.from.Location()
	return fmt.Sprintf("%s, %s to %s ET at %gx", t, spec.from.In(loc).Format(layout), spec.to.In(loc).Format("15:04"), spec.speed)
}

// progressBar draws "export [#####     ] 45% 180/400 frames" on a
// terminal, redrawn when the percentage moves, ended by a newline.
func progressBar(w io.Writer) func(done, total int) {
	last := -1
	return func(done, total int) {
		pct := done * 100 / max(total, 1)
		if pct == last && done != total {
			return
		}
		last = pct
		const width = 30
		fill := pct * width / 100
		fmt.Fprintf(w, "\rexport [%s%s] %3d%% %d/%d frames", strings.Repeat("#", fill), strings.Repeat(" ", width-fill), pct, done, total)
		if done == total {
			fmt.Fprintln(w)
		}
	}
}
