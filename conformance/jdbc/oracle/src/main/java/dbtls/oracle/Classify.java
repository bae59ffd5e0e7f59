package dbtls.oracle;

import java.net.ConnectException;
import java.net.SocketTimeoutException;
import java.net.UnknownHostException;
import java.security.UnrecoverableKeyException;
import java.security.cert.CertPathValidatorException;
import java.security.cert.CertificateExpiredException;
import java.security.cert.CertificateNotYetValidException;
import java.sql.SQLException;
import java.util.Locale;

/**
 * Reads the failure class from a driver's exception chain: exception types and vendor codes first,
 * message text second. The classes are dbtls's error kinds (docs/semantics.md section 8).
 */
final class Classify {
    private Classify() {}

    static String messages(Throwable t) {
        StringBuilder b = new StringBuilder();
        for (Throwable x = t; x != null; x = x.getCause()) {
            if (b.length() > 0) b.append(" <- ");
            b.append(x.getClass().getSimpleName()).append(": ").append(x.getMessage());
            if (x.getCause() == x) break;
        }
        return b.toString();
    }

    static String of(String driver, boolean pinned, Throwable t) {
        String all = messages(t).toLowerCase(Locale.ROOT);
        for (Throwable x = t; x != null; x = x.getCause()) {
            if (x instanceof CertificateExpiredException || x instanceof CertificateNotYetValidException) return "certificate-expired";
            if (x instanceof UnrecoverableKeyException) return "truststore-integrity";
            if (x instanceof SQLException se) {
                int code = se.getErrorCode();
                if (code == 18456 || code == 1045 || code == 3159 || "28000".equals(se.getSQLState())) return "server-refused";
            }
            if (x instanceof CertPathValidatorException cpe) {
                if (cpe.getReason() == CertPathValidatorException.BasicReason.EXPIRED
                        || cpe.getReason() == CertPathValidatorException.BasicReason.NOT_YET_VALID) return "certificate-expired";
            }
            if (x == x.getCause()) break;
        }
        if (all.contains("password was incorrect") || all.contains("keystore was tampered") || all.contains("integrity check failed")) return "truststore-integrity";
        if (all.contains("nosuchfileexception") || all.contains("filenotfoundexception") || all.contains("(no such file or directory)")
                || all.contains("invalid keystore format") || all.contains("keystore") && all.contains("not found")) return "truststore-unreadable";
        if (all.contains("does not support encryption") || all.contains("server does not support ssl") || all.contains("ssl connection required")
                || all.contains("not support ssl") || all.contains("ssl is required but the server doesn't support it")
                || all.contains("server does not support tls") || all.contains("not configured to support ssl")) return "encryption-not-supported";
        if (all.contains("failed to validate the server name") || all.contains("server identity verification failed") || all.contains("no subject alternative") || all.contains("doesn't match")
                || all.contains("does not match") && all.contains("host")) return pinned ? "pin-mismatch" : "hostname-mismatch";
        if (all.contains("expired") || all.contains("notafter") || all.contains("not yet valid")) return "certificate-expired";
        if (all.contains("extended key usage") || all.contains("extkeyusage")) return "certificate-usage";
        if (pinned && all.contains("error validating server certificate")) return "pin-mismatch";
        if (all.contains("pkix path") || all.contains("unable to find valid certification path") || all.contains("certpathvalidator")
                || all.contains("path does not chain") || all.contains("certificate_unknown") || all.contains("unknown_ca")) return "untrusted-certificate";
        if (all.contains("protocol_version") || all.contains("no appropriate protocol") || all.contains("protocol is disabled")) return "tls-version-mismatch";
        if (all.contains("access denied") || all.contains("login failed") || all.contains("insecure transport")) return "server-refused";
        for (Throwable x = t; x != null; x = x.getCause()) {
            if (x instanceof ConnectException || x instanceof UnknownHostException || x instanceof SocketTimeoutException) return "network";
            if (x == x.getCause()) break;
        }
        if (all.contains("connection refused") || all.contains("communications link failure") || all.contains("connection reset")
                || all.contains("tcp/ip connection to the host")) return "network";
        if (all.contains("sslhandshake") || all.contains("ssl") || all.contains("tls")) return "handshake-failed";
        return "other";
    }
}
