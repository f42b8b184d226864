package dev.mercato.app.web;

/**
 * Which characters a text input may hold. PostgreSQL cannot store NUL in text, a lone UTF-16 surrogate
 * has no UTF-8 form (the driver would store "?"), and other control characters are invisible in every
 * place a value is shown again, so none of them is accepted. Tab, line feed and carriage return are
 * ordinary in a JSON body (a description with paragraphs); a URL's parameters take no control character.
 */
final class Text {

    private Text() {}

    /** Why {@code s} is refused, or null when every character is allowed. */
    static String refusal(CharSequence s, boolean lineBreaksAllowed) {
        for (int i = 0; i < s.length(); i++) {
            char c = s.charAt(i);
            if (Character.isHighSurrogate(c) && i + 1 < s.length() && Character.isLowSurrogate(s.charAt(i + 1))) {
                i++;
            } else if (Character.isSurrogate(c)) {
                return "must not contain an unpaired UTF-16 surrogate (at character " + i + ")";
            } else if (isControl(c) && !(lineBreaksAllowed && (c == '\t' || c == '\n' || c == '\r'))) {
                return String.format(
                        "must not contain the control character U+%04X (at character %d)%s",
                        (int) c, i, lineBreaksAllowed ? "; only tab and line breaks are allowed" : "");
            }
        }
        return null;
    }

    /** C0 controls (NUL included), DEL and the C1 controls. */
    private static boolean isControl(char c) {
        return c < 0x20 || (c >= 0x7f && c <= 0x9f);
    }
}
