package dev.mercato.app.web;

import dev.mercato.plane.web.Problems;
import jakarta.servlet.RequestDispatcher;
import jakarta.servlet.http.HttpServletRequest;
import java.util.Map;
import org.springframework.boot.webmvc.error.ErrorController;
import org.springframework.http.MediaType;
import org.springframework.http.ResponseEntity;
import org.springframework.security.web.firewall.RequestRejectedException;
import org.springframework.web.bind.annotation.RequestMapping;
import org.springframework.web.bind.annotation.RestController;

/**
 * Errors that never reached a controller (the security firewall refused the URL, a filter failed, the
 * container dispatched to {@code /error}) answer as problem+json too, in place of Spring Boot's own
 * error document.
 */
@RestController
class ProblemErrorController implements ErrorController {

    @RequestMapping("${server.error.path:/error}")
    ResponseEntity<Map<String, Object>> error(HttpServletRequest request) {
        Object code = request.getAttribute(RequestDispatcher.ERROR_STATUS_CODE);
        // Asked for directly rather than dispatched to by the container: there is no error to report, and
        // no resource at this path.
        int status = code == null ? 404 : code instanceof Integer i && i >= 400 ? i : 500;
        Object failure = request.getAttribute(RequestDispatcher.ERROR_EXCEPTION);
        String detail;
        if (failure instanceof RequestRejectedException) {
            status = 400;
            detail = "The request URL is not acceptable (for example an encoded slash, a double slash or a"
                    + " control character); send a plain, normalised path";
        } else if (status >= 500) {
            detail = ProblemHandler.INTERNAL_ERROR_DETAIL;
        } else {
            detail = ProblemHandler.describe(status);
        }
        return ResponseEntity.status(status)
                .contentType(MediaType.parseMediaType(Problems.MEDIA_TYPE))
                .body(Problems.document(status, ProblemHandler.typeFor(status), detail, Map.of()));
    }
}
