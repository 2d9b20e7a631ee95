package dev.vegateway.gateway.http;

import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Optional;
import org.eclipse.jetty.http.HttpFields;

/** The preferences of a request's {@code Prefer} headers (RFC 7240), each lower-cased without blanks. */
final class Preferences {
    private Preferences() {}

    static List<String> of(HttpFields headers) {
        List<String> preferences = new ArrayList<>();
        for (String preference : raw(headers)) {
            preferences.add(preference.replace(" ", "").replace("\t", "").toLowerCase(Locale.ROOT));
        }
        return preferences;
    }

    /** The preferences as written (trimmed), split at the commas that are not inside a quoted value. */
    private static List<String> raw(HttpFields headers) {
        List<String> preferences = new ArrayList<>();
        for (String value : headers.getValuesList("Prefer")) {
            boolean quoted = false;
            int start = 0;
            for (int index = 0; index <= value.length(); index++) {
                if (index < value.length() && value.charAt(index) == '"') {
                    quoted = !quoted;
                }
                if (index == value.length() || (value.charAt(index) == ',' && !quoted)) {
                    String preference = value.substring(start, index).strip();
                    if (!preference.isEmpty()) {
                        preferences.add(preference);
                    }
                    start = index + 1;
                }
            }
        }
        return preferences;
    }

    /** {@code return=representation} (OData 4), or {@code return-content} as OData 3 clients write it, when asked for. */
    static Optional<String> representation(HttpFields headers) {
        return of(headers).stream()
                .filter(value -> value.equals("return=representation") || value.equals("return-content"))
                .findFirst();
    }

    /** {@code odata.continue-on-error} (also with {@code =true}, or without its {@code odata.} prefix as OData 4.01 allows). */
    /** The read-consistency preference of VE Gateway: read from the primary, never a replica. */
    static final String STRONG_CONSISTENCY = "vegateway.consistency=strong";

    /** {@code Prefer: vegateway.consistency=strong}: the request's reads must see every committed write. */
    static boolean strongConsistency(HttpFields headers) {
        return of(headers).stream().anyMatch(preference -> preference.equalsIgnoreCase(STRONG_CONSISTENCY));
    }

    static boolean continueOnError(HttpFields headers) {
        return of(headers).stream()
                .anyMatch(value -> value.equals("odata.continue-on-error")
                        || value.equals("odata.continue-on-error=true")
                        || value.equals("continue-on-error")
                        || value.equals("continue-on-error=true"));
    }

    /**
     * The first {@code odata.include-annotations} preference (also without its {@code odata.} prefix,
     * as OData 4.01 allows), when asked for.
     */
    static Optional<IncludeAnnotations> includeAnnotations(HttpFields headers) {
        for (String preference : raw(headers)) {
            int equals = preference.indexOf('=');
            if (equals < 0) {
                continue;
            }
            String name = preference.substring(0, equals).strip().toLowerCase(Locale.ROOT);
            if (name.equals("odata.include-annotations") || name.equals("include-annotations")) {
                return Optional.of(IncludeAnnotations.parse(
                        preference.substring(equals + 1).strip()));
            }
        }
        return Optional.empty();
    }

    /** Adds {@code preference} to the response's {@code Preference-Applied} header (one header, comma-separated). */
    static void applied(HttpFields.Mutable headers, String preference) {
        String present = headers.get("Preference-Applied");
        headers.put("Preference-Applied", present == null ? preference : present + "," + preference);
    }
}
