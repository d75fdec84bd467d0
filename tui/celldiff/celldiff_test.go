package celldiff_test

import (
	"fmt"
	"io"
	"strings"
	"testing"

	"github.com/charmbracelet/lipgloss"
	"github.com/muesli/termenv"

	"github.com/selloff/selloff/tui/celldiff"
	"github.com/selloff/selloff/tui/celldiff/celldifftest"
)

// frame draws a small dashboard-like screen: a header, a table whose
// numbers move with step, a bar, and a status line.
func frame(r *lipgloss.Renderer, w, h, step int) string {
	head := r.NewStyle().Bold(true).Foreground(lipgloss.Color("#ffcc00")).Background(lipgloss.Color("236")).Width(w)
	up := r.NewStyle().Foreground(lipgloss.Color("2"))
	down := r.NewStyle().Foreground(lipgloss.Color("#ff3355")).Underline(true)
	dim := r.NewStyle().Faint(true)
	var lines []string
	lines = append(lines, head.Render(fmt.Sprintf("selloff  10:%02d ET  ▶ 120x", step%60)))
	for i := 0; i < h-3; i++ {
		v := float64((i*37+step*13)%1000) / 10
		st := up
		if (i+step)%3 == 0 {
			st = down
		}
		bar := strings.Repeat("█", (i+step)%20) + strings.Repeat("░", 20-(i+step)%20)
		lines = append(lines, fmt.Sprintf("%-6s %s %s %s", fmt.Sprintf("SYM%d", i), st.Render(fmt.Sprintf("%7.2f", v)), dim.Render(bar), "日本"))
	}
	lines = append(lines, "")
	lines = append(lines, r.NewStyle().Reverse(true).Render(fmt.Sprintf(" step %d ", step))+strings.Repeat("-", w))
	return strings.Join(lines, "\n")
}

func TestFramesReconstructExactly(t *testing.T) {
	profiles := []termenv.Profile{termenv.TrueColor, termenv.ANSI256, termenv.ANSI, termenv.Ascii}
	for i, p := range profiles {
		t.Run(fmt.Sprint(p), func(t *testing.T) {
			r := lipgloss.NewRenderer(io.Discard)
			r.SetColorProfile(p)
			w, h := 60, 16
			cw := celldiff.New(w, h, celldiff.Options{AltScreen: true, Mouse: celldiff.MouseCellMotion, BracketedPaste: true})
			tm := celldifftest.NewTerm(w, h)
			defer tm.Close()
			ref := celldifftest.NewReference(w, h)
			var sent int64
			for step := 0; step < 30; step++ {
				if step == 12 { // a window change
					w, h = 50, 12
					cw.Resize(w, h)
					tm.Resize(w, h)
					ref.Resize(w, h)
				}
				if step == 20 { // the same screen in another colour profile
					r.SetColorProfile(profiles[(i+1)%len(profiles)])
				}
				f := frame(r, w, h, step)
				b := cw.Frame(f)
				sent += int64(len(b))
				_, _ = tm.Write(b)
				ref.Frame(f)
				if d := tm.Diff(f); d != "" {
					t.Fatalf("step %d: %s", step, d)
				}
				if !tm.CursorHidden() {
					t.Fatalf("step %d: cursor shown", step)
				}
			}
			ratio := float64(sent) / float64(ref.Bytes())
			t.Logf("sent %d bytes, reference %d, ratio %.2f", sent, ref.Bytes(), ratio)
			if ratio > 1.25 {
				t.Errorf("%d bytes is %.2fx the reference's %d", sent, ratio, ref.Bytes())
			}
			if b := cw.Frame(frame(r, w, h, 29)); len(b) != 0 { // nothing changed
				t.Errorf("an unchanged frame sent %q", b)
			}
			_, _ = tm.Write(cw.Close())
			if tm.CursorHidden() {
				t.Error("cursor still hidden after Close")
			}
		})
	}
}
