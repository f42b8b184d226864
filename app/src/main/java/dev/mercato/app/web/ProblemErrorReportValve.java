package dev.mercato.app.web;

import dev.mercato.plane.events.EventJson;
import dev.mercato.plane.web.Problems;
import java.io.IOException;
import java.io.Writer;
import java.util.Map;
import org.apache.catalina.connector.Request;
import org.apache.catalina.connector.Response;
import org.apache.catalina.valves.ErrorReportValve;

/**
 * Tomcat's own error answers (a URL it cannot parse, headers too large) as problem+json instead of an
 * HTML page: they happen before any servlet, so only the container can answer them.
 */
public final class ProblemErrorReportValve extends ErrorReportValve {

    @Override
    protected void report(Request request, Response response, Throwable throwable) {
        int status = response.getStatus();
        if (status < 400 || response.getContentWritten() > 0 || !response.setErrorReported()) {
            return;
        }
        String detail = status == 400
                ? "The request is not valid HTTP this server accepts (a malformed URL, or headers too large)"
                : ProblemHandler.describe(status);
        try {
            response.setContentType(Problems.MEDIA_TYPE);
            response.setCharacterEncoding("UTF-8");
            Writer writer = response.getReporter();
            if (writer != null) {
                writer.write(
                        EventJson.write(Problems.document(status, ProblemHandler.typeFor(status), detail, Map.of())));
                response.finishResponse();
            }
        } catch (IOException | IllegalStateException e) {
            // The client went away, or the response was already on its way: nothing more to say.
        }
    }
}
