//go:build unix

package bus

import (
	"errors"
	"fmt"
	"os"
	"path/filepath"
	"syscall"
)

// lockStore takes an exclusive lock on the embedded store directory. nats-
// server does not lock its store, and two servers writing one file store
// corrupt it; the second yuqing process on a data dir must fail instead. The
// kernel drops the lock when the process dies, so a crash leaves none behind.
func lockStore(dir string) (unlock func(), err error) {
	if err := os.MkdirAll(dir, 0o750); err != nil {
		return nil, err
	}
	f, err := os.OpenFile(filepath.Join(dir, "yuqing.lock"), os.O_CREATE|os.O_RDWR, 0o600)
	if err != nil {
		return nil, err
	}
	if err := syscall.Flock(int(f.Fd()), syscall.LOCK_EX|syscall.LOCK_NB); err != nil {
		f.Close()
		if errors.Is(err, syscall.EWOULDBLOCK) {
			return nil, fmt.Errorf("%s is in use by another yuqing process", dir)
		}
		return nil, err
	}
	return func() { f.Close() }, nil
}
