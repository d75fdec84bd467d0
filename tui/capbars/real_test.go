package capbars

import (
	"strings"
	"testing"

	"github.com/charmbracelet/x/exp/golden"

	"github.com/selloff/selloff/tui/common"
	"github.com/selloff/selloff/tui/internal/panetest"
)

// TestReal: the embedded deepseek-week snapshot at 16:00 on 27 Jan.
func TestReal(t *testing.T) {
	f, err := panetest.Real(panetest.Close)
	if err != nil {
		t.Skipf("embedded snapshot %s not available: %v", panetest.RealName, err)
	}
	m := New(panetest.Common(common.GlyphsBraille))
	m.SetSize(90, 26)
	m.SetFrame(f)
	v := m.View()
	golden.RequireEqual(t, []byte(v))
	lines := strings.Split(v, "\n")
	if !strings.Contains(lines[0], "since Fri close") {
		t.Errorf("header %q", lines[0])
	}
	if fs := strings.Fields(lines[1]); len(fs) < 3 || fs[0] != "NVDA" || fs[2] != "−$592.7B" {
		t.Errorf("first row %q, want NVDA −$592.7B", lines[1])
	}
}
