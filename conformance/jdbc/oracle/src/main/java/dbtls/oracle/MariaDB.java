package dbtls.oracle;

import java.io.File;
import java.net.URL;
import java.net.URLClassLoader;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.Driver;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.util.Locale;
import java.util.Map;
import java.util.Properties;
import java.util.concurrent.ConcurrentHashMap;

/**
 * MariaDB Connector/J, two versions side by side. Each version's jar (copied by Maven into
 * target/mariadb-VERSION/, never shaded into the oracle) is loaded by a class loader of its own, and its
 * Driver is called directly rather than through DriverManager, so the two never see each other's classes.
 * A case names the version in its driver: "mariadb-3.5" or "mariadb-4.0".
 */
final class MariaDB {
    private MariaDB() {}

    /** The driver name's version → the artifact version Maven copies (pom.xml). */
    static final Map<String, String> VERSIONS = Map.of("mariadb-3.5", "3.5.11", "mariadb-4.0", "4.0.0");

    private static final Map<String, Driver> DRIVERS = new ConcurrentHashMap<>();

    static boolean handles(String driver) {
        return driver != null && VERSIONS.containsKey(driver);
    }

    static Driver driver(String name) throws Exception {
        Driver d = DRIVERS.get(name);
        if (d != null) return d;
        synchronized (DRIVERS) {
            d = DRIVERS.get(name);
            if (d != null) return d;
            String version = VERSIONS.get(name);
            Path self = Path.of(MariaDB.class.getProtectionDomain().getCodeSource().getLocation().toURI());
            File jar = self.getParent().resolve("mariadb-" + version).resolve("mariadb-java-client-" + version + ".jar").toFile();
            if (!jar.isFile()) throw new IllegalStateException("MariaDB Connector/J " + version + " is not at " + jar);
            ClassLoader parent = ClassLoader.getPlatformClassLoader(); // java.sql, not the oracle's own drivers
            URLClassLoader loader = new URLClassLoader("mariadb-" + version, new URL[] {jar.toURI().toURL()}, parent);
            d = (Driver) Class.forName("org.mariadb.jdbc.Driver", true, loader).getDeclaredConstructor().newInstance();
            DRIVERS.put(name, d);
            return d;
        }
    }

    /** Connects as the case says, runs the query and reads the server's Ssl_version and Ssl_cipher. */
    static void attempt(Main.Case c, Properties p, String query, Main.Outcome o) throws Exception {
        Driver d = driver(c.driver);
        o.driverVersion = d.getMajorVersion() + "." + d.getMinorVersion();
        try (Connection conn = d.connect(c.url, p)) {
            if (conn == null) throw new SQLException("MariaDB Connector/J does not accept the URL");
            try (Statement s = conn.createStatement()) {
                try (ResultSet rs = s.executeQuery(query)) {
                    rs.next();
                }
                o.connected = true;
                try (ResultSet rs = s.executeQuery("SHOW SESSION STATUS LIKE 'Ssl_version'")) {
                    if (rs.next()) o.tlsVersion = rs.getString(2);
                }
                try (ResultSet rs = s.executeQuery("SHOW SESSION STATUS LIKE 'Ssl_cipher'")) {
                    if (rs.next()) o.cipher = rs.getString(2);
                }
            }
        }
    }

    /**
     * MariaDB Connector/J's own words, read before Classify's: its refusals of a configuration, its "ssl not
     * enabled in the server", its deferred identity check (a certificate no trust anchor vouches for, refused
     * after authentication when the server cannot prove it by the password), and the JDK's HTTPS name check it
     * turns on in verify-full.
     */
    static String classify(Throwable t) {
        String all = Classify.messages(t).toLowerCase(Locale.ROOT);
        if (all.contains("wrong argument value") || all.contains("must be boolean") || all.contains("no x509trustmanager found")
                || all.contains("optional parameter") || all.contains("unsupported ssl cipher") || all.contains("unsupported ssl protocol")) return "invalid-dsn";
        if (all.contains("ssl not enabled in the server")) return "encryption-not-supported";
        if (all.contains("file not found for option") || all.contains("failed to find truststore file")) return "truststore-unreadable";
        if (all.contains("self signed certificates") || all.contains("self-signed certificates")) return "untrusted-certificate";
        if (all.contains("no name matching") || all.contains("no subject alternative") || all.contains("hostname verification")
                || all.contains("doesn't correspond to certificate")) return "hostname-mismatch";
        return null;
    }
}
