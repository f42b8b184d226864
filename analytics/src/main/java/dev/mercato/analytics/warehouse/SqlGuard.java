package dev.mercato.analytics.warehouse;

import dev.mercato.plane.InvalidInput;
import dev.mercato.plane.events.EventJson;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.util.List;
import java.util.Locale;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import tools.jackson.databind.JsonNode;

/**
 * Decides whether an admin's SQL may run: exactly one read-only statement. The first check is lexical, to
 * name the reason (writes, COPY, ATTACH, extensions, PRAGMA, SET, several statements); the second is
 * DuckDB's own parser, which serializes SELECT statements only, so a statement the lexical check did not
 * foresee is refused too. Neither is the last line: the statement runs in a read-only transaction on a
 * database that can open no file outside the lake.
 */
final class SqlGuard {

    static final int MAX_LENGTH = 20_000;

    private static final Pattern COMMENTS_AND_LITERALS =
            Pattern.compile("--[^\\n]*|/\\*.*?\\*/|'(?:[^']|'')*'|\"(?:[^\"]|\"\")*\"", Pattern.DOTALL);
    private static final Pattern FIRST_WORD = Pattern.compile("^\\W*([A-Za-z_]+)");
    private static final List<String> READS =
            List.of("SELECT", "WITH", "FROM", "VALUES", "TABLE", "SUMMARIZE", "DESCRIBE", "SHOW", "EXPLAIN");
    private static final Pattern FORBIDDEN = Pattern.compile(
            "\\b(INSERT|UPDATE|DELETE|MERGE|CREATE|DROP|ALTER|TRUNCATE|COPY|ATTACH|DETACH|INSTALL|LOAD|PRAGMA|SET"
                    + "|RESET|EXPORT|IMPORT|CALL|CHECKPOINT|VACUUM|BEGIN|COMMIT|ROLLBACK)\\b",
            Pattern.CASE_INSENSITIVE);

    private SqlGuard() {}

    /** Returns the statement without trailing semicolons, or throws naming why it may not run. */
    static String check(String sql, Connection parser) {
        if (sql == null || sql.isBlank()) {
            throw new InvalidInput("sql", "is empty; send one read-only statement such as SELECT ...");
        }
        if (sql.length() > MAX_LENGTH) {
            throw new InvalidInput("sql", "is longer than " + MAX_LENGTH + " characters");
        }
        String statement = sql.strip();
        while (statement.endsWith(";")) {
            statement = statement.substring(0, statement.length() - 1).strip();
        }
        String bare = COMMENTS_AND_LITERALS.matcher(statement).replaceAll(" ");
        if (bare.contains(";")) {
            throw new InvalidInput("sql", "holds several statements; send exactly one");
        }
        Matcher first = FIRST_WORD.matcher(bare);
        String word = first.find() ? first.group(1).toUpperCase(Locale.ROOT) : "";
        Matcher forbidden = FORBIDDEN.matcher(bare);
        if (forbidden.find()) {
            throw new InvalidInput("sql", refusal(forbidden.group(1).toUpperCase(Locale.ROOT)));
        }
        if (!READS.contains(word)) {
            throw new InvalidInput(
                    "sql",
                    "starts with " + (word.isEmpty() ? "no keyword" : word)
                            + "; only read-only statements (SELECT, WITH ...) run here");
        }
        if (List.of("DESCRIBE", "SHOW", "SUMMARIZE", "EXPLAIN").contains(word)) {
            return statement;
        }
        parsed(statement, parser);
        return statement;
    }

    private static String refusal(String keyword) {
        return switch (keyword) {
            case "INSERT", "UPDATE", "DELETE", "MERGE", "CREATE", "DROP", "ALTER", "TRUNCATE", "CHECKPOINT", "VACUUM" ->
                "contains " + keyword + ", which writes; the warehouse is read-only here";
            case "COPY", "EXPORT", "IMPORT" -> "contains " + keyword + ", which moves data to or from files";
            case "ATTACH", "DETACH" -> "contains " + keyword + ", which changes the databases in use";
            case "INSTALL", "LOAD" -> "contains " + keyword + "; extensions are never installed or loaded";
            case "PRAGMA", "SET", "RESET", "CALL" -> "contains " + keyword + ", which changes settings";
            default -> "contains " + keyword + "; transactions are managed by the server";
        };
    }

    private static void parsed(String statement, Connection parser) {
        String json;
        try (PreparedStatement p = parser.prepareStatement("SELECT json_serialize_sql(?)")) {
            p.setString(1, statement);
            try (ResultSet rs = p.executeQuery()) {
                rs.next();
                json = rs.getString(1);
            }
        } catch (SQLException e) {
            throw new InvalidInput("sql", "cannot be parsed: " + firstLine(e.getMessage()));
        }
        JsonNode tree = EventJson.tree(json);
        if (tree.path("error").asBoolean(false)) {
            String message = tree.path("error_message").asString("");
            if (message.contains("Only SELECT")) {
                throw new InvalidInput("sql", "is not a read-only query; only SELECT statements run here");
            }
            throw new InvalidInput("sql", "cannot be parsed: " + firstLine(message));
        }
        if (tree.path("statements").size() != 1) {
            throw new InvalidInput("sql", "holds several statements; send exactly one");
        }
    }

    static String firstLine(String message) {
        if (message == null) {
            return "";
        }
        int nl = message.indexOf('\n');
        return nl < 0 ? message : message.substring(0, nl);
    }
}
