package main

import (
	"context"
	"errors"
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
	force := get[bool](fs, "force")
	if err := checkImportOutput(out, args, force); err != nil {
		return err
	}
	opt := csvimport.Options{
		Title:   fstr(fs, "title"),
		MainDay: fstr(fs, "main-day"),
		Strict:  get[bool](fs, "strict"),
	}
	s, problems, err := csvimport.ImportFiles(opt, args...)
	for _, p := range problems.List {
		fmt.Fprintln(a.stderr, p.Error())
	}
	if line := snapshots.MoreProblemsLine(problems.More); line != "" {
		fmt.Fprintln(a.stderr, line)
	}
	if err != nil {
		return err
	}
	if len(s.Bars) == 0 {
		return fmt.Errorf("no usable bars in %s", strings.Join(args, ", "))
	}
	if err := saveFile(out, s, force); err != nil {
		return err
	}
	fmt.Fprintf(a.stdout, "%s: %d bars, %d symbols, %d sessions", out, len(s.Bars), len(s.Header.Symbols), len(s.Header.Sessions))
	if n := problems.Count(); n > 0 {
		fmt.Fprintf(a.stdout, "; %d row(s) skipped or changed (listed above)", n)
	}
	fmt.Fprintln(a.stdout)
	return nil
}

// checkImportOutput refuses an output that is one of the inputs (the same
// file by os.SameFile, whatever the names: a link, ./x.csv for x.csv), even
// with --force, and an existing output without --force.
func checkImportOutput(out string, inputs []string, force bool) error {
	oi, err := os.Stat(out)
	if errors.Is(err, os.ErrNotExist) {
		return nil
	}
	if err != nil {
		return err
	}
	for _, in := range inputs {
		if ii, err := os.Stat(in); err == nil && os.SameFile(oi, ii) {
			return fmt.Errorf("-o %s is the input %s: import never writes over its own input (choose another output name)", out, in)
		}
	}
	if oi.IsDir() {
		return fmt.Errorf("-o %s is a directory (give a file name such as %s)", out, filepath.Join(out, "imported.jsonl.gz"))
	}
	if !force {
		return fmt.Errorf("-o %s exists; add --force to replace it", out)
	}
	return nil
}

// saveAtomically writes s next to path and renames it into place, so a
// failure never leaves half a snapshot under the final name.
func saveAtomically(path string, s *snapshots.Snapshot) error { return saveFile(path, s, true) }

// saveFile is saveAtomically; unless force, it refuses to replace a file
// at path (one that appeared while the snapshot was being built included).
func saveFile(path string, s *snapshots.Snapshot, force bool) error {
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
	if _, err := os.Lstat(path); err == nil && !force {
		os.Remove(name)
		return fmt.Errorf("-o %s exists; add --force to replace it", path)
	}
	if err := os.Rename(name, path); err != nil {
		os.Remove(name)
		return err
	}
	return nil
}
