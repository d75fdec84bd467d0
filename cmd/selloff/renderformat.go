package main

import (
	"flag"
	"fmt"
	"io"

	"github.com/charmbracelet/lipgloss"
	"github.com/muesli/termenv"

	"github.com/selloff/selloff/feeds"
	"github.com/selloff/selloff/snapshots"
	"github.com/selloff/selloff/tui/frameout"
)

// renderFormats are what `render --format` writes.
const renderFormats = "text, ansi, svg, json or csv"

// renderCmdFlags are render's flags: the shared ones and --format.
func renderCmdFlags(fs *flag.FlagSet) {
	renderFlags(fs)
	fs.String("format", "", "text (no colour), ansi (colour), svg (a picture), json (the frame's data) or csv (the watchlist); default: as --color says")
	tourFrameFlags(fs)
}

func checkFormat(f string) error {
	switch f {
	case "", "text", "ansi", "svg", "json", "csv":
		return nil
	}
	return usagef("--format %q: want %s", f, renderFormats)
}

// profileRenderer is a renderer that draws for profile p whatever w is.
func profileRenderer(w io.Writer, p termenv.Profile) *lipgloss.Renderer {
	r := lipgloss.NewRenderer(w)
	r.SetColorProfile(p)
	return r
}

// writeFrame writes u in format. draw renders the dashboard with a
// renderer (the text and picture formats); r is the renderer --color made.
func writeFrame(w io.Writer, format string, u feeds.Update, width, height int, title string, spoilers bool,
	r *lipgloss.Renderer, draw func(*lipgloss.Renderer) string) error {
	switch format {
	case "":
		_, err := fmt.Fprintln(w, draw(r))
		return err
	case "text":
		_, err := fmt.Fprintln(w, draw(profileRenderer(w, termenv.Ascii)))
		return err
	case "ansi":
		_, err := fmt.Fprintln(w, draw(profileRenderer(w, termenv.TrueColor)))
		return err
	case "svg":
		frame := draw(profileRenderer(io.Discard, termenv.TrueColor))
		return frameout.SVG(w, frame, frameout.SVGOptions{Width: width, Height: height, Title: title})
	case "json":
		return frameout.JSON(w, u, spoilers)
	case "csv":
		return frameout.CSV(w, u)
	}
	return checkFormat(format)
}

// frameTitle names a picture of u: the snapshot's title and the time.
func frameTitle(u feeds.Update) string {
	if u.Frame == nil {
		return "selloff"
	}
	t := u.Frame.Title
	if t == "" {
		t = "selloff"
	}
	return t + ", " + u.Frame.Time.In(snapshots.Location()).Format("Mon 2 Jan 2006 15:04") + " ET"
}
