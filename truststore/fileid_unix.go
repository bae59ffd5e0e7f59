//go:build unix

package truststore

import (
	"io/fs"
	"syscall"
	"time"
)

// sysIdentity returns the device, inode and inode change time of a stat.
func sysIdentity(fi fs.FileInfo) (dev, ino uint64, ctime time.Time) {
	st, ok := fi.Sys().(*syscall.Stat_t)
	if !ok {
		return 0, 0, time.Time{}
	}
	return uint64(st.Dev), uint64(st.Ino), statCtime(st)
}
