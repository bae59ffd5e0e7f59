// Command tdsserver runs the conformance TDS test server (package
// conformance/tds) on its own, so that any SQL Server client can be pointed
// at it:
//
//	go run ./conformance/cmd/tdsserver --listen 127.0.0.1:14330 \
//	    --cert server.crt --key server.key --encryption off --strict no
//
// --cert is a PEM file whose first certificate is the leaf, optionally
// followed by its chain; --key is the leaf's PEM private key. Each
// connection's negotiated encryption (none, login-only, full or strict),
// TLS version and cipher are logged to stderr. --legacy rsa-kx-only (or
// tls10-only, tls11-only, 3des-only) serves as an old server does.
package main

import (
	"crypto/tls"
	"flag"
	"fmt"
	"io"
	"log/slog"
	"os"
	"os/signal"
	"slices"
	"syscall"

	"github.com/dbtls/dbtls/conformance/tds"
)

func main() {
	if err := run(os.Args[1:], os.Stderr); err != nil {
		fmt.Fprintln(os.Stderr, "tdsserver:", err)
		os.Exit(2)
	}
}

// run parses args, starts the server and blocks until SIGINT or SIGTERM.
func run(args []string, stderr io.Writer) error {
	srv, err := start(args, stderr)
	if err != nil {
		return err
	}
	sig := make(chan os.Signal, 1)
	signal.Notify(sig, os.Interrupt, syscall.SIGTERM)
	<-sig
	return srv.Close()
}

// start parses args and starts the server in the background.
func start(args []string, stderr io.Writer) (*tds.Server, error) {
	fs := flag.NewFlagSet("tdsserver", flag.ContinueOnError)
	fs.SetOutput(stderr)
	listen := fs.String("listen", "127.0.0.1:14330", "address to listen on")
	certFile := fs.String("cert", "", "PEM certificate: the leaf, optionally followed by its chain")
	keyFile := fs.String("key", "", "PEM private key of the leaf")
	encryption := fs.String("encryption", "off", "PRELOGIN encryption setting: off, on, req or notsup")
	strict := fs.String("strict", "no", "TDS 8.0 (TLS first): no, also or only")
	user := fs.String("user", "", "user name a login must carry (with --password)")
	password := fs.String("password", "", "password a login must carry; empty: any login succeeds")
	legacy := fs.String("legacy", "", "serve as an old server: one of tds.LegacyProfiles (rsa-kx-only, tls10-only, tls11-only, 3des-only; an RSA --cert)")
	if err := fs.Parse(args); err != nil {
		return nil, err
	}
	if fs.NArg() > 0 {
		return nil, fmt.Errorf("unexpected argument %q", fs.Arg(0))
	}
	enc, err := tds.ParseSetting(*encryption)
	if err != nil {
		return nil, err
	}
	st, err := tds.ParseStrict(*strict)
	if err != nil {
		return nil, err
	}
	cfg := tds.Config{
		Encryption: enc,
		Strict:     st,
		User:       *user,
		Password:   *password,
		Logger:     slog.New(slog.NewTextHandler(stderr, nil)),
	}
	if *legacy != "" {
		i := slices.IndexFunc(tds.LegacyProfiles, func(l tds.Legacy) bool { return l.Name == *legacy })
		if i < 0 {
			return nil, fmt.Errorf("unknown --legacy %q", *legacy)
		}
		tds.LegacyProfiles[i].Apply(&cfg)
	}
	switch {
	case *certFile != "" && *keyFile != "":
		c, err := tls.LoadX509KeyPair(*certFile, *keyFile)
		if err != nil {
			return nil, fmt.Errorf("loading --cert %s and --key %s: %w", *certFile, *keyFile, err)
		}
		cfg.Certificate = &c
	case *certFile != "" || *keyFile != "":
		return nil, fmt.Errorf("--cert and --key go together")
	}
	srv, err := tds.Listen(*listen, cfg)
	if err != nil {
		return nil, err
	}
	fmt.Fprintf(stderr, "tdsserver: listening on %s (encryption=%s strict=%s)\n", srv.Addr(), enc, st)
	return srv, nil
}
