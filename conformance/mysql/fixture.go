package mysql

import (
	"context"
	"crypto/x509"
	"net"
	"os"
	"os/exec"
	"path/filepath"
	"sync"
	"time"

	"github.com/dbtls/dbtls/conformance/mariadb"
	"github.com/dbtls/dbtls/internal/testutil/certgen"
	"software.sslmate.com/src/go-pkcs12"
)

const storePass = "store-pass"

// Fixture is one run's CAs, certificates, trust stores and servers.
type Fixture struct {
	dir         string
	ca, other   *certgen.Cert
	clientCA    *certgen.Cert
	client      *certgen.Cert // the pem and keystore client certificate
	otherClient *certgen.Cert // pem-other-subject
	certs       map[string]*certgen.Cert
	trust       map[string]string // pem, jks, pkcs12 → path (each holds ca)
	clientPEM   [2]string         // cert, key with ClientSubject
	otherPEM    [2]string         // cert, key with another subject
	clientJKS   string
	mu          sync.Mutex             // the maps
	locks       map[string]*sync.Mutex // one per server key: held while it starts
	servers     map[string]*mariadb.Server
	engine      Engine              // nil: MariaDB (servers)
	engineSrv   map[string]*started // engine's servers by config/cert
}

// Close stops the servers and removes the files.
func (f *Fixture) Close() {
	f.mu.Lock()
	defer f.mu.Unlock()
	for _, s := range f.servers {
		s.Stop()
	}
	for _, s := range f.engineSrv {
		if s.stop != nil {
			s.stop()
		}
	}
	os.RemoveAll(f.dir)
}

// NewFixture makes the CAs, certificates and keytool-made stores of a run.
func NewFixture() (*Fixture, error) {
	dir, err := os.MkdirTemp("", "dbtls-mysql-")
	if err != nil {
		return nil, err
	}
	now := time.Now()
	nb, na := certgen.Window(now, time.Hour, 30*24*time.Hour)
	f := &Fixture{dir: dir, certs: map[string]*certgen.Cert{}, trust: map[string]string{}, servers: map[string]*mariadb.Server{}}
	f.ca = certgen.Must(certgen.Spec{CN: "dbtls conformance CA", IsCA: true, NotBefore: nb, NotAfter: na})
	f.other = certgen.Must(certgen.Spec{CN: "unrelated CA", IsCA: true, NotBefore: nb, NotAfter: na})
	f.clientCA = certgen.Must(certgen.Spec{CN: "client CA", IsCA: true, NotBefore: nb, NotAfter: na})
	// One leaf per kind, carrying the names CertNames gives it (the oracle
	// reads the same table); expired, untrusted and self-signed differ from
	// a good leaf in that one respect.
	for kind, n := range CertNames {
		s := certgen.Spec{CN: n.CN, DNSNames: n.DNS, Parent: f.ca, NotBefore: nb, NotAfter: na, RSA: true}
		for _, ip := range n.IPs {
			s.IPs = append(s.IPs, net.ParseIP(ip))
		}
		switch kind {
		case "expired":
			s.NotBefore, s.NotAfter = now.Add(-48*time.Hour), now.Add(-time.Hour)
		case "untrusted":
			s.Parent = f.other
		case "self-signed":
			s.Parent = nil
		}
		f.certs[kind] = certgen.Must(s)
	}

	// Trust stores holding the CA: PEM, and JKS / PKCS12 made by keytool.
	pemPath := filepath.Join(dir, "ca.pem")
	if err := os.WriteFile(pemPath, f.ca.CertPEM(), 0o644); err != nil {
		return nil, err
	}
	f.trust["pem"] = pemPath
	for typ, name := range map[string]string{"JKS": "jks", "PKCS12": "pkcs12"} {
		p := filepath.Join(dir, "trust."+name)
		if err := keytool("-importcert", "-noprompt", "-alias", "ca", "-file", pemPath, "-keystore", p, "-storetype", typ, "-storepass", storePass); err != nil {
			return nil, err
		}
		f.trust[name] = p
	}

	// Client certificates from the client CA, as ClientCerts lists them.
	client := certgen.Must(certgen.Spec{CN: "dbtls client", Org: "dbtls", DNSNames: ClientCerts["pem"].DNS, Parent: f.clientCA, NotBefore: nb, NotAfter: na, RSA: true})
	other := certgen.Must(certgen.Spec{CN: "someone else", Org: "dbtls", DNSNames: ClientCerts["pem-other-subject"].DNS, Parent: f.clientCA, NotBefore: nb, NotAfter: na, RSA: true})
	f.client, f.otherClient = client, other
	if f.clientPEM[0], f.clientPEM[1], err = client.WriteFiles(dir, "client"); err != nil {
		return nil, err
	}
	if f.otherPEM[0], f.otherPEM[1], err = other.WriteFiles(dir, "other-client"); err != nil {
		return nil, err
	}
	// The client key store: PKCS12 encoded here, turned into JKS by keytool.
	p12, err := pkcs12.Modern.Encode(client.Key, client.Cert, []*x509.Certificate{f.clientCA.Cert}, storePass)
	if err != nil {
		return nil, err
	}
	p12Path := filepath.Join(dir, "client.p12")
	if err := os.WriteFile(p12Path, p12, 0o600); err != nil {
		return nil, err
	}
	f.clientJKS = filepath.Join(dir, "client.jks")
	if err := keytool("-importkeystore", "-noprompt", "-srckeystore", p12Path, "-srcstoretype", "PKCS12", "-srcstorepass", storePass,
		"-destkeystore", f.clientJKS, "-deststoretype", "JKS", "-deststorepass", storePass, "-destkeypass", storePass); err != nil {
		return nil, err
	}
	return f, nil
}

func keytool(args ...string) error {
	out, err := exec.Command("keytool", args...).CombinedOutput()
	if err != nil {
		return &exec.Error{Name: "keytool " + string(out), Err: err}
	}
	return nil
}

// Server returns the shared server for a configuration and certificate,
// starting it on first use.
func (f *Fixture) Server(config, cert string) (*mariadb.Server, error) {
	key := config + "/" + cert
	kl := f.keyLock(key) // one start per server; other servers start meanwhile
	kl.Lock()
	defer kl.Unlock()
	f.mu.Lock()
	s, ok := f.servers[key]
	f.mu.Unlock()
	if ok {
		return s, nil
	}
	// Every server listens on 127.0.0.1 and [::1]: the matrix names it by
	// either literal, or as localhost.
	o := mariadb.Options{TLS: config != "off", Cert: f.certs[cert], IPv6: true}
	switch config {
	case "off":
		o.Cert = nil
	case "require-secure":
		o.RequireSecureTransport = true
	case "tls12":
		o.TLSVersion = "TLSv1.2"
	case "tls13":
		o.TLSVersion = "TLSv1.3"
	case "x509":
		o.ClientCA = f.clientCA
	}
	ctx, cancel := context.WithTimeout(context.Background(), 90*time.Second)
	defer cancel()
	s, err := mariadb.Start(ctx, o)
	if err != nil {
		return nil, err
	}
	f.mu.Lock()
	f.servers[key] = s
	f.mu.Unlock()
	return s, nil
}
