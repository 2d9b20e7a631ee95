package dev.vegateway.bench;

import static java.util.Objects.requireNonNull;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.regex.Pattern;

/**
 * The identities of a run ({@code --callers FILE}): one per line, as {@code NAME=VALUE} pairs
 * separated by {@code ;}, each a header sent with that identity's requests, e.g.
 * {@code MSCRMCallerID=00000000-0000-4000-8000-000000000005} or
 * {@code app=22222222-2222-4222-8222-222222222222; X-Portal-Contact-Id=…}. The name {@code app}
 * is no header: it asks for a token minted for that application ({@code --issuer-key}) instead of
 * the run's own. Blank lines and lines starting with {@code #} are skipped.
 */
final class Callers {
    /** An HTTP header name (RFC 9110 token characters). */
    private static final Pattern HEADER_NAME = Pattern.compile("[!#$%&'*+.^_`|~0-9A-Za-z-]+");

    static final String APPLICATION = "app";

    /** One identity: the application to mint a token for, if not the run's, and its headers. */
    record Caller(Optional<String> application, Map<String, String> headers) {
        Caller {
            requireNonNull(application, "application is null");
            headers = Collections.unmodifiableMap(new LinkedHashMap<>(requireNonNull(headers, "headers is null")));
        }
    }

    private Callers() {}

    static List<Caller> read(Path file) {
        List<String> lines;
        try {
            lines = Files.readAllLines(file, StandardCharsets.UTF_8);
        } catch (IOException e) {
            throw new IllegalArgumentException("cannot read --callers " + file + ": " + e.getMessage(), e);
        }
        List<Caller> callers = new ArrayList<>();
        for (int number = 1; number <= lines.size(); number++) {
            String line = lines.get(number - 1).strip();
            if (line.isEmpty() || line.startsWith("#")) {
                continue;
            }
            callers.add(parse(line, file + ":" + number));
        }
        if (callers.isEmpty()) {
            throw new IllegalArgumentException("--callers " + file + " holds no caller (one NAME=VALUE;… per line)");
        }
        return List.copyOf(callers);
    }

    static Caller parse(String line, String where) {
        Optional<String> application = Optional.empty();
        Map<String, String> headers = new LinkedHashMap<>();
        for (String pair : line.split(";")) {
            String entry = pair.strip();
            if (entry.isEmpty()) {
                continue;
            }
            int equals = entry.indexOf('=');
            if (equals <= 0) {
                throw new IllegalArgumentException(where + ": '" + entry + "' is not NAME=VALUE");
            }
            String name = entry.substring(0, equals).strip();
            String value = entry.substring(equals + 1).strip();
            if (!HEADER_NAME.matcher(name).matches()) {
                throw new IllegalArgumentException(where + ": '" + name + "' is not a header name");
            }
            if (value.isEmpty() || value.chars().anyMatch(c -> c < 0x20 || c == 0x7f)) {
                throw new IllegalArgumentException(
                        where + ": the value of " + name + " is empty or holds a control character");
            }
            if (name.equalsIgnoreCase(APPLICATION)) {
                if (application.isPresent()) {
                    throw new IllegalArgumentException(where + ": app is given twice");
                }
                application = Optional.of(value);
            } else if (headers.keySet().stream().anyMatch(name::equalsIgnoreCase)) {
                throw new IllegalArgumentException(where + ": " + name + " is given twice");
            } else {
                headers.put(name, value);
            }
        }
        if (application.isEmpty() && headers.isEmpty()) {
            throw new IllegalArgumentException(where + ": no header");
        }
        return new Caller(application, headers);
    }
}
