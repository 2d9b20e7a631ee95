package dev.vegateway.gateway.http;

import static java.util.Objects.requireNonNull;

import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Optional;

/**
 * The languages a request asks labels in, best first: the calling user's language setting, if any,
 * then its {@code Accept-Language} ranges (RFC 4647, {@code q=0} left out), then the catalog's
 * default language. A label is chosen per label: the
 * first language that label exists in wins (an exact tag, then the tag truncated, {@code de-CH} →
 * {@code de}, then a label of a more specific tag, {@code de} → {@code de-DE}); a label in none of
 * them falls back to the label in the catalog's default language, then to any label.
 *
 * @param ranges the caller's language ranges, most preferred first; empty when it asked none
 */
record Languages(List<Locale.LanguageRange> ranges) {
    /** At most this many ranges of a header are considered. */
    private static final int MAXIMUM_RANGES = 16;

    static final Languages NONE = new Languages(List.of());

    Languages {
        ranges = List.copyOf(requireNonNull(ranges, "ranges is null"));
    }

    /** The ranges of an {@code Accept-Language} header; a header that does not parse counts as none. */
    static Languages fromHeader(Optional<String> acceptLanguage) {
        if (acceptLanguage.isEmpty()
                || acceptLanguage.get().isBlank()
                || acceptLanguage.get().length() > 1024) {
            return NONE;
        }
        try {
            List<Locale.LanguageRange> parsed = Locale.LanguageRange.parse(acceptLanguage.get());
            List<Locale.LanguageRange> kept = new ArrayList<>();
            for (Locale.LanguageRange range : parsed) {
                if (range.getWeight() > 0 && !range.getRange().equals("*") && kept.size() < MAXIMUM_RANGES) {
                    kept.add(range);
                }
            }
            return new Languages(kept);
        } catch (IllegalArgumentException e) {
            return NONE;
        }
    }

    /** These languages with {@code tag} first (a user's own language setting, which comes before the request's). */
    Languages preferring(String tag) {
        List<Locale.LanguageRange> ranked = new ArrayList<>();
        ranked.add(new Locale.LanguageRange(tag.toLowerCase(Locale.ROOT)));
        ranges.stream()
                .filter(range -> !range.getRange().equalsIgnoreCase(tag))
                .limit(MAXIMUM_RANGES - 1L)
                .forEach(ranked::add);
        return new Languages(ranked);
    }

    /** The label for this request: see the type's description. */
    Optional<String> pick(Map<String, String> labels, String defaultLanguage) {
        return pickTag(labels, defaultLanguage).map(labels::get);
    }

    /** The locale tag of the label {@link #pick} chooses. */
    Optional<String> pickTag(Map<String, String> labels, String defaultLanguage) {
        if (labels.isEmpty()) {
            return Optional.empty();
        }
        for (Locale.LanguageRange range : ranges) {
            Optional<String> tag = match(range.getRange(), labels);
            if (tag.isPresent()) {
                return tag;
            }
        }
        return match(defaultLanguage.toLowerCase(Locale.ROOT), labels)
                .or(() -> labels.keySet().stream().sorted().findFirst());
    }

    /** The locale values are formatted in: the first range that names a language, else the default language. */
    Locale locale(String defaultLanguage) {
        return ranges.stream()
                .map(range -> Locale.forLanguageTag(range.getRange()))
                .filter(locale -> !locale.getLanguage().isEmpty())
                .findFirst()
                .orElseGet(() -> Locale.forLanguageTag(defaultLanguage));
    }

    /** The language tag this request's labels come in, for messages and metadata: the locale's tag. */
    String tag(String defaultLanguage) {
        return locale(defaultLanguage).toLanguageTag();
    }

    private static Optional<String> match(String range, Map<String, String> labels) {
        String wanted = range.toLowerCase(Locale.ROOT);
        // exact, then the range truncated (de-ch → de), then a more specific tag (de → de-de)
        for (String candidate = wanted; !candidate.isEmpty(); candidate = truncate(candidate)) {
            for (String tag : labels.keySet()) {
                if (tag.toLowerCase(Locale.ROOT).equals(candidate)) {
                    return Optional.of(tag);
                }
            }
        }
        String primary = wanted.contains("-") ? wanted.substring(0, wanted.indexOf('-')) : wanted;
        return labels.keySet().stream()
                .filter(tag -> tag.toLowerCase(Locale.ROOT).startsWith(primary + "-"))
                .sorted()
                .findFirst();
    }

    private static String truncate(String tag) {
        int dash = tag.lastIndexOf('-');
        return dash < 0 ? "" : tag.substring(0, dash);
    }
}
