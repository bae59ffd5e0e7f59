package dsn

import "strings"

// The non-TLS properties of the SQL Server family. Where to connect (server,
// port, instance, database, user, password) is read by sqlserver.go; the TLS
// properties are in keys.go. Anything not listed anywhere is an unknown-key
// error.

// sqlServerDriverParams maps a lower-cased key to go-mssqldb's own parameter
// (msdsn, v1.11.2): its own names, and the Microsoft JDBC and .NET ADO names
// that mean the same thing. They are passed on in Config.Params.
var sqlServerDriverParams = map[string]string{
	// go-mssqldb's names.
	"app name": "app name", "applicationintent": "applicationintent", "connection timeout": "connection timeout",
	"dial timeout": "dial timeout", "keepalive": "keepalive", "packet size": "packet size", "log": "log",
	"failoverpartner": "failoverpartner", "failoverport": "failoverport", "failoverpartnerspn": "failoverpartnerspn",
	"workstation id": "workstation id", "serverspn": "serverspn", "disableretry": "disableretry",
	"multisubnetfailover": "multisubnetfailover", "protocol": "protocol", "guid conversion": "guid conversion",
	"pipe": "pipe", "notraceid": "notraceid", "timezone": "timezone", "epa enabled": "epa enabled",

	// Microsoft JDBC names (serverSpn, failoverPartner, multiSubnetFailover and
	// applicationIntent are go-mssqldb's names in another case).
	"applicationname": "app name", "workstationid": "workstation id", "packetsize": "packet size",
	"logintimeout": "connection timeout", // seconds in both

	// .NET ADO names.
	"application name": "app name", "connect timeout": "connection timeout", "application intent": "applicationintent",
	"failover partner": "failoverpartner", "multi subnet failover": "multisubnetfailover",
}

// sqlServerIgnored are properties of Microsoft JDBC (mssql-jdbc 13.x) and .NET
// ADO that go-mssqldb cannot honour: accepted with a warning naming the key.
var sqlServerIgnored = lowerSet(
	// mssql-jdbc.
	"accessToken", "accessTokenCallback", "accessTokenCallbackClass", "AADSecurePrincipalId", "AADSecurePrincipalSecret",
	"authentication", "authenticationScheme", "bulkCopyForBatchInsertAllowEncryptedValueModifications",
	"bulkCopyForBatchInsertBatchSize", "bulkCopyForBatchInsertCheckConstraints", "bulkCopyForBatchInsertFireTriggers",
	"bulkCopyForBatchInsertKeepIdentity", "bulkCopyForBatchInsertKeepNulls", "bulkCopyForBatchInsertTableLock",
	"cacheBulkCopyMetadata", "calcBigDecimalPrecision", "cancelQueryTimeout", "columnEncryptionSetting",
	"concatNullYieldsNull", "connectRetryCount", "connectRetryInterval", "datetimeParameterType",
	"defaultTransactionIsolation", "delayLoadingLobs", "disableStatementPooling", "domain",
	"enablePrepareOnFirstPreparedStatementCall", "enclaveAttestationProtocol", "enclaveAttestationUrl", "fips",
	"gsscredential", "ignoreOffsetOnDateTimeOffsetConversion", "integratedSecurity", "iPAddressPreference",
	"jaasConfigurationName", "keyStoreAuthentication", "keyStoreLocation", "keyStorePrincipalId", "keyStoreSecret",
	"keyVaultProviderClientId", "keyVaultProviderClientKey", "lastUpdateCount", "lockTimeout", "maxResultBuffer",
	"msiClientId", "prepareMethod", "queryTimeout", "quotedIdentifier", "realm", "replication", "responseBuffering",
	"retryConn", "retryExec", "selectMethod", "sendStringParametersAsUnicode", "sendTemporalDataTypesAsStringForBulkCopy",
	"sendTimeAsDatetime", "serverNameAsACE", "serverPreparedStatementDiscardThreshold", "socketFactoryClass",
	"socketFactoryConstructorArg", "socketTimeout", "statementPoolingCacheSize", "transparentNetworkIPResolution",
	"useBulkCopyForBatchInsert", "useDefaultGSSCredential", "useDefaultJaasConfig", "useFmtOnly", "vectorTypeSupport",
	"xopenStates",
	// .NET ADO.
	"asynchronous processing", "attachdbfilename", "column encryption setting", "connect retry count",
	"connect retry interval", "connection lifetime", "context connection", "enlist", "integrated security",
	"load balance timeout", "max pool size", "min pool size", "multipleactiveresultsets", "persist security info",
	"pooling", "transaction binding", "trusted_connection", "type system version", "user instance",
)

func lowerSet(keys ...string) map[string]bool {
	m := make(map[string]bool, len(keys))
	for _, k := range keys {
		m[strings.ToLower(k)] = true
	}
	return m
}
