package tui

import (
	"strings"
	"testing"

	"github.com/charmbracelet/x/ansi"

	"github.com/selloff/selloff/tui/common"
)

// Before Monday's first trade the watchlist shows Friday's close with no
// change (unknown), never a 0.00 that reads as "flat".
func TestNoChangeBeforeTheFirstTrade(t *testing.T) {
	m := newTestModel(t, 160, 45, &fakeController{}, common.GlyphsBraille)
	m = withUpdate(t, m, replayUpdate(t, "2025-01-27 09:15", 1))
	y := rowY(m.View(), "NVDA", m.lay.watch.w)
	if y < 0 {
		t.Fatal("NVDA not on screen")
	}
	row := ansi.Strip(strings.Split(m.View(), "\n")[y])
	if !strings.Contains(row, "142.62") || strings.Contains(row, "0.00") || strings.Contains(row, "$0.0B") {
		t.Errorf("NVDA at 09:15: %q", row)
	}
}
