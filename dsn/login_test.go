package dsn

import (
	"errors"
	"strings"
	"testing"

	"github.com/dbtls/dbtls/kind"
)

// TestLoginPropertiesRefused: a property that changes who logs in and that dbtls does
// not honour is an invalid-dsn error naming it, in a DSN and in a struct.
func TestLoginPropertiesRefused(t *testing.T) {
	refused := map[string]string{
		"jdbc:sqlserver://db;authentication=ActiveDirectoryPassword;user=app;password=pw": "authentication=ActiveDirectoryPassword",
		"jdbc:sqlserver://db;integratedSecurity=true":                                     "integratedSecurity=true",
		"jdbc:sqlserver://db;integratedSecurity=true;authenticationScheme=JavaKerberos":   "integratedSecurity=true",
		"jdbc:sqlserver://db;authenticationScheme=NTLM":                                   "authenticationScheme=NTLM",
		"jdbc:sqlserver://db;accessToken=eyJ0eXAi":                                        "accessToken=xxxxx",
		"server=db;Integrated Security=SSPI":                                              "Integrated Security=SSPI",
		"server=db;Trusted_Connection=yes":                                                "Trusted_Connection=yes",
		"sqlserver://db?authentication=ActiveDirectoryMSI":                                "authentication=ActiveDirectoryMSI",
		"jdbc:mariadb://db/orders?credentialType=AWS-IAM&user=app":                        "credentialType=AWS-IAM",
	}
	for s, named := range refused {
		_, err := Parse(s)
		if !errors.Is(err, kind.InvalidDSN) || !strings.Contains(err.Error(), "("+named+")") || !strings.Contains(err.Error(), "login") {
			t.Errorf("Parse(%q) = %v; want invalid-dsn naming (%s)", s, err, named)
		}
		if err != nil && strings.Contains(err.Error(), "eyJ0eXAi") {
			t.Errorf("Parse(%q) shows the token: %v", s, err)
		}
	}
	accepted := []string{
		"jdbc:sqlserver://db;authentication=SqlPassword",
		"jdbc:sqlserver://db;authentication=NotSpecified",
		"jdbc:sqlserver://db;integratedSecurity=false",
		"jdbc:sqlserver://db;authenticationScheme=NativeAuthentication",
		"server=db;Integrated Security=false",
	}
	for _, s := range accepted {
		c, err := Parse(s)
		if err != nil || len(c.Warnings) != 1 {
			t.Errorf("Parse(%q) = %v, warnings %v; want accepted with one warning", s, err, c.Warnings)
		}
	}
	// After a password the value is not shown (it may be the password's tail), the key is.
	if _, err := Parse("jdbc:sqlserver://db;user=app;password=pw;authentication=ActiveDirectoryPassword"); !errors.Is(err, kind.InvalidDSN) || !strings.Contains(err.Error(), "login property") {
		t.Errorf("authentication after password: %v; want the login refusal", err)
	}
	// A struct-built configuration gets the same check (Normalize).
	_, err := Normalize(&Config{Family: SQLServer, Host: "db", Ignored: []Property{{"authentication", "ActiveDirectoryPassword"}}})
	if !errors.Is(err, kind.InvalidDSN) || !strings.Contains(err.Error(), "(authentication=ActiveDirectoryPassword)") {
		t.Errorf("Normalize with Ignored authentication=ActiveDirectoryPassword = %v; want invalid-dsn naming it", err)
	}
	_, err = Normalize(&Config{Family: MySQL, Host: "db", Ignored: []Property{{"credentialType", "ENV"}}})
	if !errors.Is(err, kind.InvalidDSN) {
		t.Errorf("Normalize with Ignored credentialType=ENV = %v; want invalid-dsn", err)
	}
}
