package dev.mercato.app.web;

import dev.mercato.plane.Conflict;
import dev.mercato.plane.Forbidden;
import dev.mercato.plane.InvalidInput;
import dev.mercato.plane.NotFound;
import dev.mercato.plane.PreconditionFailed;
import dev.mercato.plane.Unavailable;
import dev.mercato.plane.web.Problems;
import java.net.URI;
import java.sql.SQLException;
import java.util.List;
import java.util.Map;
import org.springframework.dao.DataAccessException;
import org.springframework.dao.DataAccessResourceFailureException;
import org.springframework.dao.TransientDataAccessException;
import org.springframework.http.HttpHeaders;
import org.springframework.http.HttpStatus;
import org.springframework.http.HttpStatusCode;
import org.springframework.http.ProblemDetail;
import org.springframework.http.ResponseEntity;
import org.springframework.http.converter.HttpMessageNotReadableException;
import org.springframework.jdbc.CannotGetJdbcConnectionException;
import org.springframework.transaction.CannotCreateTransactionException;
import org.springframework.transaction.TransactionSystemException;
import org.springframework.web.ErrorResponse;
import org.springframework.web.bind.annotation.ExceptionHandler;
import org.springframework.web.bind.annotation.RestControllerAdvice;
import org.springframework.web.context.request.WebRequest;
import org.springframework.web.method.annotation.MethodArgumentTypeMismatchException;
import org.springframework.web.servlet.mvc.method.annotation.ResponseEntityExceptionHandler;
import tools.jackson.core.JacksonException;
import tools.jackson.core.JsonParser;
import tools.jackson.core.TokenStreamLocation;

/**
 * Turns typed failures into RFC 9457 problem+json with a stable {@code type}. Framework errors (bad
 * JSON, wrong method, missing parameter) are answered the same way by the base class.
 */
@RestControllerAdvice
class ProblemHandler extends ResponseEntityExceptionHandler {

    static final String TYPES = Problems.TYPES;
    /** What a 500 says, wherever it is answered: nothing about the failure itself. */
    static final String INTERNAL_ERROR_DETAIL =
            "Something failed on our side; nothing you sent was at fault. Retry later.";

    private static final org.slf4j.Logger log = org.slf4j.LoggerFactory.getLogger(ProblemHandler.class);

    @ExceptionHandler(InvalidInput.class)
    ProblemDetail invalid(InvalidInput e) {
        ProblemDetail problem = problem(HttpStatus.BAD_REQUEST, "invalid-input", "Invalid input", e.getMessage());
        problem.setProperty("errors", List.of(Map.of("field", e.field(), "message", e.getMessage())));
        return problem;
    }

    @ExceptionHandler(NotFound.class)
    ProblemDetail notFound(NotFound e) {
        return problem(HttpStatus.NOT_FOUND, "not-found", "Not found", e.getMessage());
    }

    @ExceptionHandler(Forbidden.class)
    ProblemDetail forbidden(Forbidden e) {
        return problem(HttpStatus.FORBIDDEN, "forbidden", "Forbidden", e.getMessage());
    }

    @ExceptionHandler(Conflict.class)
    ProblemDetail conflict(Conflict e) {
        ProblemDetail problem = problem(HttpStatus.CONFLICT, e.type(), Problems.title(e.type()), e.getMessage());
        e.properties().forEach(problem::setProperty);
        return problem;
    }

    /**
     * A store too busy or briefly unreachable (no pooled connection within its timeout, a transient
     * failure): nothing was done, and trying again shortly may work. A 503, not a 500: the request was fine.
     */
    @ExceptionHandler({
        CannotGetJdbcConnectionException.class,
        TransientDataAccessException.class,
        CannotCreateTransactionException.class,
        DataAccessResourceFailureException.class,
        TransactionSystemException.class
    })
    ResponseEntity<ProblemDetail> storeBusy(RuntimeException e) {
        return storeUnavailable();
    }

    /**
     * Any other data-access failure whose cause is the connection itself (SQLSTATE class 08, or the server
     * shutting down, 57P*): the store went away mid-request, which is a 503 like the ones above. Anything
     * else is a bug and stays a 500.
     */
    @ExceptionHandler(DataAccessException.class)
    ResponseEntity<ProblemDetail> dataAccess(DataAccessException e) {
        SQLException sql = cause(e, SQLException.class);
        String state = sql == null || sql.getSQLState() == null ? "" : sql.getSQLState();
        if (state.startsWith("08") || state.startsWith("57P") || cause(e, java.io.IOException.class) != null) {
            return storeUnavailable();
        }
        log.error("Data access failed", e);
        return ResponseEntity.internalServerError()
                .body(problem(
                        HttpStatus.INTERNAL_SERVER_ERROR, "internal-error", "Internal error", INTERNAL_ERROR_DETAIL));
    }

    private static ResponseEntity<ProblemDetail> storeUnavailable() {
        ProblemDetail problem = problem(
                HttpStatus.SERVICE_UNAVAILABLE,
                "store-unavailable",
                "Store unavailable",
                "A store is too busy or unreachable right now; nothing was changed. Retry in a moment.");
        return ResponseEntity.status(HttpStatus.SERVICE_UNAVAILABLE)
                .header(HttpHeaders.RETRY_AFTER, "1")
                .body(problem);
    }

    @ExceptionHandler(PreconditionFailed.class)
    ProblemDetail preconditionFailed(PreconditionFailed e) {
        ProblemDetail problem =
                problem(HttpStatus.PRECONDITION_FAILED, "precondition-failed", "Precondition failed", e.getMessage());
        problem.setProperty("currentVersion", e.currentVersion());
        return problem;
    }

    @ExceptionHandler(Unavailable.class)
    ResponseEntity<ProblemDetail> unavailable(Unavailable e) {
        ProblemDetail problem =
                problem(HttpStatus.SERVICE_UNAVAILABLE, e.type(), Problems.title(e.type()), e.getMessage());
        return ResponseEntity.status(HttpStatus.SERVICE_UNAVAILABLE)
                .header(
                        HttpHeaders.RETRY_AFTER,
                        Long.toString(Math.max(1, e.retryAfter().toSeconds())))
                .body(problem);
    }

    @ExceptionHandler(MethodArgumentTypeMismatchException.class)
    ProblemDetail mismatch(MethodArgumentTypeMismatchException e) {
        ProblemDetail problem =
                problem(HttpStatus.BAD_REQUEST, "invalid-input", "Invalid input", e.getName() + " has the wrong type");
        problem.setProperty("errors", List.of(Map.of("field", e.getName(), "message", "has the wrong type")));
        return problem;
    }

    /**
     * Errors the framework answers itself (unreadable JSON, a wrong method or media type, a missing
     * parameter) get a stable Mercato type too, so clients branch on one vocabulary.
     */
    @Override
    protected ResponseEntity<Object> handleExceptionInternal(
            Exception ex, Object body, HttpHeaders headers, HttpStatusCode status, WebRequest request) {
        // Some handlers pass no body and let the exception's own problem be used: type that one.
        if (body == null && ex instanceof ErrorResponse response) {
            body = response.getBody();
        }
        if (ex instanceof HttpMessageNotReadableException && cause(ex, RequestLimits.BodyTooLarge.class) != null) {
            // A chunked body that grew past the limit while it was read: the same answer as a Content-Length over it.
            ProblemDetail problem = problem(
                    HttpStatus.CONTENT_TOO_LARGE,
                    typeFor(413),
                    Problems.title(typeFor(413)),
                    cause(ex, RequestLimits.BodyTooLarge.class).getMessage());
            return super.handleExceptionInternal(ex, problem, headers, HttpStatus.CONTENT_TOO_LARGE, request);
        }
        if (body instanceof ProblemDetail problem
                && (problem.getType() == null
                        || "about:blank".equals(problem.getType().toString()))) {
            problem.setType(URI.create(TYPES + typeFor(status.value())));
            if (ex instanceof HttpMessageNotReadableException) {
                unreadable(problem, cause(ex, JacksonException.class));
            }
        }
        return super.handleExceptionInternal(ex, body, headers, status, request);
    }

    /**
     * Where a body stopped being acceptable: the field (as a path, {@code addresses[0].city}) when the JSON
     * was well-formed but of the wrong shape, and the line and column either way.
     */
    private static void unreadable(ProblemDetail problem, JacksonException cause) {
        String detail = "The request body is not valid JSON of the expected shape";
        if (cause == null) {
            problem.setDetail(detail);
            return;
        }
        String field = field(cause);
        String reason = firstLine(cause.getOriginalMessage());
        TokenStreamLocation at = cause.getLocation();
        String where =
                at == null || at.getLineNr() < 0 ? "" : " at line " + at.getLineNr() + ", column " + at.getColumnNr();
        problem.setDetail(detail + (field.isEmpty() ? "" : " (field " + field + ")") + where + ": " + reason);
        problem.setProperty(
                "errors", List.of(Map.of("field", field.isEmpty() ? "body" : field, "message", reason + where)));
    }

    private static String field(JacksonException e) {
        if (e.getPath().isEmpty() && e.processor() instanceof JsonParser parser) {
            // A parse error (a key given twice) has no databind path; the parser knows where it was.
            String pointer = parser.streamReadContext().pathAsPointer().toString();
            return pointer.isEmpty() ? "" : pointer.substring(1).replace('/', '.');
        }
        StringBuilder path = new StringBuilder();
        for (JacksonException.Reference step : e.getPath()) {
            if (step.getPropertyName() != null) {
                path.append(path.isEmpty() ? "" : ".").append(step.getPropertyName());
            } else if (step.getIndex() >= 0) {
                path.append('[').append(step.getIndex()).append(']');
            }
        }
        return path.toString();
    }

    /** Jackson's own words, cut to their first line and to a length that does not echo a large input back. */
    private static String firstLine(String message) {
        if (message == null || message.isBlank()) {
            return "malformed";
        }
        String line = message.lines().findFirst().orElse(message).strip();
        return line.length() > 200 ? line.substring(0, 200) + "..." : line;
    }

    private static <T extends Throwable> T cause(Throwable e, Class<T> type) {
        for (Throwable t = e; t != null; t = t.getCause() == t ? null : t.getCause()) {
            if (type.isInstance(t)) {
                return type.cast(t);
            }
        }
        return null;
    }

    /** A sentence for an error status the framework or the container answered without one. */
    static String describe(int status) {
        return switch (status) {
            case 400 -> "The request is malformed";
            case 401 -> "A valid bearer token is required: Authorization: Bearer <token>";
            case 403 -> "Your role may not do this";
            case 404 -> "Nothing is here; check the path against /api/v1/openapi.json";
            case 405 -> "This path does not take that method; see /api/v1/openapi.json";
            case 413 -> "The request body is too large";
            case 415 -> "Send application/json";
            default -> "The request could not be handled (HTTP " + status + ")";
        };
    }

    static String typeFor(int status) {
        return switch (status) {
            case 400 -> "invalid-input";
            case 401 -> "unauthenticated";
            case 403 -> "forbidden";
            case 404 -> "not-found";
            case 405 -> "method-not-allowed";
            case 406 -> "not-acceptable";
            case 413 -> "payload-too-large";
            case 415 -> "unsupported-media-type";
            default -> status >= 500 ? "internal-error" : "request-error";
        };
    }

    static ProblemDetail problem(HttpStatus status, String type, String title, String detail) {
        ProblemDetail problem = ProblemDetail.forStatusAndDetail(status, detail);
        problem.setType(URI.create(TYPES + type));
        problem.setTitle(title);
        return problem;
    }
}
