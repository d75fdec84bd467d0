package errlog

import (
	"fmt"
	"strings"
	"testing"
	"time"

	"github.com/charmbracelet/x/ansi"

	"github.com/selloff/selloff/tui/common"
	"github.com/selloff/selloff/tui/internal/panetest"
)

func TestAddFoldsRepeatsAndKeepsTheLast(t *testing.T) {
	m := New(panetest.Common(common.GlyphsASCII))
	t0 := time.Date(2026, 12, 1, 15, 0, 0, 0, time.UTC)
	m.Add("a", t0)
	m.Add("b", t0.Add(time.Second))
	m.Add("a", t0.Add(2*time.Second))
	m.Add("  ", t0) // nothing
	got := m.Entries()
	if len(got) != 2 || got[1].Text != "a" || got[1].Count != 2 || !got[1].First.Equal(t0) || !got[1].Last.Equal(t0.Add(2*time.Second)) {
		t.Fatalf("%+v", got)
	}
	for i := range MaxEntries + 10 {
		m.Add(fmt.Sprint("e", i), t0)
	}
	if m.Len() != MaxEntries {
		t.Fatalf("%d entries kept", m.Len())
	}
	m.Add("\x1b]52;c;evil\x07bad"+strings.Repeat("x", 5000), t0)
	if e := m.Entries()[m.Len()-1]; strings.ContainsRune(e.Text, 0x1b) || len([]rune(e.Text)) > maxText+1 {
		t.Fatalf("stored %q", e.Text[:40])
	}
}

// The view is exactly its size at any size, tiny ones included.
func TestViewSize(t *testing.T) {
	m := New(panetest.Common(common.GlyphsASCII))
	m.Add(strings.Repeat("a long error ", 40), time.Time{})
	for _, sz := range [][2]int{{120, 30}, {40, 10}, {10, 4}, {1, 1}} {
		m.SetSize(sz[0], sz[1])
		lines := strings.Split(m.View(), "\n")
		if len(lines) != sz[1] {
			t.Fatalf("%v: %d lines", sz, len(lines))
		}
		for _, l := range lines {
			if w := ansi.StringWidth(l); w != sz[0] {
				t.Fatalf("%v: line %q is %d wide", sz, l, w)
			}
		}
	}
}
