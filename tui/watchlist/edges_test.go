package watchlist

import (
	"strings"
	"testing"

	"github.com/selloff/selloff/tui/common"
)

// The sparkline column has one name at every width where it fits (it was
// SESSION at 100 columns and INTRADAY elsewhere).
func TestSparkColumnHasOneName(t *testing.T) {
	for _, w := range []int{56, 70, 90, 100, 120, 160, 220} {
		v := newList(t, common.GlyphsBraille, w, 12).View()
		if strings.Contains(v, "INTRADAY") {
			t.Errorf("width %d: the column is INTRADAY:\n%s", w, v)
		}
		if w >= 90 && !strings.Contains(v, "SESSION") {
			t.Errorf("width %d: no SESSION column:\n%s", w, v)
		}
	}
}

// A symbol wider than its column ends in an ellipsis, never a silent cut
// that reads as another symbol (FOOBARX showed as "FOOBAR").
func TestLongSymbolEllipsis(t *testing.T) {
	for g, want := range map[common.Glyphs]string{common.GlyphsBraille: "FOOBA…", common.GlyphsASCII: "FOO..."} {
		f := testFrame()
		f.Symbols[0].Symbol = "FOOBARX"
		m := New(testCommon(g))
		m.SetSize(120, 12)
		m.SetFrame(f)
		v := m.View()
		if !strings.Contains(v, want) {
			t.Errorf("%s: no %q in\n%s", g, want, v)
		}
		if strings.Contains(v, "FOOBAR ") {
			t.Errorf("%s: FOOBARX cut to FOOBAR:\n%s", g, v)
		}
	}
}
