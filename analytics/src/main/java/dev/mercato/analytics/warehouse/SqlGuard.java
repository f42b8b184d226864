package dev.mercato.analytics.warehouse;

import dev.mercato.plane.InvalidInput;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.util.ArrayDeque;
import java.util.Deque;
import java.util.Locale;
import java.util.Set;
import java.util.TreeSet;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import tools.jackson.core.StreamReadConstraints;
import tools.jackson.core.json.JsonFactory;
import tools.jackson.databind.JsonNode;
import tools.jackson.databind.json.JsonMapper;

/**
 * Decides whether an admin's SQL may run: exactly one query, as DuckDB itself parses it.
 *
 * <p>Why {@code json_serialize_sql}: it hands the text to DuckDB's parser as a value, executes nothing,
 * and serializes SELECT statements only (SELECT, WITH, VALUES, FROM-first, TABLE, DESCRIBE, SHOW and
 * SUMMARIZE all parse to one), failing on any other statement anywhere in the text and listing every
 * statement it found, so a second statement hidden by any quoting DuckDB knows is seen as DuckDB sees it.
 * The alternatives are worse: the JDBC driver's {@code prepareStatement} splits the text and <em>runs</em>
 * every statement but the last before preparing it (that is how the review's attack wrote), so preparing
 * to look at the statement type is itself the hole; the prepared statement's return type cannot tell a
 * SELECT from PRAGMA, CALL or INSERT ... RETURNING; a hand-written lexer always lags the grammar. The json
 * extension is linked into the driver (never installed at run time).
 *
 * <p>What runs is not the admin's text but {@code json_deserialize_sql} of the checked tree: DuckDB's own
 * printing of the one query it parsed, so the checked statement and the executed one cannot differ. The
 * tree is also searched for functions: a SELECT may call table functions that write ({@code
 * checkpoint()}), run SQL from a string the check never saw ({@code query()}, {@code
 * json_execute_serialized_sql()}) or read raw memory ({@code arrow_scan()}), so only the listed readers,
 * generators and catalog views may be called in FROM, and the few scalar functions that change state are
 * refused. Neither check is the last line: {@link SqlRunner} runs the query in a read-only transaction
 * on a database that can open no file outside the lake and whose configuration is locked.
 */
final class SqlGuard {

    static final int MAX_LENGTH = 20_000;

    /** Functions a FROM clause may call: readers (confined to the lake by the engine), generators, catalog views. */
    static final Set<String> TABLE_FUNCTIONS = Set.of(
            "range",
            "generate_series",
            "unnest",
            "repeat",
            "repeat_row",
            "read_parquet",
            "parquet_scan",
            "parquet_metadata",
            "parquet_schema",
            "parquet_file_metadata",
            "parquet_kv_metadata",
            "read_csv",
            "read_csv_auto",
            "sniff_csv",
            "read_json",
            "read_json_auto",
            "read_json_objects",
            "read_json_objects_auto",
            "read_ndjson",
            "read_ndjson_auto",
            "read_ndjson_objects",
            "read_ndjson_objects_auto",
            "read_text",
            "read_blob",
            "glob",
            "json_each",
            "json_tree",
            "duckdb_columns",
            "duckdb_constraints",
            "duckdb_databases",
            "duckdb_dependencies",
            "duckdb_extensions",
            "duckdb_functions",
            "duckdb_indexes",
            "duckdb_keywords",
            "duckdb_memory",
            "duckdb_optimizers",
            "duckdb_schemas",
            "duckdb_sequences",
            "duckdb_settings",
            "duckdb_tables",
            "duckdb_temporary_files",
            "duckdb_types",
            "duckdb_views",
            "pragma_database_size",
            "pragma_platform",
            "pragma_storage_info",
            "pragma_table_info",
            "pragma_version",
            "icu_calendar_names",
            "pg_timezone_names",
            "test_all_types");

    /** Scalar functions that change state (sequences, the session's random seed, the engine's log). */
    static final Set<String> STATEFUL_FUNCTIONS = Set.of("nextval", "setval", "setseed", "write_log");

    private static final Pattern EXPLAIN =
            Pattern.compile("^\\s*(EXPLAIN\\s+(?:ANALY[SZ]E\\s+)?)(.*)$", Pattern.CASE_INSENSITIVE | Pattern.DOTALL);
    private static final Pattern FIRST_WORD = Pattern.compile("^\\s*([A-Za-z_]+)");

    /** DuckDB's trees nest a few JSON levels per expression level; its parser stops at 1000 expression levels. */
    private static final JsonMapper TREES = JsonMapper.builder(JsonFactory.builder()
                    .streamReadConstraints(StreamReadConstraints.builder()
                            .maxNestingDepth(100_000)
                            .build())
                    .build())
            .build();

    private SqlGuard() {}

    /** What runs: DuckDB's printing of the one query it parsed, after {@code EXPLAIN [ANALYZE] } if one led. */
    record Checked(String query, String explain) {

        boolean explained() {
            return !explain.isEmpty();
        }

        String text() {
            return explain + query;
        }
    }

    /** Checks the admin's SQL on {@code c} (which it only uses to call the parser), or throws saying why not. */
    static Checked check(String sql, Connection c) {
        if (sql == null || sql.isBlank()) {
            throw new InvalidInput("sql", "is empty; send one read-only statement such as SELECT ...");
        }
        if (sql.length() > MAX_LENGTH) {
            throw new InvalidInput("sql", "is longer than " + MAX_LENGTH + " characters");
        }
        String body = sql;
        String explain = "";
        Matcher m = EXPLAIN.matcher(sql);
        if (m.matches()) {
            explain = m.group(1).strip().replaceAll("\\s+", " ").toUpperCase(Locale.ROOT) + " ";
            body = m.group(2);
        }
        JsonNode tree = tree(parse(body, c));
        if (tree.path("error").asBoolean(false)) {
            throw new InvalidInput("sql", refusal(body, tree));
        }
        int statements = tree.path("statements").size();
        if (statements == 0) {
            throw new InvalidInput("sql", "holds no statement; send one read-only statement such as SELECT ...");
        }
        if (statements > 1) {
            throw new InvalidInput("sql", "holds several statements (" + statements + "); send exactly one");
        }
        callsOnlyAllowedFunctions(tree);
        return new Checked(printed(tree, c), explain);
    }

    private static String parse(String body, Connection c) {
        try (PreparedStatement p = c.prepareStatement("SELECT json_serialize_sql(CAST(? AS VARCHAR))")) {
            p.setString(1, body);
            try (ResultSet rs = p.executeQuery()) {
                rs.next();
                return rs.getString(1);
            }
        } catch (SQLException e) {
            throw new InvalidInput("sql", "cannot be parsed: " + firstLine(e.getMessage()));
        }
    }

    private static JsonNode tree(String json) {
        try {
            return TREES.readTree(json);
        } catch (RuntimeException e) {
            throw new InvalidInput("sql", "is nested too deeply to check");
        }
    }

    private static String printed(JsonNode tree, Connection c) {
        try (PreparedStatement p = c.prepareStatement("SELECT json_deserialize_sql(CAST(? AS JSON))")) {
            p.setString(1, tree.toString());
            try (ResultSet rs = p.executeQuery()) {
                rs.next();
                return rs.getString(1);
            }
        } catch (SQLException e) {
            throw new InvalidInput("sql", "uses a construct the SQL endpoint cannot run: " + firstLine(e.getMessage()));
        }
    }

    /** DuckDB refused to serialize the text: either it does not parse, or a statement in it is not a query. */
    private static String refusal(String body, JsonNode tree) {
        String message = tree.path("error_message").asString("");
        if (!message.contains("Only SELECT")) {
            return "cannot be parsed: " + firstLine(message);
        }
        Matcher first = FIRST_WORD.matcher(body);
        String word = first.find() ? first.group(1).toUpperCase(Locale.ROOT) : "";
        String why = switch (word) {
            case "INSERT",
                    "UPDATE",
                    "DELETE",
                    "MERGE",
                    "CREATE",
                    "DROP",
                    "ALTER",
                    "TRUNCATE",
                    "CHECKPOINT",
                    "VACUUM",
                    "ANALYZE",
                    "COMMENT" -> "it starts with " + word + ", which writes; the warehouse is read-only here";
            case "COPY", "EXPORT", "IMPORT" -> "it starts with " + word + ", which moves data to or from files";
            case "ATTACH", "DETACH", "USE" -> "it starts with " + word + ", which changes the databases in use";
            case "INSTALL", "LOAD", "FORCE" -> "it starts with " + word + "; extensions are never installed or loaded";
            case "PRAGMA", "SET", "RESET", "CALL" ->
                "it starts with " + word + ", which changes settings or runs a procedure";
            case "BEGIN", "START", "COMMIT", "END", "ROLLBACK", "ABORT", "SAVEPOINT", "RELEASE" ->
                "it starts with " + word + "; transactions are managed by the server";
            case "PREPARE", "EXECUTE", "DEALLOCATE" ->
                "it starts with " + word + "; send the statement itself, with its values inline";
            case "PIVOT", "UNPIVOT" ->
                "a PIVOT statement without an IN list defines types first; list the values (ON col IN (...))";
            default ->
                "DuckDB parses a statement in it that is not a query (a second statement, or a write" + " after WITH)";
        };
        return "is not a read-only query: " + why
                + "; only one SELECT, WITH, VALUES, FROM, TABLE, DESCRIBE, SHOW or SUMMARIZE statement,"
                + " optionally under EXPLAIN, runs here";
    }

    /** Walks the whole tree (iteratively: it can be thousands of levels deep) for the functions it calls. */
    private static void callsOnlyAllowedFunctions(JsonNode tree) {
        Set<String> refused = new TreeSet<>();
        Deque<JsonNode> pending = new ArrayDeque<>();
        pending.push(tree);
        while (!pending.isEmpty()) {
            JsonNode node = pending.pop();
            if (node.isObject()) {
                if ("TABLE_FUNCTION".equals(node.path("type").asString(""))) {
                    String name = functionName(node.path("function"));
                    if (!TABLE_FUNCTIONS.contains(name)) {
                        refused.add(name + "()");
                    }
                }
                if ("FUNCTION".equals(node.path("class").asString(""))) {
                    String name = functionName(node);
                    if (STATEFUL_FUNCTIONS.contains(name) || name.startsWith("__internal")) {
                        refused.add(name + "()");
                    }
                }
            }
            if (node.isContainer()) {
                node.forEach(pending::push);
            }
        }
        if (!refused.isEmpty()) {
            throw new InvalidInput(
                    "sql",
                    "calls " + String.join(", ", refused)
                            + ", which may write, change state or run SQL the check cannot see; FROM may call only"
                            + " the readers (read_parquet, read_csv, read_json, read_text, glob, ...), generators"
                            + " (range, unnest, ...) and catalog views (duckdb_tables(), ...)");
        }
    }

    private static String functionName(JsonNode function) {
        return function.path("function_name").asString("").toLowerCase(Locale.ROOT);
    }

    static String firstLine(String message) {
        if (message == null) {
            return "";
        }
        int nl = message.indexOf('\n');
        return nl < 0 ? message : message.substring(0, nl);
    }
}
