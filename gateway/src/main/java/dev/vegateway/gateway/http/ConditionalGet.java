package dev.vegateway.gateway.http;

import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.HexFormat;
import java.util.List;
import org.eclipse.jetty.http.HttpFields;
import org.eclipse.jetty.http.HttpHeader;

/**
 * {@code If-None-Match} on reads (RFC 9110 13.1.2): a GET whose tag list names the current ETag
 * (compared weakly, so {@code W/"x"} matches {@code "x"}), or is {@code *}, is answered 304 Not
 * Modified without a body.
 */
final class ConditionalGet {
    private ConditionalGet() {}

    /** A strong ETag of a document: the first 16 bytes of its SHA-256, in hex and quotes. */
    static String contentTag(byte[] content) {
        try {
            byte[] digest = MessageDigest.getInstance("SHA-256").digest(content);
            return "\"" + HexFormat.of().formatHex(digest, 0, 16) + "\"";
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException("SHA-256 is missing from the JDK", e);
        }
    }

    /** Whether the request has an {@code If-None-Match} header at all. */
    static boolean asked(HttpFields headers) {
        return headers.get(HttpHeader.IF_NONE_MATCH) != null;
    }

    /** Whether {@code If-None-Match} names {@code current} (or is {@code *}): the client's copy is current. */
    static boolean matches(HttpFields headers, String current) {
        String opaque = opaque(current);
        for (String value : headers.getValuesList(HttpHeader.IF_NONE_MATCH.asString())) {
            for (String tag : split(value)) {
                if (tag.equals("*") || opaque(tag).equals(opaque)) {
                    return true;
                }
            }
        }
        return false;
    }

    /** Answers 304 with {@code ETag: current} and no body. */
    static void notModified(Exchange exchange, String current) {
        exchange.response.getHeaders().put(HttpHeader.ETAG, current);
        exchange.sendEmpty(304);
    }

    /** The tag without its weakness prefix: {@code W/"1"} and {@code "1"} compare equal. */
    private static String opaque(String tag) {
        String trimmed = tag.trim();
        return trimmed.startsWith("W/") ? trimmed.substring(2) : trimmed;
    }

    /** The tags of one header value, split at commas outside quotes. */
    private static List<String> split(String value) {
        List<String> tags = new java.util.ArrayList<>();
        StringBuilder tag = new StringBuilder();
        boolean quoted = false;
        for (int i = 0; i < value.length(); i++) {
            char c = value.charAt(i);
            if (c == '"') {
                quoted = !quoted;
            }
            if (c == ',' && !quoted) {
                tags.add(tag.toString().trim());
                tag.setLength(0);
            } else {
                tag.append(c);
            }
        }
        tags.add(tag.toString().trim());
        tags.removeIf(String::isEmpty);
        return tags;
    }
}
