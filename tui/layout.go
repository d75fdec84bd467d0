package tui

import (
	"github.com/charmbracelet/bubbles/help"
	"github.com/charmbracelet/bubbles/key"
	"strconv"
	"strings"

	"github.com/charmbracelet/lipgloss"
	"github.com/charmbracelet/x/ansi"

	"github.com/selloff/selloff/tui/theme"
	"github.com/selloff/selloff/tui/watchlist"
)

type layoutKind int

const (
	kindTooSmall layoutKind = iota
	kindCompact             // watchlist + strip + status
	kindMedium              // watchlist | chart (timeline under the chart when tall)
	kindFull                // watchlist | chart over timeline
)

// Breakpoints of the layouts. Chrome heights are measured, never assumed.
const (
	fullMinW    = 140
	fullMinH    = 40
	mediumMinW  = 80
	mediumMinH  = 24
	compactMinW = 30
	// mediumTimelineMinH is the main-area height from which the medium
	// layout shows the timeline under the chart.
	mediumTimelineMinH = 30
	// summaryMinH is the height from which the rows the watchlist does not
	// need show the value-change bars under it (frame, header, 4 bars).
	summaryMinH = 7
)

type rect struct{ w, h int }

type layout struct {
	kind         layoutKind
	needW, needH int
	watch        rect
	chart        rect // chart or, when open, the value-change pane
	timeline     rect
	summary      rect // value-change bars under the watchlist
	hold         int  // lines of the portfolio row under the watchlist (0: none)
	showChart    bool
	showTimeline bool
	showSummary  bool
	helpOnly     bool // help is open and nothing else fits
	helpH        int
	mainH        int
}

func (l layout) visible(p int) bool {
	switch p {
	case paneWatchlist:
		return l.kind != kindTooSmall && !l.helpOnly
	case paneChart:
		return l.showChart && !l.helpOnly
	case paneTimeline:
		return l.showTimeline && !l.helpOnly
	}
	return false
}

// minPaneHeight is the smallest useful watchlist: its frame, title, column
// header and one row.
func (m Model) minPaneHeight() int {
	return m.c.Styles.Pane.GetVerticalFrameSize() + 3
}

// relayout computes the pane rectangles for the current size and chrome and
// gives every pane its size.
func (m *Model) relayout() {
	W, H := m.width, m.height
	m.strip.SetSize(W, 1)
	m.status.SetSize(W, 1)
	m.refreshStatus()
	l := layout{needW: compactMinW}
	if W <= 0 || H <= 0 {
		m.lay = layout{kind: kindTooSmall, needW: compactMinW, needH: 1}
		return
	}
	stripH := lipgloss.Height(m.strip.View())
	statusH := lipgloss.Height(m.status.View())
	gotoH := 0
	if m.gotoOpen {
		gotoH = lipgloss.Height(m.gotoView())
	}
	if m.paperLine() != "" || m.money.prompt.open {
		gotoH++ // the paper ticket's or the add-a-position prompt's line
	}
	if m.tour.on {
		gotoH++ // the tour's caption line
	}
	if m.lesson.prompt != promptNone {
		gotoH++ // the lesson's prompt
	}
	if m.lesson.lineOn = m.hasLessonLine(); m.lesson.lineOn {
		gotoH++ // the lesson's caption line
	}
	minPane := m.minPaneHeight()
	gotoH += m.layoutBoard(H - stripH - statusH - gotoH - minPane)
	l.needH = stripH + statusH + minPane
	if W < l.needW || H < l.needH {
		l.kind = kindTooSmall
		m.lay = l
		m.syncKeys()
		return
	}
	avail := H - stripH - statusH - gotoH
	if m.showHelp {
		if m.help.Width != W {
			m.help = cow(m.help, func(h *help.Model) { h.Width = W })
		}
		l.helpH = lipgloss.Height(m.helpView())
		if avail-l.helpH < minPane {
			l.helpOnly = true
			l.helpH = max(avail, 0)
		}
		avail -= l.helpH
	}
	avail = max(avail, 0)
	l.mainH = avail
	switch {
	case W >= fullMinW && H >= fullMinH:
		l.kind = kindFull
	case W >= mediumMinW && H >= mediumMinH:
		l.kind = kindMedium
	default:
		l.kind = kindCompact
	}
	if l.helpOnly {
		l.mainH = 0
	}
	switch l.kind {
	case kindFull:
		// 9/16 of 160 columns fits the watchlist with its NAME column.
		ww := W * 9 / 16
		cw := W - ww
		ch := avail * 11 / 20
		l.watch = rect{ww, avail}
		l.chart = rect{cw, ch}
		l.timeline = rect{cw, avail - ch}
		l.showChart, l.showTimeline = true, true
	case kindMedium:
		ww := W * 56 / 100
		cw := W - ww
		l.watch = rect{ww, avail}
		l.showChart = true
		if avail >= mediumTimelineMinH {
			ch := avail * 3 / 5
			l.chart = rect{cw, ch}
			l.timeline = rect{cw, avail - ch}
			l.showTimeline = true
		} else {
			l.chart = rect{cw, avail}
		}
	case kindCompact:
		l.watch = rect{W, avail}
	}
	m.layoutMoney(&l)
	// Rows the watchlist does not need go to the value-change bars (unless
	// they are open in the chart's place already).
	if nh := m.watch.NaturalHeight(); nh > 0 && !m.showCap && !m.hideSum && !l.helpOnly && l.watch.h-nh >= summaryMinH {
		l.summary = rect{l.watch.w, l.watch.h - nh}
		l.watch.h = nh
		l.showSummary = true
	}
	m.lay = l
	switch {
	case l.visible(m.wantFocus) && m.focus != m.wantFocus:
		m.applyFocus(m.wantFocus) // back from a size that hid it
	case !l.visible(m.focus):
		m.applyFocus(paneWatchlist)
	}
	m.watch.SetSize(l.watch.w, l.watch.h)
	m.prov.SetSize(W-m.c.Styles.Pane.GetHorizontalFrameSize(), l.mainH-m.c.Styles.Pane.GetVerticalFrameSize())
	m.errs.SetSize(W, l.mainH)
	m.lesson.quiz.SetSize(W-m.c.Styles.Pane.GetHorizontalFrameSize(), l.mainH-m.c.Styles.Pane.GetVerticalFrameSize())
	m.paper.blot.SetSize(W-m.c.Styles.Pane.GetHorizontalFrameSize(), l.mainH-m.c.Styles.Pane.GetVerticalFrameSize())
	m.panes.setSizes(l, m.showCap, m.c.Styles.Pane.GetHorizontalFrameSize(), m.c.Styles.Pane.GetVerticalFrameSize())
	m.syncKeys()
}

// toggleValuePane is `m`. Where the value-change bars already show under
// the watchlist (a roomy terminal), `m` hides them, and shows them there
// again; elsewhere it opens the pane in the chart's place, and closes it.
// (It used to open a second copy over the chart.)
func (m *Model) toggleValuePane() {
	switch {
	case m.showCap:
		m.showCap = false
	case m.lay.showSummary:
		m.hideSum = true
	case m.hideSum:
		m.hideSum = false
		if m.relayout(); m.lay.showSummary {
			return
		}
		m.showCap = true // no room under the watchlist now: in the chart's place
	default:
		m.showCap = true
	}
	m.relayout()
}

func (m Model) gotoView() string {
	return m.gotoInput.View()
}

// helpView is the help: the short line, or every key group. Groups that
// do not fit beside each other go on further rows instead of being cut
// with "…" (at 100 columns the focused pane's keys were lost).
func (m Model) helpView() string {
	if !m.help.ShowAll {
		return m.help.View(m)
	}
	h := *m.help
	h.Width = 0 // measure uncut
	var rows []string
	var cur [][]key.Binding
	fits := func(groups [][]key.Binding) bool {
		return m.width <= 0 || lipgloss.Width(h.FullHelpView(groups)) <= m.width
	}
	for _, g := range m.FullHelp() {
		try := append(cur[:len(cur):len(cur)], g)
		if len(cur) > 0 && !fits(try) {
			// Under the last column when it stays within the row's
			// height (at 60 columns "tab next group", "s sort" and "/
			// filter" went to a third row, cut off below the screen).
			last := len(cur) - 1
			stacked := append(cur[:last:last], append(cur[last][:len(cur[last]):len(cur[last])], g...))
			if enabled(stacked[last]) <= rowHeight(cur) && fits(stacked) {
				cur = stacked
				continue
			}
			rows = append(rows, h.FullHelpView(cur))
			try = [][]key.Binding{g}
		}
		cur = try
	}
	if len(cur) > 0 {
		rows = append(rows, h.FullHelpView(cur))
	}
	return strings.Join(rows, "\n")
}

// enabled counts the bindings help shows in a group.
func enabled(g []key.Binding) int {
	n := 0
	for _, b := range g {
		if b.Enabled() {
			n++
		}
	}
	return n
}

// rowHeight is the height of a row of help groups: its tallest group.
func rowHeight(groups [][]key.Binding) int {
	n := 0
	for _, g := range groups {
		n = max(n, enabled(g))
	}
	return n
}

// View implements tea.Model.
func (m Model) View() string {
	W, H := m.width, m.height
	if W <= 0 || H <= 0 {
		return ""
	}
	l := m.lay
	if l.kind == kindTooSmall {
		return m.c.Styles.Warn.Render(tooSmallView(l.needW, l.needH, W, H))
	}
	var parts []string
	switch {
	case l.helpOnly || l.mainH <= 0:
	case m.showErrors:
		parts = append(parts, m.errs.View()) // over the panes, W x mainH
	case m.paper.show:
		parts = append(parts, strings.Join(m.framed(m.paper.blot.View(), rect{W, l.mainH}, true), "\n"))
	case m.showProv:
		// the provenance view takes the whole main area
		parts = append(parts, strings.Join(m.framed(m.prov.View(), rect{W, l.mainH}, true), "\n"))
	case m.lesson.showQuiz:
		// a question's reveal: the moment of the lesson, the whole main area
		parts = append(parts, strings.Join(m.framed(m.lesson.quiz.View(), rect{W, l.mainH}, true), "\n"))
	default:
		parts = append(parts, m.mainView())
	}
	if m.gotoOpen {
		parts = append(parts, clipLines(m.gotoView(), W, 1))
	}
	if line := m.paperLine(); line != "" {
		parts = append(parts, clipLines(line, W, 1))
	} else if m.money.prompt.open {
		parts = append(parts, clipLines(m.positionPromptView(), W, 1))
	}
	if b := m.boardView(); b != "" {
		parts = append(parts, b)
	}
	if m.showHelp && l.helpH > 0 {
		hv := clipLines(m.helpView(), W, l.helpH)
		if l.helpOnly {
			// help in place of the panes fills their rows: the strip and
			// the status bar stay on the last lines (at 80x24 they sat
			// above five blank rows)
			hv += strings.Repeat("\n", max(l.helpH-1-strings.Count(hv, "\n"), 0))
		}
		parts = append(parts, hv)
	}
	if line := m.tourLine(W); line != "" {
		parts = append(parts, line)
	}
	if m.lesson.prompt != promptNone {
		parts = append(parts, clipLines(m.lessonPromptView(), W, 1))
	}
	if line := m.lessonLine(W); line != "" {
		parts = append(parts, line)
	}
	// The strip and the status bar are exactly W wide by construction.
	parts = append(parts, m.strip.View(), m.status.View())
	out := strings.Join(parts, "\n")
	if n := strings.Count(out, "\n"); n >= H {
		out = clipLines(out, W, H)
	}
	return out
}

// mainView joins the watchlist (exactly l.watch.w wide by construction)
// with the right-hand column, which is clipped to its rectangle.
func (m Model) mainView() string {
	l := m.lay
	left := strings.Split(m.watch.View(), "\n")
	if l.hold > 0 {
		left = append(left, strings.Split(m.money.hold.View(), "\n")...)
	}
	if l.showSummary {
		left = append(left, m.framed(m.panes.summaryView(), l.summary, false)...)
	}
	if !l.showChart && !l.showTimeline {
		return strings.Join(clipN(left, l.mainH), "\n")
	}
	var right []string
	if l.showChart {
		right = append(right, m.framed(m.panes.chartView(m.showCap), l.chart, m.focus == paneChart)...)
	}
	if l.showTimeline {
		right = append(right, m.framed(m.panes.timelineView(), l.timeline, m.focus == paneTimeline)...)
	}
	n := l.mainH
	blank := strings.Repeat(" ", l.watch.w)
	size := n
	for i := 0; i < n; i++ {
		if i < len(left) {
			size += len(left[i])
		} else {
			size += len(blank)
		}
		if i < len(right) {
			size += len(right[i])
		}
	}
	var sb strings.Builder
	sb.Grow(size) // one allocation: the frame is ~30 KB of mostly escapes
	for i := 0; i < n; i++ {
		if i > 0 {
			sb.WriteByte('\n')
		}
		if i < len(left) {
			sb.WriteString(left[i])
		} else {
			sb.WriteString(blank)
		}
		if i < len(right) {
			sb.WriteString(right[i])
		}
	}
	return sb.String()
}

// framed draws a pane's border (focused or not) around its view, which is
// clipped and padded to the inner rectangle.
func (m Model) framed(view string, r rect, focused bool) []string {
	st := m.c.Styles
	pane := st.Pane
	if focused {
		pane = st.PaneFocused
	}
	iw, ih := r.w-pane.GetHorizontalFrameSize(), r.h-pane.GetVerticalFrameSize()
	if iw <= 0 || ih <= 0 {
		blank := strings.Repeat(" ", max(r.w, 0))
		out := make([]string, max(r.h, 0))
		for i := range out {
			out[i] = blank
		}
		return out
	}
	lines := clipN(strings.Split(view, "\n"), ih)
	for i, ln := range lines {
		if w := theme.Width(ln); w > iw {
			lines[i] = ansi.Truncate(ln, iw, "")
		} else if w < iw {
			lines[i] = ln + strings.Repeat(" ", iw-w)
		}
	}
	for len(lines) < ih {
		lines = append(lines, strings.Repeat(" ", iw))
	}
	b := watchlist.Border(pane, m.c.Glyphs)
	bs := st.P.Border
	if focused {
		bs = st.P.BorderFocused
	}
	left, right := bs.Render(b.Left), bs.Render(b.Right)
	out := make([]string, 0, ih+2)
	out = append(out, bs.Render(b.TopLeft+strings.Repeat(b.Top, iw)+b.TopRight))
	for _, ln := range lines {
		out = append(out, left+ln+right)
	}
	return append(out, bs.Render(b.BottomLeft+strings.Repeat(b.Bottom, iw)+b.BottomRight))
}

func clipN(lines []string, n int) []string {
	if len(lines) > n {
		return lines[:max(n, 0)]
	}
	return lines
}

// clipLines cuts s to at most h lines of at most w cells each.
func clipLines(s string, w, h int) string {
	lines := strings.Split(s, "\n")
	if len(lines) > h {
		lines = lines[:max(h, 0)]
	}
	for i, ln := range lines {
		if theme.Width(ln) > w {
			lines[i] = ansi.Truncate(ln, w, "")
		}
	}
	return strings.Join(lines, "\n")
}

// tooSmallView centres the first form of "terminal too small (need WxH)"
// that fits a w x h terminal: on one line, broken between words, then
// shorter ("need WxH") down to "!".
func tooSmallView(needW, needH, w, h int) string {
	size := strconv.Itoa(needW) + "x" + strconv.Itoa(needH)
	forms := [][]string{
		{tooSmall(needW, needH)},
		{"terminal too small", "(need " + size + ")"},
		{"terminal", "too small", "(need " + size + ")"},
		{"terminal", "too small", "(need", size + ")"},
		{"too small", "need " + size},
		{"need " + size},
		{size},
		{"!"},
	}
	for _, lines := range forms {
		ok := len(lines) <= h
		for _, ln := range lines {
			ok = ok && theme.StringWidth(ln) <= w
		}
		if !ok {
			continue
		}
		out := make([]string, 0, h)
		for range (h - len(lines)) / 2 {
			out = append(out, "")
		}
		for _, ln := range lines {
			out = append(out, strings.Repeat(" ", (w-theme.StringWidth(ln))/2)+ln)
		}
		// exactly w x h, like every other frame (render, goldens)
		for i, ln := range out {
			out[i] = ln + strings.Repeat(" ", max(0, w-theme.StringWidth(ln)))
		}
		for len(out) < h {
			out = append(out, strings.Repeat(" ", w))
		}
		return strings.Join(out, "\n")
	}
	return ""
}
