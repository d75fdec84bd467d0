package server

import (
	"fmt"
	"io"

	"github.com/selloff/selloff/feeds"
	"github.com/selloff/selloff/tui/frameout"
)

// summaryFormatOK reports whether `summary --format` knows f.
func summaryFormatOK(f string) bool { return f == "text" || f == "json" || f == "csv" }

// writeSummary writes the summary of u as a plain table (text), the
// frame's data (json, docs/frame.schema.json) or the watchlist (csv).
func writeSummary(w io.Writer, format string, u feeds.Update) error {
	switch format {
	case "json":
		return frameout.JSON(w, u, false)
	case "csv":
		return frameout.CSV(w, u)
	case "text":
		_, err := io.WriteString(w, Summary(u))
		return err
	}
	return fmt.Errorf("unknown format %q", format)
}
