package tds

import (
	"crypto/tls"
	"fmt"
	"net"
	"strings"
	"time"
)

// Negotiated is the encryption a connection ended up with.
type Negotiated string

// The four kinds of session, and "" for a connection that never got as far
// as PRELOGIN's answer.
const (
	NegNone      Negotiated = "none"       // nothing encrypted
	NegLoginOnly Negotiated = "login-only" // TLS for the first LOGIN7 packet only
	NegFull      Negotiated = "full"       // TDS 7.x with TLS for the whole session
	NegStrict    Negotiated = "strict"     // TDS 8.0: TLS first, ALPN tds/8.0
)

// Record is what the server saw of one connection. The server fills it in
// as the connection goes; OnRecord gets it when the connection ends.
type Record struct {
	ID     uint64
	Remote string
	Start  time.Time

	// PRELOGIN.
	Prelogin   bool       // the server answered a PRELOGIN
	Client     byte       // the client's ENCRYPTION byte (TDS 7.x), or what it sent inside TLS (TDS 8.0)
	Answer     byte       // the server's ENCRYPTION answer
	Negotiated Negotiated // "" until PRELOGIN was answered
	TLSVersion string     // "TLSv1.2", "TLSv1.3"; "" without TLS
	Cipher     string     // IANA name; "" without TLS
	ALPN       string
	SNI        string
	Resumed    bool // the TLS session was resumed (a session ticket from an earlier connection)

	// LOGIN7.
	LoggedIn   bool
	TDSVersion uint32
	User       string
	AppName    string
	Database   string
	// ServerName is the LOGIN7 ServerName: the server as the client named
	// it (host, or host\instance for a named instance).
	ServerName string
	// ReadOnlyIntent: the LOGIN7 TypeFlags carried fReadOnlyIntent
	// (ApplicationIntent=ReadOnly).
	ReadOnlyIntent bool
	// RoutedTo is "server,port" when the server answered the login with a
	// routing ENVCHANGE (Config.Route); "" otherwise.
	RoutedTo string
	// LoginEncrypted: the LOGIN7 message arrived inside TLS.
	LoginEncrypted bool

	Batches []string // SQL text of each SQLBatch, in order

	// Refused says why the server ended the connection on purpose (the
	// table says terminate, strict refused, bad password...); "" otherwise.
	Refused string
	// End is how the connection ended: "closed" for a client that hung up
	// cleanly, else the error.
	End  string
	Done bool
}

// String is the one-line log form: no password, ever.
func (r Record) String() string {
	var b strings.Builder
	fmt.Fprintf(&b, "conn %d %s:", r.ID, r.Remote)
	if r.Negotiated == NegStrict {
		fmt.Fprintf(&b, " tds8 alpn=%q", r.ALPN)
	} else if r.Prelogin {
		fmt.Fprintf(&b, " client=%s answer=%s", EncryptName(r.Client), EncryptName(r.Answer))
	}
	if r.Negotiated != "" {
		fmt.Fprintf(&b, " encryption=%s", r.Negotiated)
	}
	if r.TLSVersion != "" {
		fmt.Fprintf(&b, " %s %s", r.TLSVersion, r.Cipher)
	}
	if r.SNI != "" {
		fmt.Fprintf(&b, " sni=%s", r.SNI)
	}
	if r.LoggedIn {
		fmt.Fprintf(&b, " login user=%q app=%q tds=0x%08x", r.User, r.AppName, r.TDSVersion)
	}
	if r.ReadOnlyIntent {
		b.WriteString(" readonly")
	}
	if r.RoutedTo != "" {
		fmt.Fprintf(&b, " routed-to=%s", r.RoutedTo)
	}
	if len(r.Batches) > 0 {
		fmt.Fprintf(&b, " batches=%d", len(r.Batches))
	}
	if r.Refused != "" {
		fmt.Fprintf(&b, " refused=%q", r.Refused)
	}
	if r.Done {
		fmt.Fprintf(&b, " end=%q", r.End)
	}
	return b.String()
}

// TLSVersionName returns "TLSv1.2" style names, as JDBC and OpenSSL print them.
func TLSVersionName(v uint16) string {
	switch v {
	case tls.VersionTLS10:
		return "TLSv1"
	case tls.VersionTLS11:
		return "TLSv1.1"
	case tls.VersionTLS12:
		return "TLSv1.2"
	case tls.VersionTLS13:
		return "TLSv1.3"
	}
	return fmt.Sprintf("0x%04x", v)
}

// Direction says which way bytes crossed.
type Direction int

// The two directions.
const (
	ClientToServer Direction = iota
	ServerToClient
)

func (d Direction) String() string {
	if d == ClientToServer {
		return "client→server"
	}
	return "server→client"
}

// tapConn hands every byte read or written to tap.
type tapConn struct {
	net.Conn
	id  uint64
	tap func(id uint64, d Direction, b []byte)
}

func (c *tapConn) Read(b []byte) (int, error) {
	n, err := c.Conn.Read(b)
	if n > 0 {
		c.tap(c.id, ClientToServer, append([]byte(nil), b[:n]...))
	}
	return n, err
}

func (c *tapConn) Write(b []byte) (int, error) {
	n, err := c.Conn.Write(b)
	if n > 0 {
		c.tap(c.id, ServerToClient, append([]byte(nil), b[:n]...))
	}
	return n, err
}
