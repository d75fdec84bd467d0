package main

import (
	"bytes"
	"compress/gzip"
	"fmt"
	"os"
	"path/filepath"
	"strings"
	"testing"
)

const importCSV = "Date,Open,High,Low,Close,Adj Close,Volume\n2024-03-04,10,11,9,10.5,10.4,100\n2024-03-05,10.5,11,10,10.8,10.7,200\n"

// import never writes over its own input, whatever the name it is given
// by, and replaces another existing file only with --force.
func TestImportRefusesToOverwrite(t *testing.T) {
	dir := t.TempDir()
	in := filepath.Join(dir, "NVDA.csv")
	if err := os.WriteFile(in, []byte(importCSV), 0o644); err != nil {
		t.Fatal(err)
	}
	link := filepath.Join(dir, "same.jsonl")
	if err := os.Link(in, link); err != nil {
		t.Fatal(err)
	}
	for _, tc := range []struct {
		name string
		args []string
	}{
		{"same name", []string{"snapshot", "import", "-o", in, in}},
		{"same name with --force", []string{"snapshot", "import", "--force", "-o", in, in}},
		{"other spelling", []string{"snapshot", "import", "--force", "-o", filepath.Join(dir, ".", "NVDA.csv"), in}},
		{"hard link", []string{"snapshot", "import", "--force", "-o", link, in}},
	} {
		code, _, errs := runCLI(t, tc.args...)
		if code == exitOK || !strings.Contains(errs, "never writes over its own input") {
			t.Errorf("%s: exit %d, stderr %q", tc.name, code, errs)
		}
		if b, _ := os.ReadFile(in); string(b) != importCSV {
			t.Fatalf("%s: the input was changed", tc.name)
		}
	}

	out := filepath.Join(dir, "out.jsonl")
	if err := os.WriteFile(out, []byte("keep me\n"), 0o644); err != nil {
		t.Fatal(err)
	}
	code, _, errs := runCLI(t, "snapshot", "import", "-o", out, in)
	if code == exitOK || !strings.Contains(errs, "exists; add --force to replace it") {
		t.Errorf("existing output: exit %d, stderr %q", code, errs)
	}
	if b, _ := os.ReadFile(out); string(b) != "keep me\n" {
		t.Fatal("existing output replaced without --force")
	}
	code, stdout, errs := runCLI(t, "snapshot", "import", "--force", "-o", out, in)
	if code != exitOK || !strings.Contains(stdout, "2 bars") {
		t.Fatalf("--force: exit %d, %q %q", code, stdout, errs)
	}
	if b, _ := os.ReadFile(out); !bytes.HasPrefix(b, []byte(`{"record":"header"`)) {
		t.Fatalf("--force did not write the snapshot: %.80q", b)
	}
	// no temporary file left beside it
	ents, _ := os.ReadDir(dir)
	for _, e := range ents {
		if strings.HasSuffix(e.Name(), ".tmp") {
			t.Errorf("left %s", e.Name())
		}
	}
}

// validate of a file with more bad lines than are kept lists the first
// 1,000 with their lines, then one summary line, and counts them all.
func TestValidateSummarisesManyProblems(t *testing.T) {
	dir := t.TempDir()
	p := filepath.Join(dir, "bad.jsonl.gz")
	var raw bytes.Buffer
	raw.WriteString(`{"record":"header","format":"selloff-snapshot","version":1,"title":"t","provenance":"recorded","source":"test","timezone":"America/New_York","created":"2025-01-27T09:00:00-05:00","symbols":[{"symbol":"NVDA","name":"NVIDIA","kind":"equity","currency":"USD","price_basis":"printed"}],"sessions":[]}` + "\n")
	for i := 0; i < 3000; i++ {
		raw.WriteString("not json\n")
	}
	var gz bytes.Buffer
	zw := gzip.NewWriter(&gz)
	zw.Write(raw.Bytes())
	zw.Close()
	os.WriteFile(p, gz.Bytes(), 0o644)
	code, out, errs := runCLI(t, "snapshot", "validate", p)
	if code != exitFail || !strings.Contains(errs, "3000 problem(s)") {
		t.Fatalf("exit %d, stderr %q", code, errs)
	}
	lines := strings.Split(strings.TrimSpace(out), "\n")
	if len(lines) != 1001 || !strings.HasPrefix(lines[999], p+":1001: ") ||
		lines[1000] != "… and 2,000 more problems (only the first 1,000 are listed)" {
		t.Fatalf("%d lines; last two %q", len(lines), lines[max(0, len(lines)-2):])
	}
}

// A bar at 1e300 is a problem validate reports and replay skips, not a
// price that overflows market values.
func TestHugePriceIsAProblem(t *testing.T) {
	dir := t.TempDir()
	p := filepath.Join(dir, "huge.jsonl")
	hdr := `{"record":"header","format":"selloff-snapshot","version":1,"title":"t","provenance":"recorded","source":"test","timezone":"America/New_York","main_day":"2025-01-27","created":"2025-01-27T09:00:00-05:00","symbols":[{"symbol":"NVDA","name":"NVIDIA","kind":"equity","currency":"USD","price_basis":"printed","shares":{"count":24490000000,"as_of":"2025-01-24","source":"test"}}],"sessions":[{"date":"2025-01-27","open":"2025-01-27T09:30:00-05:00","close":"2025-01-27T16:00:00-05:00","prev_close":{"NVDA":142.62}}]}`
	bar := func(min int, px string) string {
		return fmt.Sprintf(`{"record":"bar","time":"2025-01-27T09:%02d:00-05:00","symbol":"NVDA","interval":"1m","open":%s,"high":%s,"low":%s,"close":%s,"volume":1}`, min, px, px, px, px)
	}
	os.WriteFile(p, []byte(hdr+"\n"+bar(30, "124.5")+"\n"+bar(31, "1e300")+"\n"+bar(32, "124.6")+"\n"), 0o644)
	code, out, _ := runCLI(t, "snapshot", "validate", p)
	if code != exitFail || !strings.Contains(out, p+":3: bar price 1e+300 is above 1e+09") {
		t.Fatalf("validate: exit %d %q", code, out)
	}
	code, out, errs := runCLI(t, "render", p, "--at", "09:33", "--color", "never", "--width", "120", "--height", "40")
	if code != exitOK || strings.Contains(out, "Inf") || strings.Contains(out, "NaN") || !strings.Contains(out, "124.6") {
		t.Fatalf("render: exit %d %q\n%s", code, errs, out)
	}
}

// A file whose every bar is a bad line has nothing to replay, and render
// says so with the count and the first bad line, not that the file "holds
// a header and events only".
func TestAllBadBarsSayWhy(t *testing.T) {
	dir := t.TempDir()
	p := filepath.Join(dir, "allbad.jsonl")
	hdr := `{"record":"header","format":"selloff-snapshot","version":1,"title":"t","provenance":"recorded","source":"test","timezone":"America/New_York","main_day":"2025-01-27","created":"2025-01-27T09:00:00-05:00","symbols":[{"symbol":"NVDA","name":"NVIDIA","kind":"equity","currency":"USD","price_basis":"printed"}],"sessions":[{"date":"2025-01-27","open":"2025-01-27T09:30:00-05:00","close":"2025-01-27T16:00:00-05:00"}]}`
	bad := `{"record":"bar","symbol":"NVDA","open":"x"}`
	os.WriteFile(p, []byte(hdr+"\n"+bad+"\n"+bad+"\n"+bad+"\n"), 0o644)
	code, _, errs := runCLI(t, "render", p, "--color", "never", "--width", "80", "--height", "24")
	if code != exitFail || strings.Contains(errs, "header and events only") ||
		!strings.Contains(errs, "3 bad line(s) skipped, the first "+p+":2: ") {
		t.Fatalf("exit %d, stderr %q", code, errs)
	}
}
