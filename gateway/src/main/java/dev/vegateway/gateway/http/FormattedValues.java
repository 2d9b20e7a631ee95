package dev.vegateway.gateway.http;

import dev.vegateway.catalog.Catalog;
import dev.vegateway.catalog.FieldDefinition;
import dev.vegateway.catalog.FieldType;
import dev.vegateway.catalog.MultiSelectValues;
import dev.vegateway.catalog.OptionSet;
import java.math.BigDecimal;
import java.text.NumberFormat;
import java.time.LocalDate;
import java.time.OffsetDateTime;
import java.time.ZoneOffset;
import java.time.chrono.IsoChronology;
import java.time.format.DateTimeFormatter;
import java.time.format.DateTimeFormatterBuilder;
import java.time.format.FormatStyle;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.ConcurrentHashMap;

/**
 * The {@code OData.Community.Display.V1.FormattedValue} annotation of a value, as Dataverse writes it
 * for display: an option set's label and a Boolean's label in the request's language, numbers
 * grouped in its locale (a Decimal with its scale's decimal places), a Date in the locale's short
 * date form with a four-digit year, a DateTimeOffset as that date and the short time, in UTC.
 * Text and GUIDs have none.
 */
final class FormattedValues {
    /** The annotation term. */
    static final String TERM = "OData.Community.Display.V1.FormattedValue";

    /** Boolean labels when the field names no option set. */
    private static final Map<String, String> YES = Map.of("en", "Yes", "de", "Ja", "fr", "Oui", "es", "Sí");

    private static final Map<String, String> NO = Map.of("en", "No", "de", "Nein", "fr", "Non", "es", "No");
    /** Formatters per locale; bounded, since the locale comes from a request header. */
    private static final int MAXIMUM_CACHED_LOCALES = 64;

    private static final Map<Locale, DateTimeFormatter> DATES = new ConcurrentHashMap<>();
    private static final Map<Locale, DateTimeFormatter> TIMESTAMPS = new ConcurrentHashMap<>();

    private FormattedValues() {}

    /** The formatted value of a non-null value of {@code field}, when its type has one. */
    static Optional<String> format(Catalog catalog, FieldDefinition field, Object value, Languages languages) {
        FieldType type = field.type();
        String defaultLanguage = catalog.defaultLanguage();
        return switch (type.kind()) {
            case STRING, GUID -> Optional.empty();
            case ENUM -> {
                int stored = (Integer) value;
                Optional<OptionSet.Member> member =
                        type.optionSet().flatMap(catalog::optionSet).flatMap(set -> set.byStored(stored));
                yield member.map(option ->
                        languages.pick(option.labels(), defaultLanguage).orElse(option.name()));
            }
                // the chosen options' labels joined with "; ", as Dataverse formats a multi-select column
            case MULTI_ENUM -> {
                Optional<OptionSet> set = type.optionSet().flatMap(catalog::optionSet);
                if (set.isEmpty()) {
                    yield Optional.empty();
                }
                List<OptionSet.Member> members = MultiSelectValues.members((String) value, set.get());
                yield members.isEmpty()
                        ? Optional.empty()
                        : Optional.of(members.stream()
                                .map(option -> languages
                                        .pick(option.labels(), defaultLanguage)
                                        .orElse(option.name()))
                                .collect(java.util.stream.Collectors.joining("; ")));
            }
            case BOOLEAN -> {
                boolean flag = (Boolean) value;
                Optional<OptionSet.Member> member =
                        type.optionSet().flatMap(catalog::optionSet).flatMap(set -> set.byValue(flag ? 1 : 0));
                if (member.isPresent()) {
                    yield Optional.of(languages
                            .pick(member.get().labels(), defaultLanguage)
                            .orElse(member.get().name()));
                }
                yield languages.pick(flag ? YES : NO, "en");
            }
            case INT32, INT64 -> Optional.of(NumberFormat.getIntegerInstance(languages.locale(defaultLanguage))
                    .format(((Number) value).longValue()));
            case DECIMAL -> {
                NumberFormat format = NumberFormat.getNumberInstance(languages.locale(defaultLanguage));
                int scale = type.scale().orElse(((BigDecimal) value).scale());
                format.setMinimumFractionDigits(scale);
                format.setMaximumFractionDigits(scale);
                yield Optional.of(format.format(value));
            }
            case DOUBLE -> {
                double number = (Double) value;
                if (Double.isNaN(number) || Double.isInfinite(number)) {
                    yield Optional.empty();
                }
                NumberFormat format = NumberFormat.getNumberInstance(languages.locale(defaultLanguage));
                format.setMaximumFractionDigits(10);
                yield Optional.of(format.format(number));
            }
            case DATE -> Optional.of(dates(languages.locale(defaultLanguage)).format((LocalDate) value));
            case DATE_TIME_OFFSET -> Optional.of(timestamps(languages.locale(defaultLanguage))
                    .format(((OffsetDateTime) value).withOffsetSameInstant(ZoneOffset.UTC)));
        };
    }

    private static DateTimeFormatter dates(Locale locale) {
        return cached(DATES, locale, () -> DateTimeFormatter.ofPattern(datePattern(locale), locale));
    }

    private static DateTimeFormatter timestamps(Locale locale) {
        return cached(TIMESTAMPS, locale, () -> {
            String time = DateTimeFormatterBuilder.getLocalizedDateTimePattern(
                    null, FormatStyle.SHORT, IsoChronology.INSTANCE, locale);
            return DateTimeFormatter.ofPattern(datePattern(locale) + " " + time, locale);
        });
    }

    /** The locale's short date pattern with a four-digit year ({@code M/d/yyyy}, {@code dd.MM.yyyy}). */
    private static String datePattern(Locale locale) {
        String pattern = DateTimeFormatterBuilder.getLocalizedDateTimePattern(
                FormatStyle.SHORT, null, IsoChronology.INSTANCE, locale);
        if (pattern.contains("yyyy") || pattern.contains("uuuu")) {
            return pattern;
        }
        return pattern.replace("yy", "yyyy").replace("uu", "uuuu");
    }

    private static DateTimeFormatter cached(
            Map<Locale, DateTimeFormatter> cache, Locale locale, java.util.function.Supplier<DateTimeFormatter> make) {
        DateTimeFormatter known = cache.get(locale);
        if (known != null) {
            return known;
        }
        DateTimeFormatter made = make.get();
        if (cache.size() < MAXIMUM_CACHED_LOCALES) {
            cache.putIfAbsent(locale, made);
        }
        return made;
    }
}
