package sqlserver

import (
	"fmt"
	"net"

	"github.com/dbtls/dbtls/conformance/tds"
)

// Servers are the TDS servers of the matrix: one per server setting and
// server certificate (NOT_SUP needs no certificate, so it has one server),
// on 127.0.0.1 (named as Host or IPv4) and again on [::1] (IPv6).
type Servers struct {
	m map[string]*tds.Server
}

// settings maps the matrix's server settings to the TDS server's.
var settings = map[string]tds.Config{
	"off":         {Encryption: tds.Off},
	"on":          {Encryption: tds.On},
	"req":         {Encryption: tds.Req},
	"notsup":      {Encryption: tds.NotSup},
	"strict-only": {Encryption: tds.Off, Strict: tds.StrictOnly},
}

// listenAddrs are the addresses the servers listen on: Host resolves to
// 127.0.0.1, so the DNS name and the IPv4 literal reach the same servers.
var listenAddrs = map[string]string{"dns": IPv4, "ipv4": IPv4, "ipv6": IPv6}

// StartServers starts every server on 127.0.0.1 and on [::1].
func StartServers(f *Fixture) (*Servers, error) {
	s := &Servers{m: map[string]*tds.Server{}}
	for _, ip := range []string{IPv4, IPv6} {
		for _, setting := range Settings {
			for _, cert := range Certs {
				cfg := settings[setting]
				if setting == "notsup" {
					if cert != "good" {
						continue
					}
				} else {
					tc := f.Leaves[cert].TLS(true)
					cfg.Certificate = &tc
				}
				srv, err := tds.Listen(net.JoinHostPort(ip, "0"), cfg)
				if err != nil {
					s.Close()
					return nil, fmt.Errorf("server %s/%s on %s: %w", setting, cert, ip, err)
				}
				s.m[ip+"/"+setting+"/"+cert] = srv
			}
		}
	}
	return s, nil
}

// For returns the server on 127.0.0.1 with that setting and certificate.
func (s *Servers) For(setting, cert string) *tds.Server { return s.ForHost("dns", setting, cert) }

// ForCase returns the server case c connects to.
func (s *Servers) ForCase(c Case) *tds.Server { return s.ForHost(c.HostKind(), c.Server, c.Cert) }

// ForHost returns the server with that setting and certificate that a DSN
// naming the server as host (a value of Hosts) reaches.
func (s *Servers) ForHost(host, setting, cert string) *tds.Server {
	if setting == "notsup" {
		cert = "good"
	}
	return s.m[listenAddrs[host]+"/"+setting+"/"+cert]
}

// Close stops every server.
func (s *Servers) Close() {
	for _, srv := range s.m {
		srv.Close()
	}
}
