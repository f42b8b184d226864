package dev.mercato.app.web;

import dev.mercato.plane.InvalidInput;
import java.lang.reflect.InvocationTargetException;
import java.lang.reflect.RecordComponent;
import java.lang.reflect.Type;
import java.util.Collection;
import java.util.Map;
import org.springframework.core.MethodParameter;
import org.springframework.http.HttpInputMessage;
import org.springframework.http.converter.HttpMessageConverter;
import org.springframework.web.bind.annotation.ControllerAdvice;
import org.springframework.web.servlet.mvc.method.annotation.RequestBodyAdviceAdapter;
import tools.jackson.databind.JsonNode;

/**
 * Every JSON body, once read and before any controller sees it, is walked whole: each string (map keys
 * included) must pass {@link Text}, and no list or map may hold a null. A refusal names the field as the
 * client wrote it ({@code addresses[2].city}), and nothing has been done yet, so nothing is half-written.
 */
@ControllerAdvice
class RequestBodyRules extends RequestBodyAdviceAdapter {

    /** A backstop only: Jackson's own nesting limit refuses deeper documents before they get here. */
    private static final int MAX_DEPTH = 2_000;

    @Override
    public boolean supports(
            MethodParameter parameter, Type targetType, Class<? extends HttpMessageConverter<?>> converterType) {
        return true;
    }

    @Override
    public Object afterBodyRead(
            Object body,
            HttpInputMessage inputMessage,
            MethodParameter parameter,
            Type targetType,
            Class<? extends HttpMessageConverter<?>> converterType) {
        check(body, "", 0);
        return body;
    }

    static void check(Object value, String field, int depth) {
        if (value == null || depth > MAX_DEPTH) {
            return;
        }
        switch (value) {
            case CharSequence text -> text(text, field);
            case JsonNode node -> node(node, field, depth);
            case Map<?, ?> map -> {
                for (Map.Entry<?, ?> e : map.entrySet()) {
                    String key = String.valueOf(e.getKey());
                    String at = join(field, key);
                    String why = Text.refusal(key, false);
                    if (why != null) {
                        throw new InvalidInput(field.isEmpty() ? "body" : field, "has a key that " + why);
                    }
                    if (e.getValue() == null) {
                        throw new InvalidInput(at, "must not be null");
                    }
                    check(e.getValue(), at, depth + 1);
                }
            }
            case Collection<?> list -> {
                int i = 0;
                for (Object item : list) {
                    String at = field + "[" + i++ + "]";
                    if (item == null) {
                        throw new InvalidInput(at, "must not be null");
                    }
                    check(item, at, depth + 1);
                }
            }
            case Record record -> {
                for (RecordComponent component : record.getClass().getRecordComponents()) {
                    check(read(component, record), join(field, component.getName()), depth + 1);
                }
            }
            default -> {
                // numbers, booleans, enums: their type already says what they may be
            }
        }
    }

    private static void node(JsonNode node, String field, int depth) {
        if (depth > MAX_DEPTH) {
            return;
        }
        if (node.isString()) {
            text(node.asString(), field);
        } else if (node.isObject()) {
            for (Map.Entry<String, JsonNode> e : node.properties()) {
                String why = Text.refusal(e.getKey(), false);
                if (why != null) {
                    throw new InvalidInput(field.isEmpty() ? "body" : field, "has a key that " + why);
                }
                node(e.getValue(), join(field, e.getKey()), depth + 1);
            }
        } else if (node.isArray()) {
            for (int i = 0; i < node.size(); i++) {
                node(node.get(i), field + "[" + i + "]", depth + 1);
            }
        }
    }

    private static void text(CharSequence text, String field) {
        String why = Text.refusal(text, true);
        if (why != null) {
            throw new InvalidInput(field.isEmpty() ? "body" : field, why);
        }
    }

    private static Object read(RecordComponent component, Record record) {
        try {
            var accessor = component.getAccessor();
            accessor.setAccessible(true);
            return accessor.invoke(record);
        } catch (IllegalAccessException | InvocationTargetException e) {
            throw new IllegalStateException("cannot read " + component, e);
        }
    }

    private static String join(String field, String name) {
        return field.isEmpty() ? name : field + "." + name;
    }
}
