package dbtls.oracle;

import com.google.gson.Gson;

import java.io.BufferedReader;
import java.io.InputStreamReader;
import java.nio.charset.StandardCharsets;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.ResultSet;
import java.sql.Statement;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Properties;

/**
 * The connect loop of the performance comparison (docs/performance.md, conformance/cmd/jdbcbench), run in one
 * JVM that stays up between batches so that it is warm:
 *
 * <pre>java -cp jdbc-oracle.jar dbtls.oracle.Bench</pre>
 *
 * Standard input holds one request a line, {"url": …, "properties": {…}, "n": 100, "query": "SELECT 1"}; for each,
 * n connects are made one after another — open the connection, run the query, read its row, close — and one line
 * is written: {"nanos": [each connect's time]} or {"error": "…"}. Times are taken inside the JVM
 * (System.nanoTime), so the pipe to the caller is not in them.
 */
public final class Bench {
    static final class Request {
        String url;
        Map<String, String> properties;
        int n;
        String query;
    }

    public static void main(String[] args) throws Exception {
        BufferedReader in = new BufferedReader(new InputStreamReader(System.in, StandardCharsets.UTF_8));
        Gson gson = new Gson();
        String line;
        while ((line = in.readLine()) != null) {
            if (line.isBlank()) continue;
            Request r = gson.fromJson(line, Request.class);
            Map<String, Object> res = new LinkedHashMap<>();
            try {
                res.put("nanos", run(r));
            } catch (Exception e) {
                res.put("error", Classify.messages(e));
            }
            System.out.println(gson.toJson(res));
            System.out.flush();
        }
    }

    static long[] run(Request r) throws Exception {
        Properties p = new Properties();
        if (r.properties != null) p.putAll(r.properties);
        String query = r.query == null || r.query.isEmpty() ? "SELECT 1" : r.query;
        long[] nanos = new long[r.n];
        for (int i = 0; i < r.n; i++) {
            long t0 = System.nanoTime();
            try (Connection conn = DriverManager.getConnection(r.url, p);
                 Statement s = conn.createStatement();
                 ResultSet rs = s.executeQuery(query)) {
                rs.next();
            }
            nanos[i] = System.nanoTime() - t0;
        }
        return nanos;
    }
}
