package dsn

import "strings"

// checkLogin refuses a property that changes who logs in — another
// authentication method than a user and password — and that dbtls does not
// honour: accepted with a warning, the connection would log in with the
// user and password instead, or with none, silently. The same properties
// with the value that means user and password (authentication=SqlPassword,
// integratedSecurity=false, authenticationScheme=NativeAuthentication) stay
// ignored with a warning. Both Parse (reader.property) and Normalize
// (checkIgnorable) run it.
func checkLogin(f Family, key, value string) error {
	lk := strings.ToLower(strings.TrimSpace(key))
	v := strings.ToLower(strings.TrimSpace(value))
	const replaced = ", which go-mssqldb would replace with SQL authentication (dbtls logs in with user and password only)"
	var why string
	switch {
	case f != SQLServer:
		if lk == "credentialtype" && v != "" {
			why = "it takes the credentials from another source (AWS IAM, the environment) than user and password, which go-sql-driver would use instead"
		}
	case lk == "authentication" && v != "" && v != "notspecified" && v != "sqlpassword":
		why = "it selects another login than user and password (SQL authentication), which go-mssqldb would use instead (dbtls logs in with user and password only)"
	case (lk == "integratedsecurity" || lk == "integrated security" || lk == "trusted_connection") && (v == "true" || v == "yes" || v == "1" || v == "sspi"):
		why = "it asks for Windows (Kerberos or NTLM) login" + replaced
	case lk == "authenticationscheme" && v != "" && v != "nativeauthentication":
		why = "it selects Kerberos or NTLM login" + replaced
	case (lk == "accesstoken" || lk == "accesstokencallback" || lk == "accesstokencallbackclass") && v != "":
		why = "it logs in with an access token" + replaced
	}
	if why == "" {
		return nil
	}
	fix := "remove " + key + " and give user and password"
	if f == SQLServer && (strings.HasPrefix(strings.ReplaceAll(v, " ", ""), "activedirectory") || strings.HasPrefix(lk, "accesstoken")) {
		// Microsoft Entra ID (Azure AD): the token comes from the program.
		fix = "remove " + key + " and give the connector an access token with connector.WithAccessTokenFunc (e.g. from azidentity)"
	}
	return invalid(key, value, "login property that dbtls does not honour", why, fix)
}
