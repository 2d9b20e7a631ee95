package dev.vegateway.adapter.rowfilter;

import com.github.benmanes.caffeine.cache.Cache;
import com.github.benmanes.caffeine.cache.Caffeine;
import dev.vegateway.adapter.filter.FilterParser;
import dev.vegateway.adapter.filter.FilterSyntaxException;
import dev.vegateway.adapter.filter.ParsedRowFilter;

/**
 * Parsed row filters by their text, so that each distinct filter is parsed once rather than on
 * every request. Thread-safe and bounded; a text that does not parse is not remembered.
 */
public final class RowFilterCache {
    private final Cache<String, ParsedRowFilter> parsed;

    /** @param maximumSize how many distinct filter texts to keep */
    public RowFilterCache(long maximumSize) {
        if (maximumSize < 1) {
            throw new IllegalArgumentException("maximumSize must be positive, was " + maximumSize);
        }
        this.parsed = Caffeine.newBuilder().maximumSize(maximumSize).build();
    }

    /**
     * The parsed row filter {@code text}, parsed once and cached.
     *
     * @throws FilterSyntaxException when {@code text} does not parse
     */
    public ParsedRowFilter parse(String text) {
        return parsed.get(text, FilterParser::rowFilter);
    }
}
