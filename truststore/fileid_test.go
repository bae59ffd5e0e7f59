package truststore

import (
	"os"
	"path/filepath"
	"testing"
	"time"

	"github.com/stretchr/testify/require"
)

// TestFileIDChanged: what a stat (and, for a young file, its content) tells
// of a material file that changed, whatever way it changed.
func TestFileIDChanged(t *testing.T) {
	for _, tc := range []struct {
		name   string
		change func(t *testing.T, dir, p string)
		want   bool
	}{
		{"untouched", func(*testing.T, string, string) {}, false},
		{"rewritten, other size", func(t *testing.T, _, p string) {
			require.NoError(t, os.WriteFile(p, []byte("second content, longer"), 0o644))
		}, true},
		{"renamed over", func(t *testing.T, dir, p string) {
			q := filepath.Join(dir, "new")
			require.NoError(t, os.WriteFile(q, []byte("first content"), 0o644))
			require.NoError(t, os.Rename(q, p))
		}, true},
		{"removed", func(t *testing.T, _, p string) { require.NoError(t, os.Remove(p)) }, true},
		{"same size and modification time, other content (young)", func(t *testing.T, _, p string) {
			fi, err := os.Stat(p)
			require.NoError(t, err)
			require.NoError(t, os.WriteFile(p, []byte("FIRST CONTENT"), 0o644))
			require.NoError(t, os.Chtimes(p, fi.ModTime(), fi.ModTime()))
		}, true},
		{"directory link swapped", func(t *testing.T, dir, _ string) {
			require.NoError(t, os.Mkdir(filepath.Join(dir, "..b"), 0o755))
			require.NoError(t, os.WriteFile(filepath.Join(dir, "..b", "f"), []byte("first content"), 0o644))
			require.NoError(t, os.Symlink("..b", filepath.Join(dir, "..tmp")))
			require.NoError(t, os.Rename(filepath.Join(dir, "..tmp"), filepath.Join(dir, "..data")))
		}, true},
	} {
		t.Run(tc.name, func(t *testing.T) {
			dir := t.TempDir()
			// dir/f → ..data/f → ..a/f, as a Kubernetes projected volume.
			require.NoError(t, os.Mkdir(filepath.Join(dir, "..a"), 0o755))
			require.NoError(t, os.WriteFile(filepath.Join(dir, "..a", "f"), []byte("first content"), 0o644))
			require.NoError(t, os.Symlink("..a", filepath.Join(dir, "..data")))
			p := filepath.Join(dir, "f")
			require.NoError(t, os.Symlink(filepath.Join("..data", "f"), p))
			id := Identify(p, time.Now())
			require.False(t, id.Missing)
			require.True(t, id.Hashed, "a file just written is hashed")
			tc.change(t, dir, filepath.Join(dir, "..a", "f"))
			require.Equal(t, tc.want, id.Changed(p, time.Now()))
			if tc.name == "same size and modification time, other content (young)" {
				// As a file system whose stat did not move at all (the write
				// fell in the tick of the first read): the hash still tells.
				cur, _ := stat(p)
				cur.Hashed, cur.Sum = id.Hashed, id.Sum
				require.True(t, cur.Changed(p, time.Now()))
				cur.Hashed = false
				require.False(t, cur.Changed(p, time.Now()), "without the hash, the stat alone cannot tell")
			}
		})
	}

	// An old file is not hashed, and a file: URL names the same file.
	p := filepath.Join(t.TempDir(), "old")
	require.NoError(t, os.WriteFile(p, []byte("x"), 0o644))
	old := time.Now().Add(-time.Hour)
	require.NoError(t, os.Chtimes(p, old, old))
	id := Identify("file:"+p, time.Now())
	require.False(t, id.Hashed)
	require.False(t, id.Changed(p, time.Now()))
	require.True(t, id.Settled(time.Now(), time.Second))
	require.False(t, Identify(p, time.Now()).Missing)
	future := time.Now().Add(time.Hour) // another clock's (a network file system's)
	require.NoError(t, os.Chtimes(p, future, future))
	id = Identify(p, time.Now())
	require.False(t, id.Hashed, "a modification time from another clock is not read as a write in progress")
	require.True(t, id.Settled(time.Now(), time.Second))
	require.True(t, Identify(filepath.Join(p, "none"), time.Now()).Missing)
}
