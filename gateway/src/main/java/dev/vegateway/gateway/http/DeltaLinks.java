package dev.vegateway.gateway.http;

import static java.util.Objects.requireNonNull;

import dev.vegateway.adapter.error.ErrorCode;
import dev.vegateway.adapter.error.GatewayException;
import dev.vegateway.adapter.query.AttributeRef;
import dev.vegateway.adapter.query.Condition;
import dev.vegateway.adapter.query.Literal;
import dev.vegateway.adapter.query.Query;
import dev.vegateway.adapter.query.Relation;
import dev.vegateway.adapter.write.ChangeTracking;
import dev.vegateway.catalog.EntityDefinition;
import java.net.URLDecoder;
import java.nio.charset.StandardCharsets;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.time.format.DateTimeParseException;
import java.time.temporal.ChronoUnit;
import java.util.List;
import java.util.Locale;
import java.util.Optional;
import java.util.OptionalLong;
import java.util.UUID;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.eclipse.jetty.http.HttpFields;

/**
 * Change tracking as Dataverse's Web API has it: {@code Prefer: odata.track-changes} on a
 * change-tracked entity set answers its rows and, on the last page, an {@code @odata.deltaLink};
 * that link answers the rows created or changed since (their row version above the token's) and a
 * {@code $deletedEntity} entry for each row deleted since (from the data audit), again with a
 * delta link. Only {@code $select} may go with it, as in Dataverse.
 *
 * <p>A delta token is {@code <version>!<time>}: the entity's change counter read before the
 * query (see {@link ChangeTracking}) and when it was given. It is not secret: it only says from
 * where on to look, and every row it shows is read under the caller's security. The pages of
 * one answer all keep the counter read at its first page: their {@code $skiptoken} is {@code
 * ~<version>~<the page's continuation>}.
 */
public final class DeltaLinks {
    static final String TRACK_CHANGES = "odata.track-changes";
    private static final Pattern TOKEN = Pattern.compile("(\\d{1,18})!(\\S{1,40})");
    private static final Pattern PAGE = Pattern.compile("~(\\d{1,18})~(.+)", Pattern.DOTALL);

    private final ChangeTracking tracking;
    private final Clock clock;
    private final Optional<Duration> deletionsKept;

    /**
     * @param clock the time of the data (the same clock as the audit's)
     * @param deletionsKept how long the data audit keeps deletions ({@code audit.retention}); empty: forever
     */
    public DeltaLinks(ChangeTracking tracking, Clock clock, Optional<Duration> deletionsKept) {
        this.tracking = requireNonNull(tracking, "tracking is null");
        this.clock = requireNonNull(clock, "clock is null");
        this.deletionsKept = requireNonNull(deletionsKept, "deletionsKept is null");
    }

    /**
     * What a GET asks of change tracking.
     *
     * @param since the version of its {@code $deltatoken}, when it follows a delta link
     * @param pinned the version its first page read, when it is a later page
     * @param queryToParse the query string without {@code $deltatoken} and with the page's own continuation
     * @param query the query string as sent (for the links of the answer)
     */
    record Ask(OptionalLong since, OptionalLong pinned, String queryToParse, String query) {}

    /** The change-tracking ask of a GET, if it makes one: a delta token, the preference, or a page of either. */
    Optional<Ask> ask(HttpFields headers, String rawQuery) {
        boolean preferred = Preferences.of(headers).stream().anyMatch(TRACK_CHANGES::equalsIgnoreCase);
        String query = rawQuery == null ? "" : rawQuery;
        OptionalLong since = OptionalLong.empty();
        OptionalLong pinned = OptionalLong.empty();
        StringBuilder toParse = new StringBuilder();
        for (String parameter : query.split("&")) {
            if (parameter.isEmpty()) {
                continue;
            }
            int equals = parameter.indexOf('=');
            String name = decode(equals < 0 ? parameter : parameter.substring(0, equals));
            String value = equals < 0 ? "" : decode(parameter.substring(equals + 1));
            if (name.equals("$deltatoken")) {
                since = OptionalLong.of(version(value));
                continue;
            }
            if (name.equals("$skiptoken")) {
                Matcher page = PAGE.matcher(value);
                if (page.matches()) {
                    pinned = OptionalLong.of(Long.parseLong(page.group(1)));
                    parameter = "$skiptoken=" + java.net.URLEncoder.encode(page.group(2), StandardCharsets.UTF_8);
                }
            }
            if (toParse.length() > 0) {
                toParse.append('&');
            }
            toParse.append(parameter);
        }
        if (!preferred && since.isEmpty() && pinned.isEmpty()) {
            return Optional.empty();
        }
        return Optional.of(new Ask(since, pinned, toParse.toString(), query));
    }

    /** A delta token's version; 400 naming the token when it is not one this gateway gives. */
    private long version(String token) {
        Matcher matcher = TOKEN.matcher(token);
        if (!matcher.matches()) {
            throw invalid(token);
        }
        Instant given;
        try {
            given = Instant.parse(matcher.group(2));
        } catch (DateTimeParseException e) {
            throw invalid(token);
        }
        if (given.isAfter(clock.instant().plus(1, ChronoUnit.MINUTES))) {
            throw invalid(token);
        }
        if (deletionsKept.isPresent() && given.isBefore(clock.instant().minus(deletionsKept.get()))) {
            throw GatewayException.of(
                    ErrorCode.DELTA_TOKEN_EXPIRED,
                    "The delta token '%s' was given at %s, before the %s the data audit keeps deletions for;"
                            + " read the entity set again with Prefer: odata.track-changes.",
                    Exchange.sanitize(token),
                    given,
                    deletionsKept.get());
        }
        return Long.parseLong(matcher.group(1));
    }

    private static GatewayException invalid(String token) {
        return GatewayException.of(
                ErrorCode.INVALID_DELTA_TOKEN,
                "The $deltatoken '%s' is not one this gateway gave; use the @odata.deltaLink of an answer as it is.",
                Exchange.sanitize(token));
    }

    /** 400 unless the query has only $select (and the paging and delta tokens the gateway wrote). */
    static void requireOnlySelect(String rawQuery) {
        for (String parameter : rawQuery.split("&")) {
            if (parameter.isEmpty()) {
                continue;
            }
            int equals = parameter.indexOf('=');
            String name = decode(equals < 0 ? parameter : parameter.substring(0, equals));
            String option = name.toLowerCase(Locale.ROOT);
            if (!option.equals("$select") && !option.equals("$skiptoken") && !option.equals("$deltatoken")) {
                throw GatewayException.of(
                        ErrorCode.INVALID_DELTA_TOKEN,
                        "Change tracking takes only $select; remove '%s' (filter, sort and expand the rows the"
                                + " delta link answers on the client).",
                        Exchange.sanitize(name));
            }
        }
    }

    /** 400 unless {@code entity} is change-tracked. */
    static void requireTracked(EntityDefinition entity) {
        if (!entity.changeTracking()) {
            throw GatewayException.of(
                    ErrorCode.CHANGE_TRACKING_NOT_ENABLED,
                    "Entity '%s' is not enabled for change tracking (changeTracking: true in the catalog).",
                    entity.logicalName());
        }
    }

    /** The entity's committed version now: the version a new delta link names. */
    long current(EntityDefinition entity) {
        return tracking.current(entity);
    }

    /** 400 when {@code since} is above the version the answer reads up to: a token of another database. */
    static void requireNotAhead(long since, long upTo) {
        if (since > upTo) {
            throw invalid(Long.toString(since));
        }
    }

    /** The keys of rows deleted after {@code since} up to {@code upTo}. */
    List<UUID> deleted(EntityDefinition entity, long since, long upTo) {
        return tracking.deleted(entity, since, upTo);
    }

    /** The query narrowed to the rows whose version is above {@code since}. */
    static Query changedSince(Query query, EntityDefinition entity, long since) {
        Relation root = query.root();
        Condition newer = new Condition.Comparison(
                new AttributeRef(entity.rowVersionField().orElseThrow()),
                Condition.Operator.GREATER_THAN,
                new Literal(since));
        return query.withRoot(new Relation(
                root.entityLogicalName(),
                root.columns(),
                Condition.and(List.of(root.criteria(), newer)),
                root.orders(),
                root.links()));
    }

    /** A new delta token naming {@code version}, given now. */
    String token(long version) {
        return version + "!" + clock.instant().truncatedTo(ChronoUnit.SECONDS);
    }

    /** The continuation of a page of an answer that reads up to {@code version}. */
    static String pageToken(long version, String continuation) {
        return "~" + version + "~" + continuation;
    }

    /** The delta link: the set's URL with the request's $select and the new token. */
    String link(String setUrl, String rawQuery, long version) {
        StringBuilder link = new StringBuilder(setUrl).append('?');
        for (String parameter : rawQuery.split("&")) {
            int equals = parameter.indexOf('=');
            String name = decode(equals < 0 ? parameter : parameter.substring(0, equals));
            if (name.equals("$select")) {
                link.append(parameter).append('&');
            }
        }
        return link.append("$deltatoken=")
                .append(java.net.URLEncoder.encode(token(version), StandardCharsets.UTF_8))
                .toString();
    }

    private static String decode(String text) {
        try {
            return URLDecoder.decode(text, StandardCharsets.UTF_8);
        } catch (IllegalArgumentException e) {
            return text;
        }
    }
}
