package snapshots

import (
	"embed"
	"fmt"
	"io"
	"io/fs"
	"os"
	"path"
	"sort"
	"strings"
)

// The data directory holds the snapshots built into the binary (see
// data/README.md). A file data/NAME.jsonl.gz is the embedded snapshot NAME.
//
//go:embed data
var embedded embed.FS

const embeddedExt = ".jsonl.gz"

// Embedded lists the names of the embedded snapshots, sorted.
func Embedded() []string {
	entries, err := fs.ReadDir(embedded, "data")
	if err != nil {
		return nil
	}
	var names []string
	for _, e := range entries {
		if !e.IsDir() && strings.HasSuffix(e.Name(), embeddedExt) {
			names = append(names, strings.TrimSuffix(e.Name(), embeddedExt))
		}
	}
	sort.Strings(names)
	return names
}

// OpenEmbedded opens the embedded snapshot called name (its compressed
// bytes; Decode and NewReader detect the gzip).
func OpenEmbedded(name string) (io.ReadCloser, error) {
	if name == "" || strings.ContainsAny(name, `/\`) {
		return nil, fmt.Errorf("no embedded snapshot %q (embedded: %s)", name, embeddedList())
	}
	f, err := embedded.Open(path.Join("data", name+embeddedExt))
	if err != nil {
		return nil, fmt.Errorf("no embedded snapshot %q (embedded: %s)", name, embeddedList())
	}
	return f, nil
}

func embeddedList() string {
	names := Embedded()
	if len(names) == 0 {
		return "none"
	}
	return strings.Join(names, ", ")
}

// Load decodes a snapshot given by the name of an embedded snapshot or by a
// file path. An exact embedded name wins over a file of the same name in the
// current directory (write ./NAME for the file). Like Decode, it returns the
// records read so far along with a read error. The result is decoded afresh
// on every call.
func Load(nameOrPath string, opt ReadOptions) (*Snapshot, error) {
	if r, err := OpenEmbedded(nameOrPath); err == nil {
		defer r.Close()
		if opt.Name == "" {
			opt.Name = nameOrPath
		}
		return Decode(r, opt)
	}
	f, err := os.Open(nameOrPath)
	if err != nil {
		if os.IsNotExist(err) {
			return nil, fmt.Errorf("snapshot %q: no such file and no embedded snapshot of that name (embedded: %s)", nameOrPath, embeddedList())
		}
		return nil, fmt.Errorf("snapshot %q: %w", nameOrPath, err)
	}
	defer f.Close()
	if opt.Name == "" {
		opt.Name = nameOrPath
	}
	return Decode(f, opt)
}
