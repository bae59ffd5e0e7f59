package mysql

import (
	"fmt"
	"time"

	"github.com/dbtls/dbtls/connector"
	"github.com/dbtls/dbtls/kind"
)

// Check compares one attempt (Attempt's results) with the oracle's outcome:
// a refusal must be of the kind the spec names; a connection must be
// encrypted as the spec says, with the version it says, and the server's own
// view of the session (Ssl_version, Ssl_cipher, Ssl_server_not_after) must
// be what the connection recorded (spec §6). nil when all holds.
func Check(want Outcome, info connector.ConnInfo, status map[string]string, err error) error {
	if !want.OK {
		if err == nil {
			return fmt.Errorf("connected; the spec says %s", want.Kind)
		}
		if got := string(kind.Of(err)); got != want.Kind {
			return fmt.Errorf("kind %q, the spec says %q: %v", got, want.Kind, err)
		}
		return nil
	}
	if err != nil {
		return fmt.Errorf("refused (%s), the spec says it connects: %v", kind.Of(err), err)
	}
	if info.Encrypted != want.Encrypted {
		return fmt.Errorf("encrypted=%v, the spec says %v", info.Encrypted, want.Encrypted)
	}
	if !want.Encrypted {
		if status["Ssl_cipher"] != "" {
			return fmt.Errorf("the server says the session is encrypted (%s)", status["Ssl_cipher"])
		}
		return nil
	}
	if info.Version != want.Version {
		return fmt.Errorf("negotiated %s, the spec says %s (the highest version both sides accept)", info.Version, want.Version)
	}
	if status["Ssl_version"] != info.Version || status["Ssl_cipher"] != info.CipherOpenSSL {
		return fmt.Errorf("server says %s %s, the connection recorded %s %s", status["Ssl_version"], status["Ssl_cipher"], info.Version, info.CipherOpenSSL)
	}
	notAfter, perr := time.Parse("Jan _2 15:04:05 2006 MST", status["Ssl_server_not_after"])
	if perr != nil || len(info.Peer) == 0 || !notAfter.Equal(info.Peer[0].NotAfter.Truncate(time.Second)) {
		return fmt.Errorf("server certificate not-after: server %q, recorded %v (%v)", status["Ssl_server_not_after"], info.Peer, perr)
	}
	return nil
}
