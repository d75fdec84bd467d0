package timeline

import (
	"fmt"
	"testing"
	"time"

	"github.com/charmbracelet/x/exp/golden"

	"github.com/selloff/selloff/tui/common"
	"github.com/selloff/selloff/tui/internal/panetest"
)

// TestReal: the embedded deepseek-week snapshot's timeline at the open, the
// low and the close of 27 Jan.
func TestReal(t *testing.T) {
	for _, at := range []time.Time{panetest.ET(27, 9, 35), panetest.Low, panetest.Close} {
		f, err := panetest.Real(at)
		if err != nil {
			t.Skipf("embedded snapshot %s not available: %v", panetest.RealName, err)
		}
		t.Run(fmt.Sprintf("%s_70x16", at.Format("1504")), func(t *testing.T) {
			m := New(panetest.Common(common.GlyphsBraille))
			m.SetSize(70, 16)
			m.Focus()
			m.SetFrame(f)
			golden.RequireEqual(t, []byte(m.View()))
		})
	}
}

// TestRealASCII: with the ascii glyph set the list and the details of the
// real timeline are plain ASCII.
func TestRealASCII(t *testing.T) {
	f, err := panetest.Real(panetest.Close)
	if err != nil {
		t.Skipf("embedded snapshot %s not available: %v", panetest.RealName, err)
	}
	m := New(panetest.Common(common.GlyphsASCII))
	m.SetSize(100, 40)
	m.Focus()
	m.SetFrame(f)
	for range f.Events {
		m, _ = m.Update(keyMsg("k"))
	}
	for i := 0; i <= len(f.Events); i++ {
		for _, v := range []string{m.View(), func() string { d, _ := m.Update(keyMsg("enter")); return d.View() }()} {
			for _, c := range v {
				if c > 127 {
					t.Fatalf("event %d: non-ASCII %q in\n%s", m.Selected()+1, c, v)
				}
			}
		}
		m, _ = m.Update(keyMsg("j"))
	}
}
