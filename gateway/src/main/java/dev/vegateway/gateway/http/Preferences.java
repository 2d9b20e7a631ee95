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
        for (String value : headers.getValuesList("Prefer")) {
            for (String preference : value.split(",")) {
                String clean =
                        preference.strip().replace(" ", "").replace("\t", "").toLowerCase(Locale.ROOT);
                if (!clean.isEmpty()) {
                    preferences.add(clean);
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
    static boolean continueOnError(HttpFields headers) {
        return of(headers).stream()
                .anyMatch(value -> value.equals("odata.continue-on-error")
                        || value.equals("odata.continue-on-error=true")
                        || value.equals("continue-on-error")
                        || value.equals("continue-on-error=true"));
    }
}
