package mysql

import (
	"context"
	"errors"
	"fmt"
	"sync"

	"github.com/dbtls/dbtls/internal/testutil/certgen"
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
	// 127.0.0.1 and a function that stops it. The fixture sets no deadline:
	// the engine bounds its own start (which may first wait for a build).
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
	key := config + "/" + cert
	kl := f.keyLock(key)
	kl.Lock()
	defer kl.Unlock()
	f.mu.Lock()
	s, ok := f.engineSrv[key]
	f.mu.Unlock()
	if ok {
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
	s = &started{}
	s.port, s.stop, s.err = f.engine.Start(context.Background(), config, c, ca)
	if s.err != nil {
		s.err = fmt.Errorf("%s server %s: %w", f.engine.Name(), key, s.err)
	}
	f.mu.Lock()
	f.engineSrv[key] = s
	f.mu.Unlock()
	return s.port, s.err
}

func (f *Fixture) keyLock(key string) *sync.Mutex {
	f.mu.Lock()
	defer f.mu.Unlock()
	if f.locks == nil {
		f.locks = map[string]*sync.Mutex{}
	}
	m := f.locks[key]
	if m == nil {
		m = &sync.Mutex{}
		f.locks[key] = m
	}
	return m
}

// StartServers starts the servers the cases need, parallel at a time, and
// returns their errors. Later Port and Server calls find them running.
func (f *Fixture) StartServers(cases []Case, parallel int) error {
	seen := map[[2]string]bool{}
	var keys [][2]string
	for _, c := range cases {
		k := [2]string{c.Server, c.Cert}
		if !seen[k] {
			seen[k] = true
			keys = append(keys, k)
		}
	}
	errs := make([]error, len(keys))
	sem := make(chan struct{}, max(parallel, 1))
	var wg sync.WaitGroup
	for i, k := range keys {
		wg.Add(1)
		sem <- struct{}{}
		go func() {
			defer func() { <-sem; wg.Done() }()
			_, errs[i] = f.Port(k[0], k[1])
		}()
	}
	wg.Wait()
	return errors.Join(errs...)
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
