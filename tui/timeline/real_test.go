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
