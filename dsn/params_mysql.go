package dsn

import "strings"

// The non-TLS properties of the MySQL family. Where to connect is read by
// mysql.go; the TLS properties are in keys.go. Keys not listed here stay
// go-sql-driver session variables (SET key=value), except one a letter or two
// from a TLS key.

// mysqlDriverParams maps a lower-cased key to go-sql-driver/mysql's own
// parameter (dsn.go, v1.10.1), passed on in Config.Params. Its tls= is a TLS
// key (keys.go); allowFallbackToPlaintext is refused (keys.go) and strict,
// which go-sql-driver answers with a panic, is refused below.
var mysqlDriverParams = lowerMap("allowAllFiles", "allowCleartextPasswords", "allowNativePasswords", "allowOldPasswords",
	"charset", "checkConnLiveness", "clientFoundRows", "collation", "columnsWithAlias", "compress",
	"connectionAttributes", "interpolateParams", "loc", "maxAllowedPacket", "multiStatements", "parseTime",
	"readTimeout", "rejectReadOnly", "serverPubKey", "timeout", "timeTruncate", "writeTimeout")

// lowerMap maps each key, lower-cased, to itself.
func lowerMap(keys ...string) map[string]string {
	m := make(map[string]string, len(keys))
	for _, k := range keys {
		m[strings.ToLower(k)] = k
	}
	return m
}

// mysqlRefused are non-TLS keys that must not reach go-sql-driver.
var mysqlRefused = map[string]string{
	"strict": "go-sql-driver removed its strict mode; set the session variable sql_mode instead (e.g. sql_mode='STRICT_ALL_TABLES')",
}

// connectorJMapped are Connector/J (and MariaDB Connector/J) properties with
// a go-sql-driver equivalent: key → go-sql-driver parameter. Values of
// connectTimeout are milliseconds and converted; the others are booleans or
// names with the same meaning.
var connectorJMapped = map[string]string{
	"connecttimeout":      "timeout",
	"allowmultiqueries":   "multiStatements",
	"usecompression":      "compress",
	"connectioncollation": "collation",
}

// connectorJIgnored are properties of MySQL Connector/J 9.x and MariaDB
// Connector/J 3.x that go-sql-driver cannot honour: accepted with a warning
// naming the key, never sent as session variables. (autocommit is not here:
// it is also a MySQL session variable; allowPublicKeyRetrieval and
// serverRSAPublicKeyFile are honoured, see auth_mysql.go.)
var connectorJIgnored = lowerSet(
	// MySQL Connector/J.
	"allowLoadLocalInfile", "allowLoadLocalInfileInPath", "allowNanAndInf",
	"allowReplicaDownConnections", "allowSourceDownConnections", "allowUrlInLocalInfile", "alwaysSendSetIsolation",
	"authenticationOpenidConnectCallbackHandler", "authenticationPlugins", "authenticationWebAuthnCallbackHandler",
	"autoClosePStmtStreams", "autoGenerateTestcaseScript", "autoReconnect", "autoReconnectForPools", "autoSlowLog",
	"blobsAreStrings", "blobSendChunkSize", "cacheCallableStmts", "cacheDefaultTimeZone", "cacheDefaultTimezone",
	"cachePrepStmts", "cacheResultSetMetadata", "cacheServerConfiguration", "callableStmtCacheSize",
	"characterEncoding", "characterSetResults", "clientInfoProvider", "clobberStreamingResults",
	"clobCharacterEncoding", "compensateOnDuplicateKeyUpdateCounts", "connectionLifecycleInterceptors",
	"connectionTimeZone", "serverTimezone", "continueBatchOnError", "createDatabaseIfNotExist", "customCharsetMapping",
	"databaseTerm", "defaultAuthenticationPlugin", "defaultFetchSize", "detectCustomCollations",
	"disabledAuthenticationPlugins", "disconnectOnExpiredPasswords", "dnsSrv", "dontCheckOnDuplicateKeyUpdateInSQL",
	"dontTrackOpenResources", "dumpQueriesOnException", "elideSetAutoCommits", "emptyStringsConvertToZero",
	"emulateLocators", "emulateUnsupportedPstmts", "enableEscapeProcessing", "enablePacketDebug",
	"enableQueryTimeouts", "exceptionInterceptors", "explainSlowQueries", "failOverReadOnly",
	"fallbackToSystemKeyStore", "fipsCompliantJsse", "forceConnectionTimeZoneToSession",
	"functionsNeverReturnBlobs", "gatherPerfMetrics", "generateSimpleParameterMetadata",
	"getProceduresReturnsFunctions", "ha.enableJMX", "haEnableJMX", "ha.loadBalanceStrategy", "haLoadBalanceStrategy",
	"holdResultsOpenOverStatementClose", "idTokenFile", "ignoreNonTxTables", "includeInnodbStatusInDeadlockExceptions",
	"includeThreadDumpInDeadlockExceptions", "includeThreadNamesAsStatementComment", "initialTimeout",
	"interactiveClient", "jdbcCompliantTruncation", "largeRowSizeThreshold", "ldapServerHostname",
	"loadBalanceAutoCommitStatementRegex", "loadBalanceAutoCommitStatementThreshold", "loadBalanceBlocklistTimeout",
	"loadBalanceConnectionGroup", "loadBalanceExceptionChecker", "loadBalanceHostRemovalGracePeriod",
	"loadBalancePingTimeout", "loadBalanceSQLExceptionSubclassFailover", "loadBalanceSQLStateFailover",
	"loadBalanceValidateConnectionOnSwapServer", "localSocketAddress", "locatorFetchBufferSize", "logger",
	"logSlowQueries", "logXaCommands", "maintainTimeStats", "maxByteArrayAsHex", "maxQuerySizeToLog", "maxReconnects",
	"maxRows", "metadataCacheSize", "netTimeoutForStreamingResults", "noAccessToProcedureBodies",
	"noDatetimeStringSync", "nullDatabaseMeansCurrent", "nullCatalogMeansCurrent", "ociConfigFile",
	"ociConfigProfile", "openTelemetry", "overrideSupportsIntegrityEnhancementFacility", "packetDebugBufferSize",
	"padCharsWithSpace", "paranoid", "password1", "password2", "password3", "passwordCharacterEncoding", "pedantic",
	"pinGlobalTxToPhysicalConnection", "populateInsertRowWithDefaultValues", "prepStmtCacheSize",
	"prepStmtCacheSqlLimit", "preserveInstants", "processEscapeCodesForPrepStmts", "profilerEventHandler",
	"profileSQL", "propertiesTransform", "queriesBeforeRetrySource", "queryInfoCacheFactory", "parseInfoCacheFactory",
	"queryInterceptors", "queryTimeoutKillsConnection", "readFromSourceWhenNoReplicas", "readOnlyPropagatesToServer",
	"reconnectAtTxEnd", "replicationConnectionGroup", "reportMetricsIntervalMillis", "resourceId",
	"resultSetSizeThreshold", "retriesAllDown", "rewriteBatchedStatements", "rollbackOnPooledClose",
	"scrollTolerantForwardOnly", "secondsBeforeRetrySource", "selfDestructOnPingMaxOperations",
	"selfDestructOnPingSecondsLifetime", "sendFractionalSeconds", "sendFractionalSecondsForTime",
	"serverAffinityOrder", "serverConfigCacheFactory", "slowQueryThresholdMillis",
	"slowQueryThresholdNanos", "socketFactory", "socketTimeout", "socksProxyHost", "socksProxyPort",
	"socksProxyRemoteDns", "strictUpdates", "tcpKeepAlive", "tcpNoDelay", "tcpRcvBuf", "tcpSndBuf", "tcpTrafficClass",
	"tinyInt1isBit", "traceProtocol", "trackSessionState", "transformedBitIsBoolean",
	"treatMysqlDatetimeAsTimestamp", "treatUtilDateAsTimestamp", "ultraDevHack", "useAffectedRows",
	"useColumnNamesInFindColumn", "useConfigs", "useCursorFetch", "useHostsInPrivileges", "useInformationSchema",
	"useLocalSessionState", "useLocalTransactionState", "useNanosForElapsedTime", "useOldAliasMetadataBehavior",
	"useOnlyServerErrorMessages", "useReadAheadInput", "useServerPrepStmts", "useStreamLengthsInPrepStmts",
	"useUnbufferedInput", "useUnicode", "useUsageAdvisor", "useLegacyDatetimeCode", "yearIsDateType",
	"zeroDateTimeBehavior",
	// MariaDB Connector/J 3.x (those not already above).
	"allowLocalInfile", "blankTableNameMeta", "cacheCodecs", "credentialType", "disablePipeline",
	"disableSslHostnameVerification", "galeraAllowedState", "geometryDefaultType", "initSql", "localSocket",
	"maxIdleTime", "maxPoolSize", "metaExportedKeys", "minPoolSize", "oldModeNoPrecisionTimestamp", "permitNoResults",
	"permitRedirect", "pool", "poolName", "poolValidMinDelay", "pureLocalDateTime", "registerJmxPool",
	"restrictedAuth", "returnMultiValuesGeneratedIds", "servicePrincipalName",
	"tcpAbortiveClose", "tcpKeepCount", "tcpKeepIdle", "tcpKeepInterval", "timezone", "transactionIsolation",
	"transactionReplay", "transactionReplaySize", "useBulkStmts", "useBulkStmtsForInserts", "useCatalogTerm",
	"useIpForKillQuery", "useMysqlMetadata", "useResetConnection", "uuidAsString",
)
