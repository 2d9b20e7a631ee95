package dev.vegateway.adapter.service;

import static dev.vegateway.adapter.plan.ContactFixtures.CHILD_UNIT;
import static dev.vegateway.adapter.plan.ContactFixtures.OTHER_USER;
import static dev.vegateway.adapter.plan.ContactFixtures.UNIT;
import static dev.vegateway.adapter.plan.ContactFixtures.USER;
import static dev.vegateway.adapter.plan.ContactFixtures.equal;
import static dev.vegateway.adapter.plan.ContactFixtures.grant;
import static dev.vegateway.adapter.plan.ContactFixtures.query;
import static dev.vegateway.adapter.plan.ContactFixtures.scope;
import static dev.vegateway.adapter.plan.ContactFixtures.unrestricted;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.junit.jupiter.params.provider.Arguments.arguments;

import dev.vegateway.adapter.error.ErrorCode;
import dev.vegateway.adapter.error.GatewayException;
import dev.vegateway.adapter.plan.AccessScope;
import dev.vegateway.adapter.plan.AccessScope.Depth;
import dev.vegateway.adapter.plan.ContactFixtures;
import dev.vegateway.adapter.plan.QueryPlan;
import dev.vegateway.adapter.plan.SortKey;
import dev.vegateway.adapter.query.AttributeRef;
import dev.vegateway.adapter.query.Condition;
import dev.vegateway.adapter.query.Condition.IsNull;
import dev.vegateway.adapter.query.Condition.Or;
import dev.vegateway.adapter.query.Order;
import dev.vegateway.adapter.query.Query;
import dev.vegateway.adapter.sql.H2Dialect;
import dev.vegateway.adapter.sql.SqlRenderer;
import java.io.IOException;
import java.math.BigDecimal;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.SQLException;
import java.time.Duration;
import java.time.LocalDate;
import java.time.OffsetDateTime;
import java.time.ZoneOffset;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.HashSet;
import java.util.List;
import java.util.Optional;
import java.util.OptionalLong;
import java.util.Random;
import java.util.Set;
import java.util.UUID;
import java.util.stream.Stream;
import javax.sql.DataSource;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;

/**
 * Keyset paging end to end: 200 rows whose sort columns repeat and hold nulls, read through
 * {@link QueryService} in pages of 7 with real continuation tokens. The pages must concatenate
 * to exactly the rows of one unpaged read: same rows, same order, none twice, none missing.
 */
class KeysetPagingTest {
    private static final int ROWS = 200;
    private static final int PAGE = 7;
    /** Large enough that the reference read is a single page. */
    private static final int UNPAGED = 1000;

    private static final String[] NAMES = {"anna", "Bob", "carl", "dora", "Eve"};

    private static QueryService service;
    private static final List<UUID> KEYS = new ArrayList<>();

    @BeforeAll
    static void fillTheTable() throws SQLException {
        DataSource database = ContactFixtures.newDatabase("keyset");
        Random random = new Random(7);
        try (Connection connection = database.getConnection();
                PreparedStatement insert = connection.prepareStatement(ContactFixtures.INSERT_CONTACT)) {
            for (int n = 1; n <= ROWS; n++) {
                UUID key = new UUID(random.nextLong(), random.nextLong());
                KEYS.add(key);
                insert.setObject(1, key);
                insert.setObject(2, n % 9 == 0 ? null : NAMES[(n * 7) % NAMES.length]);
                insert.setObject(3, n % 6 == 0 ? null : 20 + (n * 5) % 4);
                insert.setObject(4, n % 8 == 0 ? null : new BigDecimal((n * 3) % 7 + ".50"));
                insert.setObject(5, n % 7 == 0 ? null : LocalDate.of(2000, 1, 1).plusDays(n % 5));
                insert.setObject(
                        6,
                        n % 10 == 0 ? null : OffsetDateTime.of(2024, 1, 1, n % 3, 0, 0, 123_456_000, ZoneOffset.UTC));
                insert.setObject(7, n % 5 == 0 ? null : n % 2 == 0);
                insert.setObject(8, n % 4 == 0 ? null : 1 + n % 2);
                insert.setObject(9, n % 3 == 0 ? USER : OTHER_USER);
                insert.setObject(10, n % 2 == 0 ? UNIT : CHILD_UNIT);
                insert.setObject(11, n % 13 == 0 ? null : n % 4 == 0 ? "usmf" : "demf");
                insert.setObject(12, null);
                insert.setObject(13, "s" + n);
                insert.executeUpdate();
            }
        }
        service = new QueryService(
                ContactFixtures.planner(UNPAGED),
                new SqlRenderer(H2Dialect.INSTANCE),
                database,
                ContactFixtures.tokens(),
                Duration.ofSeconds(30));
    }

    static Stream<Arguments> orderings() {
        return Stream.of(
                arguments("name asc", List.of(ascending("name"))),
                arguments("name desc", List.of(descending("name"))),
                arguments("age asc, name desc", List.of(ascending("age"), descending("name"))),
                arguments("age desc, name asc", List.of(descending("age"), ascending("name"))),
                arguments("name asc, age asc", List.of(ascending("name"), ascending("age"))),
                arguments("name desc, age desc", List.of(descending("name"), descending("age"))),
                arguments("balance desc", List.of(descending("balance"))),
                arguments("birthdate asc, modifiedon desc", List.of(ascending("birthdate"), descending("modifiedon"))),
                arguments("modifiedon asc", List.of(ascending("modifiedon"))),
                arguments("active desc, status asc", List.of(descending("active"), ascending("status"))),
                arguments(
                        "dataareaid asc, age desc, name asc",
                        List.of(ascending("dataareaid"), descending("age"), ascending("name"))),
                arguments("contactid desc", List.of(descending("contactid"))),
                arguments("key only", List.of()));
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("orderings")
    void pagesConcatenateToTheUnpagedResult(String description, List<Order> orders) throws IOException {
        Query query = query().orders(orders).build();
        Read full = readOnePage(query, UNPAGED, Optional.empty(), unrestricted());
        assertThat(full.continuation()).isEmpty();
        assertThat(full.rows()).hasSize(ROWS);
        assertThat(keys(full)).containsExactlyInAnyOrderElementsOf(KEYS);
        assertSorted(full);

        List<Read> pages = readAllPages(query, unrestricted());

        assertThat(pages).hasSize((ROWS + PAGE - 1) / PAGE);
        assertThat(concatenation(pages)).containsExactlyElementsOf(full.rows());
    }

    @Test
    void pagesThroughTheRowsOfARestrictedCallerWithAFilter() throws IOException {
        Condition filter = new Or(List.of(equal("age", 20L), new IsNull(new AttributeRef("name"), false)));
        Query query =
                query().where(filter).orderBy("age").orderByDescending("name").build();
        AccessScope scope = scope(grant(Depth.BASIC), grant(Depth.LOCAL, "usmf"));
        Read full = readOnePage(query, UNPAGED, Optional.empty(), scope);
        assertThat(full.rows()).hasSizeGreaterThan(3 * PAGE);
        int owner = full.plan().selected().indexOf(ContactFixtures.column("ownerid"));
        int unit = full.plan().selected().indexOf(ContactFixtures.column("businessunitid"));
        int company = full.plan().selected().indexOf(ContactFixtures.column("dataareaid"));
        assertThat(full.rows()).allSatisfy(row -> assertThat(
                        USER.equals(row.get(owner)) || (UNIT.equals(row.get(unit)) && "usmf".equals(row.get(company))))
                .as("row scope holds for %s", row)
                .isTrue());

        assertThat(concatenation(readAllPages(query, scope))).containsExactlyElementsOf(full.rows());
    }

    @Test
    void pagesThroughDistinctValuesWhoseLastSortKeyIsNullable() throws IOException {
        Query query = query().select("name", "age").distinct().orderBy("name").build();
        Read full = readOnePage(query, UNPAGED, Optional.empty(), unrestricted());
        assertThat(full.rows()).hasSizeGreaterThan(2 * PAGE).doesNotHaveDuplicates();
        assertThat(full.rows()).contains(Arrays.asList(null, null));
        assertSorted(full);

        assertThat(concatenation(readAllPages(query, unrestricted()))).containsExactlyElementsOf(full.rows());

        Query descending = query().select("age", "name")
                .distinct()
                .orderByDescending("name")
                .orderByDescending("age")
                .build();
        Read fullDescending = readOnePage(descending, UNPAGED, Optional.empty(), unrestricted());
        assertThat(fullDescending.rows()).hasSameSizeAs(full.rows());
        assertSorted(fullDescending);
        assertThat(concatenation(readAllPages(descending, unrestricted())))
                .containsExactlyElementsOf(fullDescending.rows());
    }

    @Test
    void stopsAfterTopRowsSpreadOverPages() throws IOException {
        Query unbounded = query().orderBy("name").orderByDescending("age").build();
        List<List<Object>> full = readOnePage(unbounded, UNPAGED, Optional.empty(), unrestricted())
                .rows();

        List<Read> pages = readAllPages(
                query().orderBy("name").orderByDescending("age").top(30).build(), unrestricted());

        assertThat(pages).extracting(page -> page.rows().size()).containsExactly(7, 7, 7, 7, 2);
        assertThat(concatenation(pages)).containsExactlyElementsOf(full.subList(0, 30));
    }

    @Test
    void skipsOnlyOnTheFirstPage() throws IOException {
        Query unbounded = query().orderBy("name").orderByDescending("age").build();
        List<List<Object>> full = readOnePage(unbounded, UNPAGED, Optional.empty(), unrestricted())
                .rows();

        List<Read> skipped = readAllPages(
                query().orderBy("name").orderByDescending("age").skip(5).build(), unrestricted());
        assertThat(concatenation(skipped)).containsExactlyElementsOf(full.subList(5, ROWS));

        List<Read> skippedAndTopped = readAllPages(
                query().orderBy("name").orderByDescending("age").skip(5).top(30).build(), unrestricted());
        assertThat(skippedAndTopped).extracting(page -> page.rows().size()).containsExactly(7, 7, 7, 7, 2);
        assertThat(concatenation(skippedAndTopped)).containsExactlyElementsOf(full.subList(5, 35));
    }

    @Test
    void countsEveryMatchingRowOnEveryPage() throws IOException {
        List<Read> pages = readAllPages(query().orderBy("name").top(20).count().build(), unrestricted());
        assertThat(pages).hasSize(3).allSatisfy(page -> assertThat(page.count()).hasValue(ROWS));
    }

    @Test
    void returnsTheLastFullPageWithoutContinuation() throws IOException {
        Read exact = readOnePage(query().orderBy("name").build(), ROWS, Optional.empty(), unrestricted());
        assertThat(exact.rows()).hasSize(ROWS);
        assertThat(exact.continuation()).isEmpty();
    }

    @Test
    void refusesAContinuationOfAnotherQuery() throws IOException {
        Read first = readOnePage(query().orderBy("name").build(), PAGE, Optional.empty(), unrestricted());
        String token = first.continuation().orElseThrow();

        assertThatThrownBy(() -> readOnePage(query().orderBy("age").build(), PAGE, Optional.of(token), unrestricted()))
                .isInstanceOfSatisfying(GatewayException.class, exception -> assertThat(exception.errorCode())
                        .isEqualTo(ErrorCode.INVALID_SKIP_TOKEN));
        AccessScope otherCaller =
                new AccessScope(OTHER_USER, "bob", true, List.of(), Set.of(), Optional.empty(), Set.of());
        assertThatThrownBy(() -> readOnePage(query().orderBy("name").build(), PAGE, Optional.of(token), otherCaller))
                .isInstanceOfSatisfying(GatewayException.class, exception -> assertThat(exception.errorCode())
                        .isEqualTo(ErrorCode.INVALID_SKIP_TOKEN));
    }

    // Helpers

    /** One page as the sink saw it. */
    record Read(
            QueryPlan plan,
            List<List<Object>> rows,
            OptionalLong count,
            Optional<String> continuation,
            ReadResult result) {}

    /** Collects rows (copies: the service reuses its array) and what start and finish were told. */
    static final class CollectingSink implements RowSink {
        private QueryPlan plan;
        private OptionalLong count;
        private final List<List<Object>> rows = new ArrayList<>();
        private Optional<String> continuation;
        private int starts;
        private int finishes;

        @Override
        public void start(QueryPlan plan, OptionalLong count) {
            this.plan = plan;
            this.count = count;
            starts++;
        }

        @Override
        public void row(QueryPlan plan, Object[] values) {
            assertThat(starts).as("start before the first row").isEqualTo(1);
            rows.add(Arrays.asList(values.clone()));
        }

        @Override
        public void finish(QueryPlan plan, Optional<String> continuation) {
            this.continuation = continuation;
            finishes++;
        }

        Read read(ReadResult result) {
            assertThat(starts).isEqualTo(1);
            assertThat(finishes).isEqualTo(1);
            assertThat(result.rows()).isEqualTo(rows.size());
            assertThat(result.moreRecords()).isEqualTo(continuation.isPresent());
            return new Read(plan, List.copyOf(rows), count, continuation, result);
        }
    }

    private static Read readOnePage(Query query, int pageSize, Optional<String> continuation, AccessScope scope)
            throws IOException {
        Query paged = new Query(
                query.root(),
                query.top(),
                query.skip(),
                query.distinct(),
                Optional.of(new Query.Page(pageSize, continuation)),
                query.includeCount());
        CollectingSink sink = new CollectingSink();
        ReadResult result = service.retrieveMultiple(paged, only(scope), sink);
        return sink.read(result);
    }

    private static List<Read> readAllPages(Query query, AccessScope scope) throws IOException {
        List<Read> pages = new ArrayList<>();
        Optional<String> continuation = Optional.empty();
        do {
            Read page = readOnePage(query, PAGE, continuation, scope);
            assertThat(page.rows()).as("page %d", pages.size() + 1).hasSizeLessThanOrEqualTo(PAGE);
            if (page.continuation().isPresent()) {
                assertThat(page.rows()).as("a page with a continuation is full").hasSize(PAGE);
            }
            pages.add(page);
            continuation = page.continuation();
            assertThat(pages).as("pages").hasSizeLessThan(ROWS + 2);
        } while (continuation.isPresent());
        List<List<Object>> all = concatenation(pages);
        assertThat(new HashSet<>(all)).as("no row twice").hasSameSizeAs(all);
        return pages;
    }

    private static List<List<Object>> concatenation(List<Read> pages) {
        return pages.stream().flatMap(page -> page.rows().stream()).toList();
    }

    private static List<UUID> keys(Read read) {
        int key = read.plan().keyIndex().orElseThrow();
        return read.rows().stream().map(row -> (UUID) row.get(key)).toList();
    }

    /** Checks the database's order against Java's on every sort key but the entity key (whose order is the database's own). */
    private static void assertSorted(Read read) {
        QueryPlan plan = read.plan();
        for (int i = 1; i < read.rows().size(); i++) {
            List<Object> previous = read.rows().get(i - 1);
            List<Object> current = read.rows().get(i);
            int comparison = 0;
            for (int k = 0; k < plan.sortKeys().size() && comparison == 0; k++) {
                SortKey key = plan.sortKeys().get(k);
                if (key.column().field().logicalName().equals(plan.entity().keyField())) {
                    break;
                }
                int index = plan.sortKeyIndexes().get(k);
                comparison = compare(previous.get(index), current.get(index), key.descending());
            }
            assertThat(comparison)
                    .as("rows %d and %d in order: %s, %s", i - 1, i, previous, current)
                    .isLessThanOrEqualTo(0);
        }
    }

    @SuppressWarnings({"unchecked", "rawtypes"})
    private static int compare(Object left, Object right, boolean descending) {
        if (left == null || right == null) {
            int nullsFirst = left == right ? 0 : left == null ? -1 : 1;
            return descending ? -nullsFirst : nullsFirst;
        }
        int comparison = ((Comparable) left).compareTo(right);
        return descending ? -comparison : comparison;
    }

    private static Order ascending(String attribute) {
        return new Order(attribute, false);
    }

    private static Order descending(String attribute) {
        return new Order(attribute, true);
    }

    /** Every entity of a query under one scope (these queries join nothing). */
    private static dev.vegateway.adapter.plan.ReadScopes only(dev.vegateway.adapter.plan.AccessScope scope) {
        return entity -> scope;
    }
}
