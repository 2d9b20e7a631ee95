package dev.vegateway.gateway.it;

import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Optional;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * A test-side reader of {@code $batch} responses: the parts of a {@code multipart/mixed} body,
 * each either a nested multipart (a changeset response) or an {@code application/http} response.
 */
final class Multipart {
    private static final Pattern BOUNDARY = Pattern.compile("boundary=\"?([^\";]+)\"?");

    private Multipart() {}

    /** One part: its MIME headers, and either nested parts or an HTTP response. */
    record Part(
            Map<String, String> headers, List<Part> parts, int status, Map<String, String> httpHeaders, String body) {
        String header(String name) {
            return headers.get(name.toLowerCase(Locale.ROOT));
        }

        String httpHeader(String name) {
            return httpHeaders.get(name.toLowerCase(Locale.ROOT));
        }

        boolean isChangeset() {
            return !parts.isEmpty();
        }
    }

    static String boundary(String contentType) {
        Matcher matcher = BOUNDARY.matcher(contentType);
        if (!matcher.find()) {
            throw new AssertionError("no boundary in " + contentType);
        }
        return matcher.group(1);
    }

    static List<Part> parse(String contentType, String body) {
        String boundary = boundary(contentType);
        String delimiter = "--" + boundary;
        int end = body.indexOf(delimiter + "--");
        if (end < 0) {
            throw new AssertionError("no close delimiter " + delimiter + "-- in:\n" + body);
        }
        List<Part> parts = new ArrayList<>();
        int at = body.indexOf(delimiter);
        while (at >= 0 && at < end) {
            int start = body.indexOf("\r\n", at) + 2;
            int next = body.indexOf("\r\n" + delimiter, start);
            parts.add(part(body.substring(start, next)));
            at = next + 2;
        }
        return parts;
    }

    private static Part part(String text) {
        int split = text.indexOf("\r\n\r\n");
        Map<String, String> headers = headers(text.substring(0, split));
        String content = text.substring(split + 4);
        String type = headers.getOrDefault("content-type", "");
        if (type.startsWith("multipart/mixed")) {
            return new Part(headers, parse(type, content), 0, Map.of(), "");
        }
        int headEnd = content.indexOf("\r\n\r\n");
        String[] lines = content.substring(0, headEnd).split("\r\n", -1);
        int status = Integer.parseInt(lines[0].split(" ")[1]);
        Map<String, String> httpHeaders =
                headers(String.join("\r\n", java.util.Arrays.copyOfRange(lines, 1, lines.length)));
        return new Part(headers, List.of(), status, httpHeaders, content.substring(headEnd + 4));
    }

    private static Map<String, String> headers(String block) {
        Map<String, String> headers = new LinkedHashMap<>();
        for (String line : block.split("\r\n")) {
            int colon = line.indexOf(':');
            if (colon > 0) {
                headers.put(
                        line.substring(0, colon).trim().toLowerCase(Locale.ROOT),
                        line.substring(colon + 1).trim());
            }
        }
        return headers;
    }

    /** Builds a request body: {@link #request} and {@link #changeset} parts joined by {@link #batch}. */
    static String batch(String boundary, String... parts) {
        StringBuilder body = new StringBuilder();
        for (String part : parts) {
            body.append("--").append(boundary).append("\r\n").append(part);
        }
        return body.append("--").append(boundary).append("--\r\n").toString();
    }

    static String changeset(String boundary, String... requests) {
        StringBuilder body = new StringBuilder("Content-Type: multipart/mixed; boundary=" + boundary + "\r\n\r\n");
        for (String request : requests) {
            body.append("--").append(boundary).append("\r\n").append(request);
        }
        return body.append("--").append(boundary).append("--\r\n").toString();
    }

    /** An application/http part; {@code json} may be null (no body). */
    static String request(Optional<String> contentId, String method, String url, String json, String... headers) {
        StringBuilder part =
                new StringBuilder("Content-Type: application/http\r\nContent-Transfer-Encoding: binary\r\n");
        contentId.ifPresent(id -> part.append("Content-ID: ").append(id).append("\r\n"));
        part.append("\r\n").append(method).append(' ').append(url).append(" HTTP/1.1\r\n");
        for (int i = 0; i < headers.length; i += 2) {
            part.append(headers[i]).append(": ").append(headers[i + 1]).append("\r\n");
        }
        if (json != null) {
            part.append("Content-Type: application/json\r\n\r\n").append(json).append("\r\n");
        } else {
            part.append("\r\n");
        }
        return part.toString();
    }
}
