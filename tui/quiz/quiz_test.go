package quiz

import (
	"fmt"
	"strings"
	"testing"
	"time"

	"github.com/charmbracelet/x/exp/golden"

	"github.com/selloff/selloff/feeds"
	"github.com/selloff/selloff/feeds/party"
	"github.com/selloff/selloff/tui/common"
	"github.com/selloff/selloff/tui/internal/panetest"
	"github.com/selloff/selloff/tui/theme"
)

// revealed runs q through a party room (the truth from truth, the answers
// given in order) and returns what the room revealed: the pane shows the
// room's figures, never its own.
func revealed(t *testing.T, q feeds.Question, truth party.TruthFunc, answers ...string) (feeds.Question, *feeds.QuestionResult) {
	t.Helper()
	r := party.New(truth)
	r.Tick(panetest.ET(27, 10, 0))
	if err := r.Apply(feeds.LessonOp{Kind: feeds.LessonAsk, Question: &q}); err != nil {
		t.Fatal(err)
	}
	for i, a := range answers {
		v := fmt.Sprint(i + 1)
		if err := r.Apply(feeds.LessonOp{Kind: feeds.LessonAnswer, Viewer: v, Name: "user" + v, Anon: "viewer " + v, Answer: a}); err != nil {
			t.Fatal(a, err)
		}
	}
	r.Tick(panetest.ET(27, 16, 0))
	if err := r.Apply(feeds.LessonOp{Kind: feeds.LessonReveal}); err != nil {
		t.Fatal(err)
	}
	l := r.Status("")
	return *l.Question, l.Result
}

func nvdaClose(sym, measure string, at time.Time) (float64, bool) {
	if sym == "NVDA" && measure == feeds.MeasurePrice && at.Equal(panetest.ET(27, 16, 0)) {
		return 118.42, true
	}
	return 0, false
}

func numberQ() feeds.Question {
	return feeds.Question{Text: "Where does NVDA close?", Kind: feeds.QuestionNumber, Unit: "$", Symbol: "NVDA",
		Measure: feeds.MeasurePrice, LockAt: panetest.ET(27, 16, 0), Names: true}
}

func pane(g common.Glyphs, w, h int, q feeds.Question, r *feeds.QuestionResult) Model {
	m := New(panetest.Common(g))
	m.SetSize(w, h)
	m.Set(q, r)
	return m
}

func TestGolden(t *testing.T) {
	q, r := revealed(t, numberQ(), nvdaClose, "120", "$118.00", "100.5", "131", "117.5", "125", "119")
	cq, cr := revealed(t, feeds.Question{Text: "Who falls most?", Kind: feeds.QuestionChoice,
		Choices: []string{"NVDA", "AVGO", "VST"}, Correct: 3}, nil, "1", "3", "3", "2", "1", "3")
	for _, size := range [][2]int{{80, 24}, {160, 45}} {
		t.Run(fmt.Sprintf("number_%dx%d", size[0], size[1]), func(t *testing.T) {
			golden.RequireEqual(t, []byte(pane(common.GlyphsBraille, size[0], size[1], q, r).View()))
		})
		t.Run(fmt.Sprintf("choice_%dx%d", size[0], size[1]), func(t *testing.T) {
			golden.RequireEqual(t, []byte(pane(common.GlyphsBraille, size[0], size[1], cq, cr).View()))
		})
	}
	t.Run("ascii_number_80x24", func(t *testing.T) {
		golden.RequireEqual(t, []byte(pane(common.GlyphsASCII, 80, 24, q, r).View()))
	})
}

// With no figure at the lock time the reveal says so: no zero, no
// closest answers measured from nothing.
func TestUnknownTruth(t *testing.T) {
	q, r := revealed(t, numberQ(), nil, "120", "118")
	v := pane(common.GlyphsASCII, 80, 24, q, r).View()
	if !strings.Contains(v, "true value unknown: no figure at 16:00") {
		t.Errorf("no reason:\n%s", v)
	}
	if strings.Contains(v, "$0.00") || strings.Contains(v, "closest") {
		t.Errorf("a zero or a closest answer without a truth:\n%s", v)
	}
}

// Every size gives exactly h lines of w cells, and ASCII under the ascii
// glyphs; 0x0 and 10x4 do not panic.
func TestSizes(t *testing.T) {
	q, r := revealed(t, numberQ(), nvdaClose, "120", "$118.00", "100.5")
	for _, sz := range [][2]int{{0, 0}, {1, 1}, {10, 4}, {30, 8}, {80, 24}, {160, 45}} {
		for _, g := range []common.Glyphs{common.GlyphsASCII, common.GlyphsBraille} {
			v := pane(g, sz[0], sz[1], q, r).View()
			if sz[0] == 0 {
				if v != "" {
					t.Errorf("0x0: %q", v)
				}
				continue
			}
			lines := strings.Split(v, "\n")
			if len(lines) != sz[1] {
				t.Errorf("%v: %d lines", sz, len(lines))
			}
			for _, ln := range lines {
				if theme.Width(ln) != sz[0] {
					t.Errorf("%v: line %q is %d wide", sz, ln, theme.Width(ln))
				}
				if g == common.GlyphsASCII {
					for _, c := range ln {
						if c > 126 {
							t.Fatalf("%v: non-ASCII %q in %q", sz, c, ln)
						}
					}
				}
			}
		}
	}
	// not revealed, and an empty reveal
	_ = pane(common.GlyphsASCII, 10, 4, q, nil).View()
	_ = pane(common.GlyphsASCII, 10, 4, q, &feeds.QuestionResult{}).View()
}
