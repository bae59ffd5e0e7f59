package connector

import (
	"cmp"
	"context"
	"errors"
	"fmt"
	"net"
	"slices"
	"strconv"
	"strings"

	"github.com/dbtls/dbtls/kind"
	"github.com/dbtls/dbtls/verify"
)

// How a SQL Server connection reaches its server (spec §2.1). go-mssqldb
// does the work — it asks SQL Browser for a named instance's port, and
// after a login answered with a routing ENVCHANGE (type 20) it closes the
// connection and starts again at the server named — and every step goes
// through sqlServerDialer, which therefore sees each hop as it starts:
//
//   - it implements go-mssqldb's HostDialer, so it is handed host names,
//     not addresses the driver resolved: the routed server's name is the
//     name its certificate is checked against;
//   - every TCP connection after the first is a routed hop: it gets its own
//     entry in ConnInfo.Hops, its own PRELOGIN reader
//     (sqlserver_prelogin.go), and the name that mssql-jdbc checks there
//     (verify.Strategy.HopName), which VerifyConnection reads through
//     verify.Options.HopName;
//   - it refuses the hop after verify.MaxRedirects routing answers (a
//     routing loop: go-mssqldb follows routes forever);
//   - the UDP exchange with SQL Browser is not TDS: it is never fed to the
//     PRELOGIN reader, only watched (did it answer, which port) and bound by
//     the Connect context like every TCP hop.

// Hop is one server a SQL Server connection reached: the first, then each
// one a routing answer sent it to. Each hop ran the whole TLS decision.
type Hop struct {
	Addr        string // the address dialed: host (as the DSN or the routing answer names it) and port
	Remote      string // the IP address and port connected; "" when the dial failed
	RoutedFrom  string // the Addr of the hop whose routing answer led here; "" for the first
	BrowserAddr string // SQL Browser asked for this hop's port (UDP), if it was
	Instance    string // the named instance whose TCP port SQL Browser gave
	Name        string // the name the certificate was checked against; "" when the strategy checks none
	Prelogin    string // the server's PRELOGIN ENCRYPTION answer, e.g. "ENCRYPT_REQ"; "" when not read (strict: TLS first)

	Encrypted  bool // full TLS
	LoginOnly  bool // TLS for LOGIN7 only (row 1 against ENCRYPT_OFF)
	Version    string
	CipherIANA string
	ALPN       string
	Peer       []CertInfo // the hop's certificates, leaf first
}

// tdsState is a record's view of one SQL Server connect: the PRELOGIN
// answer of the current hop and the path to the server.
type tdsState struct {
	prelogin  int           // the current hop's PRELOGIN ENCRYPTION answer, -1 unknown
	instance  string        // the DSN's named instance, for messages
	browser   *browserState // the last SQL Browser exchange not yet followed by its TCP hop
	hopTLS    []tlsFacts    // the TLS facts of each hop (hopTLS[i] is info.Hops[i]'s), unformatted
	hopTLSBuf [1]tlsFacts   // room for the first hop's
}

// encryption is what the current hop's TLS covered (r.mu held): the whole
// session, or the login only (row 1 against a server answering ENCRYPT_OFF).
func (r *record) encryption() (encrypted, loginOnly bool) {
	loginOnly = r.handshake && !r.strategy.Strict && r.tds.prelogin == encryptOff
	return r.handshake && !loginOnly, loginOnly
}

// browserState is one exchange with SQL Browser.
type browserState struct {
	addr, host string
	err        error          // the read's error, when it got no answer
	ports      map[string]int // instance (upper case) → TCP port, from the answer; nil: no answer
	names      []string       // the instances announced, in order
}

// hopName is verify.Options.HopName: the name the current hop checks.
func (r *record) hopName() string {
	r.mu.Lock()
	defer r.mu.Unlock()
	if n := len(r.info.Hops); n > 0 {
		return r.info.Hops[n-1].Name
	}
	return ""
}

// closeHop settles the current hop's facts (r.mu held): those that the next
// hop or the end of the connect would otherwise overwrite.
func (r *record) closeHop() {
	n := len(r.info.Hops)
	if n == 0 {
		return
	}
	h := &r.info.Hops[n-1]
	if r.tds.prelogin >= 0 {
		h.Prelogin = encryptName(r.tds.prelogin)
	}
	h.Encrypted, h.LoginOnly = r.encryption()
	r.tds.hopTLS[n-1] = r.tls
}

// startHop settles the hop before and starts the record of the hop to addr,
// or refuses it: a routing loop, or a routing answer that names no host.
func (r *record) startHop(addr, host, port string) error {
	r.mu.Lock()
	defer r.mu.Unlock()
	r.closeHop()
	st, hops := r.strategy, r.info.Hops
	hop := Hop{Addr: addr}
	switch n := len(hops); {
	case n > verify.MaxRedirects:
		r.refused = loopError(hops, addr)
		return r.refused
	case n > 0 && host == "":
		r.refused = emptyRoute(hops[n-1].Addr)
		return r.refused
	case n > 0:
		hop.RoutedFrom, hop.Name = hops[n-1].Addr, st.HopName(hops[n-1].Name, host)
	case st.NameRules != verify.NoName:
		hop.Name = st.ExpectedName
	}
	if b := r.tds.browser; b != nil && b.host == host {
		hop.BrowserAddr = b.addr
		for _, name := range b.names {
			if strconv.Itoa(b.ports[name]) == port {
				hop.Instance = name
				break
			}
		}
		r.tds.browser = nil
	}
	r.info.Hops = append(r.info.Hops, hop)
	r.tds.hopTLS = append(r.tds.hopTLS, tlsFacts{})
	// The facts of the connection kept are the last hop's: start afresh.
	r.handshake, r.verdict = false, nil
	r.firstByte = -1
	r.tls = tlsFacts{}
	r.tds.prelogin = -1
	return nil
}

// sqlServerDialer is the dialer of one SQL Server Connect (a go-mssqldb
// HostDialer).
type sqlServerDialer struct {
	connectCtx context.Context
	rec        *record
	parallel   bool     // multiSubnetFailover: dial every address of a name at once
	o          *options // its dialTCP: WithDialer's dialer, or a net.Dialer
}

// HostName makes sqlServerDialer a go-mssqldb HostDialer: the driver hands
// it host names and leaves their resolution to it.
func (d *sqlServerDialer) HostName() string { return "" }

func (d *sqlServerDialer) DialContext(ctx context.Context, network, addr string) (net.Conn, error) {
	if strings.HasPrefix(network, "udp") {
		return d.dialBrowser(ctx, network, addr)
	}
	host, port, err := net.SplitHostPort(addr)
	if err != nil {
		return nil, err
	}
	rec := d.rec
	if err := rec.startHop(addr, host, port); err != nil {
		return nil, err
	}
	nc, err := rec.dialTCP(d.connectCtx, network, addr, preloginReader(rec.strategy), func() (net.Conn, error) { return d.dialTCP(ctx, network, addr, host, port) })
	if err == nil && nc.RemoteAddr() != nil { // a WithDialer connection may not know it
		rec.mu.Lock()
		rec.info.Hops[len(rec.info.Hops)-1].Remote = nc.RemoteAddr().String()
		rec.mu.Unlock()
	}
	return nc, err
}

// emptyRoute: a routing answer that names no host (go-mssqldb would dial
// this machine).
func emptyRoute(from string) error {
	return &kind.Error{Kind: kind.Network, What: "the server at " + kind.Foreign(from) + " routed the connection to no host",
		Why: "its routing answer (ENVCHANGE type 20) names an empty server; nothing was sent there"}
}

// dialTCP connects to host:port. With multiSubnetFailover and a name with
// several addresses every address is dialed at once and the first to answer
// kept, as go-mssqldb does when it resolves the name itself; otherwise the
// addresses are tried in turn. WithDialer's dialer is given the name as it
// is, once (a proxy may resolve it remotely).
func (d *sqlServerDialer) dialTCP(ctx context.Context, network, addr, host, port string) (net.Conn, error) {
	if d.o.dialer != nil || !d.parallel || net.ParseIP(host) != nil {
		return d.o.dialTCP(ctx, network, addr)
	}
	ips, err := net.DefaultResolver.LookupIPAddr(ctx, host)
	if err != nil || len(ips) < 2 {
		return d.o.dialTCP(ctx, network, addr)
	}
	var nd net.Dialer
	ctx, cancel := context.WithCancel(ctx)
	defer cancel()
	type result struct {
		c   net.Conn
		err error
	}
	results := make(chan result, len(ips))
	for _, ip := range ips {
		go func() {
			c, err := nd.DialContext(ctx, network, net.JoinHostPort(ip.String(), port))
			results <- result{c, err}
		}()
	}
	var errs []error
	var won net.Conn
	for range ips {
		r := <-results
		switch {
		case r.err != nil:
			errs = append(errs, r.err)
		case won == nil:
			won = r.c
			cancel()
		default:
			r.c.Close()
		}
	}
	if won != nil {
		return won, nil
	}
	return nil, errors.Join(errs...)
}

// loopError is the error for the hop to next after MaxRedirects routing
// answers.
func loopError(hops []Hop, next string) error {
	var chain []string
	for _, h := range hops {
		chain = append(chain, h.Addr)
	}
	chain = append(chain, next)
	return &kind.Error{Kind: kind.Network, What: "routing did not end", At: "routed hop " + strconv.Itoa(len(chain)-1) + " (" + kind.Foreign(next) + ")",
		Why: fmt.Sprintf("the servers routed the connection %d times (%s); more than %d routing answers in one login is a routing loop, and mssql-jdbc gives up there too",
			len(chain)-1, kind.Foreign(strings.Join(chain, " → ")), verify.MaxRedirects),
		Fix: "check the routing configuration of the servers (Always On read-only routing lists, Azure SQL's connection policy)"}
}

// dialBrowser dials SQL Browser (UDP) for a named instance's port, watched
// but untouched, and bound by the Connect context.
func (d *sqlServerDialer) dialBrowser(ctx context.Context, network, addr string) (net.Conn, error) {
	host, _, _ := net.SplitHostPort(addr)
	b := &browserState{addr: addr, host: host}
	d.rec.mu.Lock()
	if n := len(d.rec.info.Hops); n > 0 && host == "" {
		err := emptyRoute(d.rec.info.Hops[n-1].Addr)
		d.rec.refused = err // go-mssqldb only logs a browser's failure
		d.rec.mu.Unlock()
		return nil, err
	}
	if d.o.dialer != nil { // a routing answer named host\instance: New refused a DSN that does
		err := browserBehindDialer(kind.Network, host)
		d.rec.refused = err
		d.rec.mu.Unlock()
		return nil, err
	}
	d.rec.info.BrowserAddr = addr
	d.rec.tds.browser = b
	d.rec.mu.Unlock()
	var nd net.Dialer
	nc, err := nd.DialContext(ctx, network, addr)
	if err != nil {
		d.rec.mu.Lock()
		b.err = err
		d.rec.mu.Unlock()
		return nil, err
	}
	bc := &browserConn{boundConn: boundConn{Conn: nc}, rec: d.rec, state: b}
	bc.bind(d.connectCtx)
	return bc, nil
}

// browserBehindDialer: a named instance's port would come from SQL Browser
// over UDP, which no Dialer carries (a proxy, an SSH tunnel, a cloud
// connector dials TCP): asked, it would go around the tunnel, from this
// host to the network the tunnel was there to reach. So it is never asked
// with WithDialer: the DSN (invalid-dsn, at New) or a routing answer
// (network, at Connect) must give the port.
func browserBehindDialer(k kind.Kind, where string) error {
	return &kind.Error{Kind: k, What: "SQL Browser cannot be asked through WithDialer", Key: "instanceName", Value: kind.Foreign(where),
		Why: "a named instance without a port is resolved over UDP (SQL Browser, port 1434), which the dialer of WithDialer does not carry; " +
			"dbtls sends no packet around the dialer, so nothing was sent",
		Fix: "give the instance's TCP port (portNumber, or host\\instance:port), or connect without WithDialer"}
}

// browserConn is the UDP exchange with SQL Browser: it notes whether an
// answer came and which ports it announced, and keeps the driver's
// deadlines within the Connect context's.
type browserConn struct {
	boundConn
	rec   *record
	state *browserState
}

func (c *browserConn) Read(p []byte) (int, error) {
	n, err := c.Conn.Read(p)
	c.rec.mu.Lock()
	defer c.rec.mu.Unlock()
	if err != nil {
		c.state.err = err
	} else {
		c.state.ports, c.state.names = parseBrowserAnswer(p[:n])
	}
	return n, err
}

func (c *browserConn) Close() error {
	c.release(false)
	return c.Conn.Close()
}

// parseBrowserAnswer reads the instances and TCP ports of an SVR_RESP
// ([MC-SQLR] 2.2.5): "ServerName;S;InstanceName;I;…;tcp;P;;" per instance.
// It is only for the record and for messages: go-mssqldb reads the answer
// itself. ports is never nil: an answer came.
func parseBrowserAnswer(b []byte) (map[string]int, []string) {
	ports := map[string]int{}
	var names []string
	if len(b) < 3 || b[0] != 0x05 {
		return ports, names
	}
	for _, inst := range strings.Split(string(b[3:]), ";;") {
		f := strings.Split(inst, ";")
		var name string
		for i := 0; i+1 < len(f); i += 2 {
			switch strings.ToLower(f[i]) {
			case "instancename":
				name = strings.ToUpper(f[i+1])
				names = append(names, name)
			case "tcp":
				if p, err := strconv.Atoi(f[i+1]); err == nil && name != "" {
					ports[name] = p
				}
			}
		}
	}
	return ports, names
}

// explainPath gives the failures of the paths of spec §2.1 their kind and
// place (err is mapError's answer): a named instance whose port SQL Browser
// did not give is kind network naming the instance and the UDP address; a
// failure on a routed hop names the hop.
func explainPath(err error, rec *record) error {
	rec.mu.Lock()
	defer rec.mu.Unlock()
	hops := rec.info.Hops
	if b := rec.tds.browser; b != nil {
		instance := rec.tds.instance
		if len(hops) > 0 {
			instance = "" // a routed host\instance: the routing answer named it, not the DSN
		}
		return browserError(err, *b, instance)
	}
	if len(hops) < 2 {
		return err
	}
	var ke *kind.Error
	if !errors.As(err, &ke) || ke.At != "" {
		return err
	}
	h := hops[len(hops)-1]
	out := *ke
	out.At = fmt.Sprintf("routed hop %d (%s, routed there by %s)", len(hops)-1, kind.Foreign(h.Addr), kind.Foreign(h.RoutedFrom))
	if ke.Err == nil {
		out.Err = ke
	}
	return &out
}

// browserError: SQL Browser was asked for a named instance's port and the
// connect ended before its TCP hop.
func browserError(err error, b browserState, instance string) error {
	e := &kind.Error{Kind: kind.Network, Err: err,
		Fix: "start the SQL Server Browser service and let UDP port 1434 through to it, or give the instance's TCP port (portNumber) so that it is not needed"}
	if instance != "" {
		e.Key, e.Value = "instanceName", instance
	} else {
		instance = "the instance the routing answer named"
	}
	switch {
	case b.ports == nil: // no answer
		e.What = "SQL Browser at " + b.addr + " (UDP) did not answer"
		why := "no answer before the connect's deadline"
		var ne net.Error
		switch {
		case b.err == nil:
			why = "no answer"
		case errors.As(b.err, &ne) && ne.Timeout():
		case strings.Contains(b.err.Error(), "refused"):
			why = "nothing listens there (connection refused)"
		default:
			why = b.err.Error()
		}
		e.Why = "asked for the TCP port of " + instance + ": " + why
	case instance != "" && slices.Contains(b.names, strings.ToUpper(instance)):
		e.What = "SQL Browser at " + b.addr + " (UDP) gave no usable TCP port for the instance"
		e.Why = "its answer lists " + strings.ToUpper(instance) + " without a TCP port go-mssqldb can use: " + kind.Foreign(err.Error())
		e.Fix = "check that the instance listens on TCP (SQL Server Configuration Manager), or give its TCP port (portNumber)"
	default:
		e.What = "SQL Browser at " + b.addr + " (UDP) does not know the instance"
		e.Why = "asked for the TCP port of " + instance + ", it lists " + cmp.Or(kind.Foreign(strings.Join(b.names, ", ")), "no instance")
		e.Fix = "check the instance name, or give the instance's TCP port (portNumber)"
	}
	return e
}
