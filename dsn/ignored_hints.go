package dsn

import "strings"

// ignoredHints says, for an ignored JDBC property (lower-case key) that a
// Go program still needs an equivalent of, what to write instead. The
// warning for the property ends with it.
var ignoredHints = map[string]string{
	"characterencoding":             "go-sql-driver's equivalent is charset, a MySQL character set (its default, utf8mb4, is what characterEncoding=UTF-8 means)",
	"charactersetresults":           "go-sql-driver's equivalent is charset, a MySQL character set (e.g. charset=utf8mb4)",
	"useunicode":                    "go-sql-driver always sends text in the connection's charset (default utf8mb4)",
	"servertimezone":                "go-sql-driver reads DATETIME and TIMESTAMP into time.Time in loc, with parseTime=true (e.g. loc=UTC&parseTime=true)",
	"connectiontimezone":            "go-sql-driver reads DATETIME and TIMESTAMP into time.Time in loc, with parseTime=true (e.g. loc=UTC&parseTime=true)",
	"autoreconnect":                 "database/sql replaces a broken connection by itself",
	"sendstringparametersasunicode": "go-mssqldb sends a Go string as NVARCHAR; pass mssql.VarChar(s) for a VARCHAR parameter",
}

// ignoredWarning is the warning for an ignored property key.
func ignoredWarning(key, what string) string {
	w := "ignored: " + key + " is " + what
	if hint, ok := ignoredHints[strings.ToLower(key)]; ok {
		w += "; " + hint
	}
	return w
}
