package verify

import "strings"

// MaxRedirects is the number of routing answers (ENVCHANGE type 20) one
// SQL Server connect follows, as mssql-jdbc (SQLServerConnection: ten
// redirections per login; the eleventh is an error). A connect routed more
// often than this is a routing loop, not a hang.
const MaxRedirects = 10

// RoutedName returns the name a routed hop's certificate must carry (spec
// §2.1), given the hostNameInCertificate in force on the hop before ("" when
// none was given) and the host the routing answer named (without its
// \instance), as mssql-jdbc decides it when it reads the routing ENVCHANGE:
//
//   - no hostNameInCertificate: the routed host;
//   - a value starting with '*' whose suffix after the '*' is the tail of the
//     routed host, which has a dot: '*' followed by the routed host from its
//     first dot (*.database.windows.net routed to
//     a.tr1.westus1-a.worker.database.windows.net becomes
//     *.tr1.westus1-a.worker.database.windows.net);
//   - any other value: unchanged.
//
// The suffix is compared letter for letter (case-sensitively), as mssql-jdbc
// does. mssql-jdbc's comparison loop also accepts a routed host shorter than
// the suffix and never compares the host's first character; here the whole
// suffix must be a tail of the host (docs/paths.md). Across several hops the
// value folds: each hop starts from the previous hop's result.
func RoutedName(hostNameInCertificate, routedHost string) string {
	h := hostNameInCertificate
	if h == "" {
		return routedHost
	}
	dot := strings.IndexByte(routedHost, '.')
	if !strings.HasPrefix(h, "*") || dot < 0 || !strings.HasSuffix(routedHost, h[1:]) {
		return h
	}
	return "*" + routedHost[dot:]
}

// HopName returns the name checked on a hop routed to host, given prev, the
// name checked on the hop before: RoutedName with the hostNameInCertificate
// in force (prev, when the strategy has one), else the routed host. It is ""
// when the strategy checks no name.
func (s *Strategy) HopName(prev, host string) string {
	if s.NameRules == NoName {
		return ""
	}
	if s.Mode == ModeHostnameOverride {
		return RoutedName(prev, host)
	}
	return host
}
