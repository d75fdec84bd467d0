package common

import (
	"strings"

	"github.com/charmbracelet/x/ansi"
	"github.com/muesli/termenv"

	"github.com/selloff/selloff/tui/theme"
)

// LinkLines lays out a labelled URL ("Link: https://…") in w cells without
// cutting the URL where it fits: on the label's line when both fit, else
// on lines of its own, broken only after a '/', '?', '&', '=' or '#' (where
// a reader expects a URL to go on), never inside a word. Where the
// renderer takes escape codes, every piece is an OSC 8 hyperlink to the
// whole URL (terminals without OSC 8 ignore it), so a click on any piece
// opens it whole.
func LinkLines(st *theme.Styles, label, url string, w int) []string {
	muted := st.Muted
	w = max(1, w)
	link := func(s string) string { return muted.Render(s) }
	if st.R != nil && st.R.ColorProfile() != termenv.Ascii {
		link = func(s string) string { return ansi.SetHyperlink(url) + muted.Render(s) + ansi.ResetHyperlink() }
	}
	if theme.StringWidth(label+" "+url) <= w {
		return []string{muted.Render(label+" ") + link(url)}
	}
	out := []string{muted.Render(label)}
	for _, piece := range SplitURL(url, w) {
		out = append(out, link(piece))
	}
	return out
}

// SplitURL cuts url into pieces of at most w cells, each ending after a
// URL separator where one is in reach (else at w).
func SplitURL(url string, w int) []string {
	w = max(1, w)
	var out []string
	for theme.StringWidth(url) > w {
		cut := ansi.Truncate(url, w, "")
		if i := strings.LastIndexAny(cut, "/?&=#"); i > 0 {
			cut = cut[:i+1]
		}
		if cut == "" {
			break
		}
		out = append(out, cut)
		url = url[len(cut):]
	}
	return append(out, url)
}
