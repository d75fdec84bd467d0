package main

import (
	"io"
	"strings"
)

// notifier returns how to show a desktop notification through the
// terminal w, or nil when the terminal is not known to accept one: OSC 9
// for iTerm2, WezTerm and Ghostty, OSC 777 for foot and urxvt. Inside tmux
// or screen the sequence would not reach the outer terminal, so none.
func notifier(w io.Writer, getenv func(string) string) func(text string) {
	if w == nil || getenv == nil {
		return nil
	}
	term, prog := getenv("TERM"), getenv("TERM_PROGRAM")
	if getenv("TMUX") != "" || strings.HasPrefix(term, "screen") || strings.HasPrefix(term, "tmux") {
		return nil
	}
	var seq func(string) string
	switch {
	case prog == "iTerm.app" || prog == "WezTerm" || prog == "ghostty":
		seq = func(s string) string { return "\x1b]9;" + s + "\x07" }
	case strings.HasPrefix(term, "foot") || strings.HasPrefix(term, "rxvt-unicode"):
		seq = func(s string) string { return "\x1b]777;notify;selloff;" + s + "\x07" }
	default:
		return nil
	}
	return func(text string) { _, _ = io.WriteString(w, seq(oscText(text))) }
}

// oscText makes text safe inside an OSC string: no control characters
// (ESC or BEL would end it early), at most 200 bytes.
func oscText(s string) string {
	var b strings.Builder
	for _, r := range s {
		if b.Len() >= 200 {
			break
		}
		if r < 0x20 || r == 0x7f || r >= 0x80 && r < 0xa0 {
			r = ' '
		}
		b.WriteRune(r)
	}
	return b.String()
}
