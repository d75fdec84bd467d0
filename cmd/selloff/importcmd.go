package main

import (
	"context"
	"flag"
	"fmt"
	"os"
	"path/filepath"
	"strconv"
	"strings"

	"github.com/selloff/selloff/snapshots"
	"github.com/selloff/selloff/snapshots/csvimport"
)

func runSnapshotImport(_ context.Context, a *app, fs *flag.FlagSet, args []string) error {
	out := fstr(fs, "o")
	if out == "" {
		return usagef("import needs -o OUT")
	}
	if len(args) == 0 {
		return usagef("import needs at least one CSV file")
	}
	opt := csvimport.Options{
		Title:   fstr(fs, "title"),
		MainDay: fstr(fs, "main-day"),
		Strict:  get[bool](fs, "strict"),
	}
	s, problems, err := csvimport.ImportFiles(opt, args...)
	for _, p := range problems {
		fmt.Fprintln(a.stderr, p.Error())
	}
	if err != nil {
		return err
	}
	if len(s.Bars) == 0 {
		return fmt.Errorf("no usable bars in %s", strings.Join(args, ", "))
	}
	if err := saveAtomically(out, s); err != nil {
		return err
	}
	fmt.Fprintf(a.stdout, "%s: %d bars, %d symbols, %d sessions", out, len(s.Bars), len(s.Header.Symbols), len(s.Header.Sessions))
	if len(problems) > 0 {
		fmt.Fprintf(a.stdout, "; %d row(s) skipped or changed (listed above)", len(problems))
	}
	fmt.Fprintln(a.stdout)
	return nil
}

// saveAtomically writes s next to path and renames it into place, so a
// failure never leaves half a snapshot under the final name.
func saveAtomically(path string, s *snapshots.Snapshot) error {
	// 0644 less the umask, as a recording gets (CreateTemp would make it
	// 0600): a snapshot is data to share
	name := filepath.Join(filepath.Dir(path), "."+filepath.Base(path)+"."+strconv.Itoa(os.Getpid())+".tmp")
	tmp, err := os.OpenFile(name, os.O_CREATE|os.O_EXCL|os.O_WRONLY, 0o644)
	if err != nil {
		return err
	}
	tmp.Close()
	gz := strings.HasSuffix(path, ".gz")
	if err := snapshots.SaveSnapshot(name, s, snapshots.WriteOptions{Gzip: gz, FlushEvery: -1}); err != nil {
		os.Remove(name)
		return err
	}
	if err := os.Rename(name, path); err != nil {
		os.Remove(name)
		return err
	}
	return nil
}
