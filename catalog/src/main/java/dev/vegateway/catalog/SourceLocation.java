package dev.vegateway.catalog;

import static java.util.Objects.requireNonNull;

/** Where something is declared: the file (or other source), the line and the key path, e.g. {@code entities[1].fields[3]}. */
public record SourceLocation(String source, int line, String path) {
    public SourceLocation {
        requireNonNull(source, "source is null");
        requireNonNull(path, "path is null");
    }

    /** {@code file:line}, the form editors and terminals understand. */
    @Override
    public String toString() {
        return line > 0 ? source + ":" + line : source;
    }
}
