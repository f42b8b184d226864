package dev.mercato.app.web;

import dev.mercato.plane.events.EventJson;
import dev.mercato.plane.web.Problems;
import jakarta.servlet.FilterChain;
import jakarta.servlet.ReadListener;
import jakarta.servlet.ServletException;
import jakarta.servlet.ServletInputStream;
import jakarta.servlet.http.HttpServletRequest;
import jakarta.servlet.http.HttpServletRequestWrapper;
import jakarta.servlet.http.HttpServletResponse;
import java.io.BufferedReader;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.InputStreamReader;
import java.nio.ByteBuffer;
import java.nio.charset.CharacterCodingException;
import java.nio.charset.Charset;
import java.nio.charset.CodingErrorAction;
import java.nio.charset.StandardCharsets;
import java.util.List;
import java.util.Map;
import org.springframework.web.filter.OncePerRequestFilter;

/**
 * What is refused before anything reads a request: a body over {@code mercato.http.max-body} (413, by its
 * Content-Length at once, or as soon as a chunked body grows past it — it is never held whole), and a URL
 * whose path or query parameters are not UTF-8 or hold a control character (400, naming the parameter).
 */
final class RequestLimits extends OncePerRequestFilter {

    private final long maxBody;

    RequestLimits(HttpSettings settings) {
        this.maxBody = settings.maxBody().toBytes();
    }

    /** A body that grew past the limit while it was read; the problem handler answers it 413. */
    static final class BodyTooLarge extends IOException {
        BodyTooLarge(long limit) {
            super("The request body is larger than " + limit + " bytes");
        }
    }

    @Override
    protected void doFilterInternal(HttpServletRequest request, HttpServletResponse response, FilterChain chain)
            throws ServletException, IOException {
        if (request.getContentLengthLong() > maxBody) {
            write(response, 413, "payload-too-large", tooLarge(), Map.of());
            return;
        }
        Fault fault = fault(request);
        if (fault != null) {
            write(
                    response,
                    400,
                    "invalid-input",
                    fault.field() + " " + fault.message(),
                    Map.of("errors", List.of(Map.of("field", fault.field(), "message", fault.message()))));
            return;
        }
        chain.doFilter(new Limited(request, maxBody), response);
    }

    private String tooLarge() {
        return "The request body is larger than the " + maxBody + " bytes this API accepts";
    }

    /** The part of the URL at fault (the path, or a query parameter's name) and why. */
    private record Fault(String field, String message) {}

    /** What is wrong with the URL, or null. */
    private static Fault fault(HttpServletRequest request) {
        String path = request.getRequestURI();
        for (String segment : path.split("/")) {
            String why = why(segment, false);
            if (why != null) {
                return new Fault("path", why);
            }
        }
        String query = request.getQueryString();
        if (query == null) {
            return null;
        }
        for (String pair : query.split("&")) {
            int eq = pair.indexOf('=');
            String rawName = eq < 0 ? pair : pair.substring(0, eq);
            String name = decode(rawName, true);
            if (name == null || Text.refusal(name, false) != null) {
                return new Fault("query", "has a parameter name that is not UTF-8 text without control characters");
            }
            String why = eq < 0 ? null : why(pair.substring(eq + 1), true);
            if (why != null) {
                return new Fault(name, why);
            }
        }
        return null;
    }

    private static String why(String encoded, boolean plusIsSpace) {
        String value = decode(encoded, plusIsSpace);
        if (value == null) {
            return "is not percent-encoded UTF-8";
        }
        return Text.refusal(value, false);
    }

    /** Percent-decoding that refuses a broken escape or bytes that are not UTF-8, where a lenient one guesses. */
    static String decode(String encoded, boolean plusIsSpace) {
        if (encoded.indexOf('%') < 0 && !(plusIsSpace && encoded.indexOf('+') >= 0)) {
            return encoded;
        }
        ByteArrayOutputStream bytes = new ByteArrayOutputStream(encoded.length());
        for (int i = 0; i < encoded.length(); i++) {
            char c = encoded.charAt(i);
            if (c == '%') {
                if (i + 2 >= encoded.length()) {
                    return null;
                }
                int hi = Character.digit(encoded.charAt(i + 1), 16);
                int lo = Character.digit(encoded.charAt(i + 2), 16);
                if (hi < 0 || lo < 0) {
                    return null;
                }
                bytes.write(hi * 16 + lo);
                i += 2;
            } else if (c == '+' && plusIsSpace) {
                bytes.write(' ');
            } else {
                bytes.writeBytes(String.valueOf(c).getBytes(StandardCharsets.UTF_8));
            }
        }
        try {
            return StandardCharsets.UTF_8
                    .newDecoder()
                    .onMalformedInput(CodingErrorAction.REPORT)
                    .onUnmappableCharacter(CodingErrorAction.REPORT)
                    .decode(ByteBuffer.wrap(bytes.toByteArray()))
                    .toString();
        } catch (CharacterCodingException e) {
            return null;
        }
    }

    static void write(HttpServletResponse response, int status, String type, String detail, Map<String, Object> extra)
            throws IOException {
        response.setStatus(status);
        response.setContentType(Problems.MEDIA_TYPE);
        response.setCharacterEncoding("UTF-8");
        response.getWriter().write(EventJson.write(Problems.document(status, type, detail, extra)));
    }

    /** The request with a body that may not grow past the limit. */
    private static final class Limited extends HttpServletRequestWrapper {
        private final long limit;
        private ServletInputStream stream;

        Limited(HttpServletRequest request, long limit) {
            super(request);
            this.limit = limit;
        }

        @Override
        public ServletInputStream getInputStream() throws IOException {
            if (stream == null) {
                stream = new Counting(super.getInputStream(), limit);
            }
            return stream;
        }

        @Override
        public BufferedReader getReader() throws IOException {
            String encoding = getCharacterEncoding();
            Charset charset = encoding == null ? StandardCharsets.UTF_8 : Charset.forName(encoding);
            return new BufferedReader(new InputStreamReader(getInputStream(), charset));
        }
    }

    private static final class Counting extends ServletInputStream {
        private final ServletInputStream in;
        private final long limit;
        private long read;

        Counting(ServletInputStream in, long limit) {
            this.in = in;
            this.limit = limit;
        }

        private int count(int n) throws BodyTooLarge {
            if (n > 0) {
                read += n;
                if (read > limit) {
                    throw new BodyTooLarge(limit);
                }
            }
            return n;
        }

        @Override
        public int read() throws IOException {
            int b = in.read();
            if (b >= 0) {
                count(1);
            }
            return b;
        }

        @Override
        public int read(byte[] b, int off, int len) throws IOException {
            return count(in.read(b, off, len));
        }

        @Override
        public boolean isFinished() {
            return in.isFinished();
        }

        @Override
        public boolean isReady() {
            return in.isReady();
        }

        @Override
        public void setReadListener(ReadListener listener) {
            in.setReadListener(listener);
        }
    }
}
