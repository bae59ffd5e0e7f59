package mysql

import (
	"context"
	"fmt"
	"time"

	"github.com/dbtls/dbtls/internal/certgen"
)

// Engine starts the servers of one MySQL-protocol server product other than
// MariaDB (whose servers the fixture starts itself, see Fixture.Server), so
// that the matrix, its oracle and the Connector/J differential run against it
// unchanged: conformance/tidb is one.
type Engine interface {
	// Name names the product in messages and documents ("TiDB").
	Name() string
	// Start starts a server for a matrix configuration (Case.Server) serving
	// cert (nil for "off"), with clientCA as the CA client certificates must
	// chain to where the configuration checks them, and returns its port on
	// 127.0.0.1 and a function that stops it.
	Start(ctx context.Context, config string, cert, clientCA *certgen.Cert) (port int, stop func(), err error)
}

type started struct {
	port int
	stop func()
	err  error
}

// NewFixtureOn makes the CAs, certificates and stores of a run, as
// NewFixture, for servers that e starts.
func NewFixtureOn(e Engine) (*Fixture, error) {
	f, err := NewFixture()
	if err != nil {
		return nil, err
	}
	f.engine, f.engineSrv = e, map[string]*started{}
	return f, nil
}

// Engine is the fixture's engine; nil for MariaDB.
func (f *Fixture) Engine() Engine { return f.engine }

// Port returns the port of the shared server for a configuration and
// certificate, starting it on first use: the engine's server, or MariaDB's
// (Server). A server that failed to start is not tried again.
func (f *Fixture) Port(config, cert string) (int, error) {
	if f.engine == nil {
		s, err := f.Server(config, cert)
		if err != nil {
			return 0, err
		}
		return s.Port, nil
	}
	f.mu.Lock()
	defer f.mu.Unlock()
	key := config + "/" + cert
	if s, ok := f.engineSrv[key]; ok {
		return s.port, s.err
	}
	var c, ca *certgen.Cert
	if config != "off" {
		c = f.certs[cert]
		if c == nil {
			return 0, fmt.Errorf("mysql: no certificate %q", cert)
		}
	}
	if config == "x509" {
		ca = f.clientCA
	}
	ctx, cancel := context.WithTimeout(context.Background(), 15*time.Minute)
	defer cancel()
	s := &started{}
	s.port, s.stop, s.err = f.engine.Start(ctx, config, c, ca)
	if s.err != nil {
		s.err = fmt.Errorf("%s server %s: %w", f.engine.Name(), key, s.err)
	}
	f.engineSrv[key] = s
	return s.port, s.err
}

// ServerCert is the server certificate of a kind (a key of CertNames).
func (f *Fixture) ServerCert(kind string) *certgen.Cert { return f.certs[kind] }

// ClientCA is the CA of the client certificates (the x509 servers' ssl-ca).
func (f *Fixture) ClientCA() *certgen.Cert { return f.clientCA }

// ClientCert is the client certificate of a Case.Client value (nil for none).
func (f *Fixture) ClientCert(client string) *certgen.Cert {
	switch client {
	case "pem", "keystore":
		return f.client
	case "pem-other-subject":
		return f.otherClient
	}
	return nil
}
