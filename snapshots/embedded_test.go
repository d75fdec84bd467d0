package snapshots

import (
	"os"
	"path/filepath"
	"slices"
	"strings"
	"testing"
)

func TestEmbeddedDecodeStrictly(t *testing.T) {
	names := Embedded()
	if !slices.IsSorted(names) {
		t.Errorf("names not sorted: %v", names)
	}
	if len(names) == 0 {
		t.Skip("no embedded snapshots yet (the generator writes data/deepseek-week.jsonl.gz)")
	}
	for _, name := range names {
		s, err := Load(name, ReadOptions{Strict: true})
		if err != nil {
			t.Fatalf("%s: %v", name, err)
		}
		if len(s.Bars) == 0 || s.Unknown != 0 || len(s.Warnings) != 0 {
			t.Errorf("%s: %d bars, %d unknown, warnings %v", name, len(s.Bars), s.Unknown, s.Warnings)
		}
		r, err := OpenEmbedded(name)
		if err != nil {
			t.Fatal(err)
		}
		ps, _, err := Validate(r, name)
		r.Close()
		if err != nil || len(ps) != 0 {
			t.Errorf("%s: validate: %v %v", name, ps, err)
		}
	}
}

func TestLoadPathAndErrors(t *testing.T) {
	path := filepath.Join(t.TempDir(), "mine.jsonl")
	if err := os.WriteFile(path, encode(t, testHeader(), testRecords(), false), 0o644); err != nil {
		t.Fatal(err)
	}
	s, err := Load(path, ReadOptions{Strict: true})
	if err != nil || len(s.Bars) != 11 {
		t.Fatalf("%v", err)
	}
	_, err = Load(filepath.Join(t.TempDir(), "nope.jsonl"), ReadOptions{})
	if err == nil || !strings.Contains(err.Error(), "no such file and no embedded snapshot of that name (embedded: ") {
		t.Errorf("missing file: %v", err)
	}
	for _, name := range Embedded() {
		if !strings.Contains(err.Error(), name) {
			t.Errorf("error does not list %q: %v", name, err)
		}
	}
	if _, err := OpenEmbedded("../data/README.md"); err == nil {
		t.Error("path accepted as an embedded name")
	}
	if _, err := OpenEmbedded("README"); err == nil {
		t.Error("README.md is not a snapshot")
	}
	// problems carry the path given
	bad := filepath.Join(t.TempDir(), "bad.jsonl")
	os.WriteFile(bad, []byte("nope\n"), 0o644)
	if _, err := Load(bad, ReadOptions{}); err == nil || !strings.HasPrefix(err.Error(), bad+":1: ") {
		t.Errorf("bad file: %v", err)
	}
}
