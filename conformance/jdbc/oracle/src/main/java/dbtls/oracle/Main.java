package dbtls.oracle;

import com.google.gson.Gson;
import com.google.gson.GsonBuilder;
import com.google.gson.reflect.TypeToken;

import java.io.InputStreamReader;
import java.io.Reader;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.ResultSet;
import java.sql.Statement;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Properties;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;

/**
 * Reads a JSON array of cases (a file named as the argument, or standard input), runs each through the real
 * JDBC driver, and writes a JSON array of outcomes, one per case, in order. One case's failure never stops
 * the run; each case has a hard timeout.
 */
public final class Main {
    static final class Case {
        String id;
        String driver; // "mssql", "mysql", "mariadb-3.5" or "mariadb-4.0"
        String url;
        Map<String, String> properties;
        String query;
        int timeoutSeconds;
    }

    static final class Outcome {
        String id;
        boolean connected;
        String outcomeClass = "ok";
        String message = "";
        String exception = "";
        String tlsVersion;
        String cipher;
        String driverVersion; // MariaDB: the version of the driver the case ran through
    }

    public static void main(String[] args) throws Exception {
        Reader in = args.length > 0
                ? Files.newBufferedReader(Path.of(args[0]), StandardCharsets.UTF_8)
                : new InputStreamReader(System.in, StandardCharsets.UTF_8);
        Gson gson = new GsonBuilder().disableHtmlEscaping().create();
        List<Case> cases = gson.fromJson(in, new TypeToken<List<Case>>() {}.getType());
        List<Map<String, Object>> out = new ArrayList<>();
        ExecutorService pool = Executors.newCachedThreadPool(r -> {
            Thread t = new Thread(r);
            t.setDaemon(true);
            return t;
        });
        for (Case c : cases) {
            Outcome o = run(pool, c);
            Map<String, Object> m = new java.util.LinkedHashMap<>();
            m.put("id", o.id);
            m.put("connected", o.connected);
            m.put("class", o.outcomeClass);
            m.put("message", o.message);
            m.put("exception", o.exception);
            if (o.tlsVersion != null) m.put("tlsVersion", o.tlsVersion);
            if (o.cipher != null) m.put("cipher", o.cipher);
            if (o.driverVersion != null) m.put("driverVersion", o.driverVersion);
            out.add(m);
        }
        System.out.println(gson.toJson(out));
        System.out.flush();
        System.exit(0);
    }

    static Outcome run(ExecutorService pool, Case c) {
        Outcome o = new Outcome();
        o.id = c.id;
        int timeout = c.timeoutSeconds > 0 ? c.timeoutSeconds : 15;
        Future<Outcome> f = pool.submit(() -> attempt(c, o));
        try {
            return f.get(timeout, TimeUnit.SECONDS);
        } catch (TimeoutException e) {
            f.cancel(true);
            o.connected = false;
            o.outcomeClass = "network";
            o.message = "timed out after " + timeout + "s";
            o.exception = e.getClass().getName();
            return o;
        } catch (Exception e) {
            Throwable t = e.getCause() != null ? e.getCause() : e;
            o.connected = false;
            boolean pinned = c.url.toLowerCase(java.util.Locale.ROOT).contains("servercertificate=")
                    || c.properties != null && c.properties.keySet().stream().anyMatch(k -> k.equalsIgnoreCase("serverCertificate"));
            String mariadb = MariaDB.handles(c.driver) ? MariaDB.classify(t) : null;
            o.outcomeClass = mariadb != null ? mariadb : Classify.of(c.driver, pinned, t);
            o.message = Classify.messages(t);
            o.exception = t.getClass().getName();
            return o;
        }
    }

    static Outcome attempt(Case c, Outcome o) throws Exception {
        Properties p = new Properties();
        if (c.properties != null) p.putAll(c.properties);
        String query = c.query == null || c.query.isEmpty() ? "SELECT 1" : c.query;
        if (MariaDB.handles(c.driver)) {
            MariaDB.attempt(c, p, query, o);
            return o;
        }
        try (Connection conn = DriverManager.getConnection(c.url, p); Statement s = conn.createStatement()) {
            try (ResultSet rs = s.executeQuery(query)) {
                rs.next();
            }
            o.connected = true;
            if ("mysql".equals(c.driver)) {
                try (ResultSet rs = s.executeQuery("SHOW SESSION STATUS LIKE 'Ssl_version'")) {
                    if (rs.next()) o.tlsVersion = rs.getString(2);
                }
                try (ResultSet rs = s.executeQuery("SHOW SESSION STATUS LIKE 'Ssl_cipher'")) {
                    if (rs.next()) o.cipher = rs.getString(2);
                }
            }
        }
        return o;
    }
}
