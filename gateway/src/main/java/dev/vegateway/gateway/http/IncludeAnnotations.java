package dev.vegateway.gateway.http;

import static java.util.Objects.requireNonNull;

import java.util.ArrayList;
import java.util.List;
import java.util.Locale;

/**
 * The {@code odata.include-annotations} preference (OData 4.01, part 1, 8.2.8.4): a comma-separated
 * list of annotation terms ({@code Microsoft.Dynamics.CRM.lookuplogicalname}), namespace patterns
 * ({@code Microsoft.Dynamics.CRM.*}) and {@code *}, each excluded when prefixed with {@code -}. The
 * most specific entry that matches a term decides (a term over a namespace, a longer namespace
 * over a shorter one, a namespace over {@code *}); with an inclusion and an exclusion equally
 * specific the term is excluded; a term nothing matches is excluded. Terms compare without case.
 *
 * @param value the preference's value as written, without its quotes (echoed in {@code Preference-Applied})
 * @param entries the entries of the list
 * @param languages the languages the request asks labels in (for the FormattedValue annotation)
 */
record IncludeAnnotations(String value, List<Entry> entries, Languages languages) {
    /** The vocabulary of Dataverse's lookup annotations. */
    static final String LOOKUP_LOGICAL_NAME = "Microsoft.Dynamics.CRM.lookuplogicalname";

    static final String ASSOCIATED_NAVIGATION_PROPERTY = "Microsoft.Dynamics.CRM.associatednavigationproperty";

    IncludeAnnotations {
        requireNonNull(value, "value is null");
        entries = List.copyOf(requireNonNull(entries, "entries is null"));
        requireNonNull(languages, "languages is null");
    }

    /** This preference for a request that asks labels in {@code requested}. */
    IncludeAnnotations withLanguages(Languages requested) {
        return new IncludeAnnotations(value, entries, requested);
    }

    /**
     * One entry of the list.
     *
     * @param pattern a term, a namespace followed by {@code .*}, or {@code *}; lower-cased
     * @param excluded prefixed with {@code -}
     */
    record Entry(String pattern, boolean excluded) {
        Entry {
            requireNonNull(pattern, "pattern is null");
        }

        /** How specifically the entry matches {@code term} (lower-cased); 0 when it does not. */
        int specificity(String term) {
            if (pattern.equals("*")) {
                return 1;
            }
            if (pattern.endsWith(".*")) {
                String namespace = pattern.substring(0, pattern.length() - 1);
                return term.startsWith(namespace) ? 1 + namespace.length() : 0;
            }
            return pattern.equals(term) ? Integer.MAX_VALUE : 0;
        }
    }

    /** The preference's value, quoted or not. */
    static IncludeAnnotations parse(String value) {
        String unquoted = value.length() >= 2 && value.startsWith("\"") && value.endsWith("\"")
                ? value.substring(1, value.length() - 1)
                : value;
        List<Entry> entries = new ArrayList<>();
        for (String item : unquoted.split(",")) {
            String pattern = item.strip().toLowerCase(Locale.ROOT);
            boolean excluded = pattern.startsWith("-");
            if (excluded) {
                pattern = pattern.substring(1).strip();
            }
            if (!pattern.isEmpty()) {
                entries.add(new Entry(pattern, excluded));
            }
        }
        return new IncludeAnnotations(unquoted.strip(), entries, Languages.NONE);
    }

    /** Whether annotations of {@code term} (namespace-qualified) are asked for. */
    boolean includes(String term) {
        String lower = term.toLowerCase(Locale.ROOT);
        int best = 0;
        boolean included = false;
        for (Entry entry : entries) {
            int specificity = entry.specificity(lower);
            if (specificity > best) {
                best = specificity;
                included = !entry.excluded();
            } else if (specificity == best && specificity > 0 && entry.excluded()) {
                included = false;
            }
        }
        return included;
    }

    /** The {@code Preference-Applied} entry: the preference as asked. */
    String applied() {
        String printable = value.replaceAll("[^\\x20-\\x7e]", "").replace("\"", "");
        return "odata.include-annotations=\"" + (printable.length() > 200 ? printable.substring(0, 200) : printable)
                + "\"";
    }
}
