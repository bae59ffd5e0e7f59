package truststore

import (
	"crypto/sha256"
	"os"
	"time"
)

// FileID is what a stat says of a material file, following every symbolic
// link (so that a Kubernetes "..data" directory link swapped to a new
// directory is a new file): enough to tell, without reading it, that the
// file changed since. A file that could not be stat'ed has Missing set.
//
// A file written within Young of when it was identified may still change
// inside the file system's timestamp granularity without its size or
// modification time moving; Identify then also keeps a hash of its content
// (Hashed), and Changed compares the content again until the file is older.
type FileID struct {
	Missing    bool
	Dev, Ino   uint64
	Size       int64
	ModTime    time.Time
	ChangeTime time.Time // inode change time where the system has one
	Hashed     bool
	Sum        [32]byte
}

// Young is the age under which a file's stat alone may hide a change.
const Young = 2 * time.Second

// Identify stats path (a plain path or a file: URL, as Load takes) at now,
// hashing the content of a young file.
func Identify(path string, now time.Time) FileID {
	id, p := stat(path)
	if !id.Missing && young(now.Sub(id.ModTime), Young) {
		id.Sum, id.Hashed = contentSum(p)
	}
	return id
}

// skew is how far in the future a modification time may lie before it is
// taken for another clock's (a network file system's) rather than a write
// in progress.
const skew = time.Second

// young reports whether a file of this age (now minus its modification
// time) is younger than limit; a time further in the future than skew is
// another clock's, and old.
func young(age, limit time.Duration) bool { return age > -skew && age < limit }

// stat identifies path without reading it; p is the file path.
func stat(path string) (id FileID, p string) {
	p, err := filePath(Source{Path: path})
	if err != nil {
		return FileID{Missing: true}, p
	}
	fi, err := os.Stat(p)
	if err != nil {
		return FileID{Missing: true}, p
	}
	id = FileID{Size: fi.Size(), ModTime: fi.ModTime()}
	id.Dev, id.Ino, id.ChangeTime = sysIdentity(fi)
	return id, p
}

// Changed reports whether the file at path is no longer the one id
// describes, judged at now: its stat differs or, for a file identified while
// young and still young, its content does.
func (id FileID) Changed(path string, now time.Time) bool {
	cur, p := stat(path)
	if !id.sameStat(cur) {
		return true
	}
	if !id.Hashed || cur.Missing || !young(now.Sub(cur.ModTime), Young+time.Second) {
		return false
	}
	sum, ok := contentSum(p)
	return ok && sum != id.Sum
}

func (id FileID) sameStat(o FileID) bool {
	return id.Missing == o.Missing && id.Dev == o.Dev && id.Ino == o.Ino && id.Size == o.Size &&
		id.ModTime.Equal(o.ModTime) && id.ChangeTime.Equal(o.ChangeTime)
}

// Settled reports whether a file last modified at id.ModTime has stopped
// being written, by now (after: how long without a write): a file still
// being written is left for a later look rather than read half-way.
func (id FileID) Settled(now time.Time, after time.Duration) bool {
	return id.Missing || !young(now.Sub(id.ModTime), after)
}

// contentSum hashes a file of at most MaxFileSize bytes.
func contentSum(p string) ([32]byte, bool) {
	data, err := readBounded(p, Source{}, "")
	if err != nil {
		return [32]byte{}, false
	}
	return sha256.Sum256(data), true
}
