package sqlserver

import (
	"fmt"

	"github.com/dbtls/dbtls/conformance/tds"
)

// Servers are the TDS servers of the matrix: one per server setting and
// server certificate (NOT_SUP needs no certificate, so it has one server).
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

// StartServers starts every server on 127.0.0.1.
func StartServers(f *Fixture) (*Servers, error) {
	s := &Servers{m: map[string]*tds.Server{}}
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
			srv, err := tds.Listen("127.0.0.1:0", cfg)
			if err != nil {
				s.Close()
				return nil, fmt.Errorf("server %s/%s: %w", setting, cert, err)
			}
			s.m[setting+"/"+cert] = srv
		}
	}
	return s, nil
}

// For returns the server with that setting and certificate.
func (s *Servers) For(setting, cert string) *tds.Server {
	if setting == "notsup" {
		cert = "good"
	}
	return s.m[setting+"/"+cert]
}

// Close stops every server.
func (s *Servers) Close() {
	for _, srv := range s.m {
		srv.Close()
	}
}
