package chart

import (
	"fmt"
	"os"
	"strings"
	"testing"
	"time"

	"github.com/charmbracelet/x/exp/golden"

	"github.com/selloff/selloff/tui/common"
	"github.com/selloff/selloff/tui/internal/panetest"
)

// TestReal draws the embedded deepseek-week snapshot at the open, the low
// and the close of 27 Jan.
func TestReal(t *testing.T) {
	for _, at := range []time.Time{panetest.ET(27, 9, 35), panetest.Low, panetest.Close} {
		f, err := panetest.Real(at)
		if err != nil {
			t.Skipf("embedded snapshot %s not available: %v", panetest.RealName, err)
		}
		for _, mode := range []Mode{ModeLine, ModeCandles, ModeCompare} {
			for _, r := range []Range{RangeDay, RangeWeek} {
				name := fmt.Sprintf("%s_%s_%s", at.Format("1504"), mode, r)
				t.Run(name, func(t *testing.T) {
					m := New(panetest.Common(common.GlyphsBraille))
					m.SetSize(120, 30)
					m.SetSymbol("NVDA")
					m.SetCompare([]string{"NVDA", "AVGO", "TSM", "AMD", "MU", "^SOX"})
					m.SetMode(mode)
					m.SetRange(r)
					m.SetFrame(f)
					v := m.View()
					if os.Getenv("CHARTDEBUG") != "" {
						fmt.Println(v)
					}
					golden.RequireEqual(t, []byte(v))
				})
			}
		}
	}
	f, _ := panetest.Real(panetest.Close)
	m := New(panetest.Common(common.GlyphsBraille))
	m.SetSize(120, 30)
	m.SetSymbol("NVDA")
	m.SetFrame(f)
	title := strings.SplitN(m.View(), "\n", 2)[0]
	for _, want := range []string{"118.42", "−16.97%"} {
		if !strings.Contains(title, want) {
			t.Errorf("16:00 title %q lacks %q", title, want)
		}
	}
}
