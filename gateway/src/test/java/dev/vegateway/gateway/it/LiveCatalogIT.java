package dev.vegateway.gateway.it;

import static java.nio.charset.StandardCharsets.UTF_8;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.fail;

import ch.qos.logback.classic.Logger;
import ch.qos.logback.classic.spi.ILoggingEvent;
import ch.qos.logback.core.read.ListAppender;
import dev.vegateway.config.GatewayConfig.BackendKind;
import dev.vegateway.gateway.demo.DemoIdentities;
import dev.vegateway.gateway.http.CatalogSnapshot;
import dev.vegateway.gateway.server.CatalogFileWatcher;
import io.restassured.response.Response;
import java.io.InputStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.FileTime;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import java.util.concurrent.atomic.AtomicLong;
import java.util.function.Supplier;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestInstance;
import org.slf4j.LoggerFactory;

/**
 * Live catalog changes with two gateway nodes (two {@code Gateway.start} in this JVM) on one
 * database: an entity hidden or shown through the catalog set of one node is served so by that
 * node at once and by the other through its invalidation listener ({@code LISTEN/NOTIFY} on
 * PostgreSQL, the poller on H2), and by a node started later; only a System administrator may do
 * it; a refresh reports the table's columns; the catalog file is watched (node one's watcher
 * thread looks every 100 ms, node two's is driven by the test through {@link
 * CatalogFileWatcher#look()}); {@code $metadata} and Retrieve answer {@code If-None-Match}.
 */
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
abstract class LiveCatalogIT {
    /** Only to detect a change that never arrives. */
    static final Duration NON_DELIVERY = Duration.ofSeconds(10);

    static final String CATALOG_SET = "/mserp_financeandoperationsentities";
    static final String VENDOR = "mserp_vendvendorv2entity";
    static final String VENDORS = "/mserp_vendvendorv2entities";
    static final String PRODUCTS = "/mserp_ecoresreleasedproductv2entities";
    static final UUID SAM = DemoIdentities.SAM_SYSTEM_ADMINISTRATOR.id();
    static final UUID ALICE = DemoIdentities.ALICE_SALES_MANAGER.id();
    static final UUID SECURITY_ADMINISTRATOR = UUID.fromString("00000000-0000-4000-8000-000000000022");
    private static final AtomicLong MODIFIED = new AtomicLong();

    TestBackend backend;
    TestGateway first;
    TestGateway second;
    String demoCatalog;

    abstract BackendKind kind();

    @BeforeAll
    void startTwoNodes() throws Exception {
        backend = TestBackend.fresh(kind());
        first = TestGateway.start(
                backend,
                null,
                Map.of(
                        "VEGATEWAY_SECURITY_INVALIDATION_POLL_INTERVAL", "250ms",
                        "VEGATEWAY_CATALOG_WATCH_INTERVAL", "100ms"));
        second = TestGateway.start(
                backend,
                null,
                Map.of(
                        "VEGATEWAY_SECURITY_INVALIDATION_POLL_INTERVAL", "250ms",
                        "VEGATEWAY_CATALOG_WATCH_INTERVAL", "1h"));
        try (InputStream in = LiveCatalogIT.class.getClassLoader().getResourceAsStream("demo/catalog.yaml")) {
            demoCatalog = new String(in.readAllBytes(), UTF_8);
        }
    }

    @AfterAll
    void stop() throws Exception {
        if (second != null) {
            second.close();
        }
        if (first != null) {
            first.close();
        }
    }

    // ---- hide and show through the catalog set

    @Test
    void hidingThroughOneNodeHidesOnEveryNodeAtOnceAndShowingBringsItBack() throws Exception {
        Response before = second.as(SAM).get("/$metadata");
        String etagBefore = before.header("ETag");
        assertThat(before.asString()).contains("EntityType Name=\"" + VENDOR + "\"");
        assertThat(second.as(SAM).get(VENDORS + "?$top=1").statusCode()).isEqualTo(200);
        CatalogSnapshot snapshotBefore = first.gateway().catalog().current();
        long audited = auditRows(VENDOR);

        try {
            Response hidden = visible(first, SAM, VENDOR, false);
            assertThat(hidden.statusCode()).as(hidden.asString()).isEqualTo(204);

            // The node that made the change serves it before it answered.
            assertNotServed(first);
            assertThat(catalogRow(first, VENDOR)).contains("\"mserp_hasbeengenerated\":false");
            // A request that took the old snapshot keeps a consistent view to its end.
            assertThat(snapshotBefore
                            .catalog()
                            .byLogicalName(VENDOR)
                            .orElseThrow()
                            .visible())
                    .isTrue();
            assertThat(new String(snapshotBefore.odata().metadataXml(), UTF_8))
                    .contains("EntityType Name=\"" + VENDOR + "\"");
            assertThat(first.gateway().catalog().current().sequence()).isGreaterThan(snapshotBefore.sequence());

            // The other node learns of it from its listener.
            awaitStatus(() -> second.as(SAM).get(VENDORS + "?$top=1"), 404);
            assertNotServed(second);
            Response changedMetadata =
                    second.as(SAM).header("If-None-Match", etagBefore).get("/$metadata");
            assertThat(changedMetadata.statusCode()).isEqualTo(200);
            assertThat(changedMetadata.header("ETag")).isNotEqualTo(etagBefore);

            // Stored in the security database, audited, and kept across a restart.
            assertThat(backend.single(
                            "SELECT visible FROM vegateway_security.catalog_visibility WHERE entity_name = ?", VENDOR))
                    .isEqualTo(false);
            assertThat(backend.single(
                            "SELECT operation FROM vegateway_security.catalog_audit WHERE entity_name = ?"
                                    + " ORDER BY changed_at DESC, operation LIMIT 1",
                            VENDOR))
                    .isEqualTo("HIDE");
            assertThat(backend.count(
                            "SELECT COUNT(*) FROM vegateway_security.catalog_audit WHERE entity_name = ? AND changed_by = ?",
                            VENDOR,
                            SAM))
                    .isGreaterThanOrEqualTo(1);
            try (TestGateway third = TestGateway.start(backend, null, Map.of())) {
                assertNotServed(third);
            }

            Response shown = visible(second, SAM, VENDOR, true);
            assertThat(shown.statusCode()).as(shown.asString()).isEqualTo(204);
            assertThat(second.as(SAM).get(VENDORS + "?$top=1").statusCode()).isEqualTo(200);
            awaitStatus(() -> first.as(SAM).get(VENDORS + "?$top=1"), 200);
            Response metadataAgain = first.as(SAM).get("/$metadata");
            assertThat(metadataAgain.asString()).contains("EntityType Name=\"" + VENDOR + "\"");
            assertThat(metadataAgain.header("ETag"))
                    .as("the ETag is a hash of the document: the same document, the same ETag")
                    .isEqualTo(etagBefore);
            assertThat(catalogRow(first, VENDOR)).contains("\"mserp_hasbeengenerated\":true");
            assertThat(auditRows(VENDOR)).isEqualTo(audited + 2);
        } finally {
            visible(first, SAM, VENDOR, true);
        }
    }

    /**
     * A request runs on the snapshot it took: every part of a $batch does, so a read after the
     * part that hides vendors still reads them; the next request does not. A hide inside a
     * changeset is refused (the security store is outside the backend's transaction).
     */
    @Test
    void aRequestRunsToItsEndOnTheSnapshotItTook() throws Exception {
        String hide = Multipart.request(
                java.util.Optional.empty(),
                "PATCH",
                CATALOG_SET.substring(1) + "(" + catalogId(VENDOR) + ")",
                "{\"mserp_hasbeengenerated\":false}");
        String read = Multipart.request(java.util.Optional.empty(), "GET", VENDORS.substring(1) + "?$top=1", null);
        try {
            Response batch = first.as(SAM)
                    .contentType("multipart/mixed; boundary=batch_live")
                    .body(Multipart.batch("batch_live", read, hide, read))
                    .post("$batch");
            assertThat(batch.statusCode()).as(batch.asString()).isEqualTo(200);
            List<Multipart.Part> parts = Multipart.parse(batch.contentType(), batch.asString());
            assertThat(parts)
                    .extracting(Multipart.Part::status)
                    .as(batch.asString())
                    .containsExactly(200, 204, 200);
            assertThat(first.as(SAM).get(VENDORS + "?$top=1").statusCode()).isEqualTo(404);

            Response inChangeset = first.as(SAM)
                    .contentType("multipart/mixed; boundary=batch_live")
                    .body(Multipart.batch(
                            "batch_live",
                            Multipart.changeset(
                                    "changeset_live",
                                    Multipart.request(
                                            java.util.Optional.of("1"),
                                            "PATCH",
                                            CATALOG_SET.substring(1) + "(" + catalogId(VENDOR) + ")",
                                            "{\"mserp_hasbeengenerated\":true}"))))
                    .post("$batch");
            assertThat(inChangeset.asString()).contains("HTTP/1.1 400").contains("outside the backend's transaction");
            assertThat(first.as(SAM).get(VENDORS + "?$top=1").statusCode()).isEqualTo(404);
        } finally {
            visible(first, SAM, VENDOR, true);
        }
        awaitStatus(() -> second.as(SAM).get(VENDORS + "?$top=1"), 200);
    }

    @Test
    void onlyASystemAdministratorChangesTheCatalog() throws Exception {
        long audited = auditRows(VENDOR);
        for (UUID user : List.of(ALICE, SECURITY_ADMINISTRATOR)) {
            Response refused = visible(first, user, VENDOR, false);
            assertThat(refused.statusCode()).as(refused.asString()).isEqualTo(403);
            assertThat(refused.jsonPath().getString("error.code")).isEqualTo("0x80040220");
            assertThat(refused.jsonPath().getString("error.message")).contains("only a System administrator");
            Response refresh = first.as(user)
                    .contentType("application/json")
                    .body("{\"mserp_refresh\":true}")
                    .patch(CATALOG_SET + "(" + catalogId(VENDOR) + ")");
            assertThat(refresh.statusCode()).as(refresh.asString()).isEqualTo(403);
        }
        Response noCaller = first.application()
                .contentType("application/json")
                .body("{\"mserp_hasbeengenerated\":false}")
                .patch(CATALOG_SET + "(" + catalogId(VENDOR) + ")");
        assertThat(noCaller.statusCode()).as(noCaller.asString()).isEqualTo(403);
        assertThat(noCaller.jsonPath().getString("error.code")).isEqualTo("0x8ff00032");
        assertThat(auditRows(VENDOR)).isEqualTo(audited);
        assertThat(first.as(SAM).get(VENDORS + "?$top=1").statusCode()).isEqualTo(200);
    }

    @Test
    void badWritesToTheCatalogSetAreRefusedPrecisely() {
        String row = CATALOG_SET + "(" + catalogId(VENDOR) + ")";
        assertError(patch(row, "{\"mserp_label\":\"Suppliers\"}"), 400, "0x80044331", "mserp_label");
        assertError(patch(row, "{\"mserp_colour\":1}"), 400, "0x80048d19", "mserp_colour");
        assertError(patch(row, "{\"mserp_hasbeengenerated\":\"no\"}"), 400, "0x80044331", "true or false");
        assertError(patch(row, "{\"mserp_hasbeengenerated\":"), 400, "0x80048d19", "not valid JSON");
        assertError(
                patch(CATALOG_SET + "(" + UUID.randomUUID() + ")", "{\"mserp_hasbeengenerated\":false}"),
                404,
                "0x80040217",
                "Does Not Exist");
        assertError(
                patch(CATALOG_SET + "(" + catalogId("vegateway_dataaudit") + ")", "{\"mserp_hasbeengenerated\":false}"),
                400,
                "0x80044331",
                "gateway's own sets");
        assertError(patch(CATALOG_SET, "{\"mserp_hasbeengenerated\":false}"), 405, "0x8ff00005", "PATCH");
        assertError(
                first.as(SAM)
                        .contentType("application/json")
                        .body("{\"mserp_logicalname\":\"x\"}")
                        .post(CATALOG_SET),
                405,
                "0x8ff00005",
                "PATCH");
        assertError(first.as(SAM).delete(row), 405, "0x8ff00005", "PATCH");
        assertThat(first.as(SAM).get(VENDORS + "?$top=1").statusCode()).isEqualTo(200);
    }

    @Test
    void refreshReportsTheColumnsTheTableGainedSinceTheCatalogWasLoaded() throws Exception {
        Response unchanged = first.as(SAM)
                .contentType("application/json")
                .body("{\"mserp_refresh\":true}")
                .patch(CATALOG_SET + "(" + catalogId(VENDOR) + ")");
        assertThat(unchanged.statusCode()).as(unchanged.asString()).isEqualTo(200);
        assertThat(unchanged.jsonPath().getString("mserp_logicalname")).isEqualTo(VENDOR);
        assertThat(unchanged.jsonPath().getBoolean("'@vegateway.refresh'.tableFound"))
                .isTrue();
        assertThat(unchanged.jsonPath().getList("'@vegateway.refresh'.removedColumns"))
                .isEmpty();
        assertThat(unchanged.jsonPath().getList("'@vegateway.refresh'.retypedColumns"))
                .isEmpty();
        List<String> addedBefore = unchanged.jsonPath().getList("'@vegateway.refresh'.addedColumns.column");

        backend.execute("ALTER TABLE erp.vendor ADD COLUMN payment_days INTEGER");
        try {
            Response refreshed = first.as(SAM)
                    .contentType("application/json")
                    .body("{\"mserp_refresh\":true}")
                    .patch(CATALOG_SET + "(" + catalogId(VENDOR) + ")");
            assertThat(refreshed.statusCode()).as(refreshed.asString()).isEqualTo(200);
            assertThat(refreshed.jsonPath().getBoolean("'@vegateway.refresh'.unchanged"))
                    .isFalse();
            assertThat(refreshed.jsonPath().getList("'@vegateway.refresh'.addedColumns.column"))
                    .containsAll(addedBefore)
                    .contains("payment_days")
                    .hasSize(addedBefore.size() + 1);
            assertThat(refreshed.jsonPath().getString("'@vegateway.refresh'.table"))
                    .isEqualTo("erp.vendor");
            assertThat(refreshed.jsonPath().getBoolean("mserp_refresh")).isFalse();
            // A refresh changes nothing that is served.
            assertThat(first.as(SAM).get(VENDORS + "?$top=1").asString()).doesNotContain("payment_days");
        } finally {
            backend.execute("ALTER TABLE erp.vendor DROP COLUMN payment_days");
        }
    }

    // ---- ETags

    @Test
    void metadataCarriesAnEtagAndIfNoneMatchAnswers304() {
        Response metadata = first.application().get("/$metadata");
        assertThat(metadata.statusCode()).isEqualTo(200);
        String etag = metadata.header("ETag");
        assertThat(etag).matches("\"[0-9a-f]{32}\"");

        for (String ifNoneMatch : List.of(etag, "W/" + etag, "\"other\", " + etag, "*")) {
            Response notModified =
                    first.application().header("If-None-Match", ifNoneMatch).get("/$metadata");
            assertThat(notModified.statusCode()).as(ifNoneMatch).isEqualTo(304);
            assertThat(notModified.asByteArray()).isEmpty();
            assertThat(notModified.header("ETag")).isEqualTo(etag);
        }
        Response other =
                first.application().header("If-None-Match", "\"other\"").get("/$metadata");
        assertThat(other.statusCode()).isEqualTo(200);
        assertThat(other.asString()).isEqualTo(metadata.asString());
        assertThat(second.application().get("/$metadata").header("ETag"))
                .as("the same catalog gives the same ETag on every node")
                .isEqualTo(etag);
    }

    @Test
    void retrieveAnswers304WhileTheRecordIsUnchanged() throws Exception {
        Response page = first.as(SAM).get(VENDORS + "?$top=1&$select=mserp_vendorname");
        String id = page.jsonPath().getString("value[0].mserp_vendvendorv2entityid");
        String etag = page.jsonPath().getString("value[0].'@odata.etag'");
        assertThat(etag).startsWith("W/\"");

        Response notModified = first.as(SAM).header("If-None-Match", etag).get(VENDORS + "(" + id + ")");
        assertThat(notModified.statusCode()).as(notModified.asString()).isEqualTo(304);
        assertThat(notModified.asByteArray()).isEmpty();
        assertThat(notModified.header("ETag")).isEqualTo(etag);

        Response other = first.as(SAM).header("If-None-Match", "W/\"-1\"").get(VENDORS + "(" + id + ")");
        assertThat(other.statusCode()).isEqualTo(200);
        assertThat(other.jsonPath().getString("'@odata.etag'")).isEqualTo(etag);

        Response changed = first.as(SAM)
                .contentType("application/json")
                .body("{\"mserp_vendorname\":\"Renamed for the ETag test\"}")
                .patch(VENDORS + "(" + id + ")");
        assertThat(changed.statusCode()).as(changed.asString()).isEqualTo(204);
        Response after = first.as(SAM).header("If-None-Match", etag).get(VENDORS + "(" + id + ")");
        assertThat(after.statusCode()).isEqualTo(200);
        assertThat(after.jsonPath().getString("'@odata.etag'")).isNotEqualTo(etag);
        assertThat(after.jsonPath().getString("mserp_vendorname")).isEqualTo("Renamed for the ETag test");

        Response missing = first.as(SAM).header("If-None-Match", etag).get(VENDORS + "(" + UUID.randomUUID() + ")");
        assertThat(missing.statusCode()).isEqualTo(404);
        Response noUser = first.application().header("If-None-Match", etag).get(VENDORS + "(" + id + ")");
        assertThat(noUser.statusCode()).as("no caller, no ETag answer").isEqualTo(403);
    }

    // ---- the catalog file

    @Test
    void aChangedCatalogFileIsServedAndABrokenOneIsRefusedWithFileAndLine() throws Exception {
        CatalogFileWatcher watcher = second.gateway().catalogWatcher().orElseThrow();
        Path file = watcher.file();
        Logger logger = (Logger) LoggerFactory.getLogger(CatalogFileWatcher.class);
        ListAppender<ILoggingEvent> events = new ListAppender<>();
        events.start();
        logger.addAppender(events);
        String etag = second.application().get("/$metadata").header("ETag");
        long sequence = second.gateway().catalog().current().sequence();
        try {
            assertThat(watcher.look()).isEqualTo(CatalogFileWatcher.Outcome.UNCHANGED);

            // A problem the loader finds, and one only the backend shows: each refused, each logged with file and line.
            String badType = demoCatalog.replace(
                    "column: name, type: String(100), required: true, labels: { en-US: Vendor name",
                    "column: name, type: Strung(100), required: true, labels: { en-US: Vendor name");
            assertThat(badType).isNotEqualTo(demoCatalog);
            write(file, badType);
            assertThat(watcher.look()).isEqualTo(CatalogFileWatcher.Outcome.REFUSED);
            int badTypeLine = lineOf(badType, "Strung(100)");
            assertThat(messages(events)).anyMatch(message -> message.contains(file + ":" + badTypeLine));

            String missingColumn = demoCatalog.replace(
                    "column: name, type: String(100), required: true, labels: { en-US: Vendor name",
                    "column: no_such_column, type: String(100), required: true, labels: { en-US: Vendor name");
            write(file, missingColumn);
            assertThat(watcher.look()).isEqualTo(CatalogFileWatcher.Outcome.REFUSED);
            int missingLine = lineOf(missingColumn, "no_such_column");
            assertThat(messages(events))
                    .anyMatch(message ->
                            message.contains(file + ":" + missingLine) && message.contains("no_such_column"));
            assertThat(second.application().get("/$metadata").header("ETag"))
                    .as("the old catalog stays")
                    .isEqualTo(etag);
            assertThat(second.gateway().catalog().current().sequence()).isEqualTo(sequence);
            assertThat(second.as(SAM).get(VENDORS + "?$top=1").statusCode()).isEqualTo(200);
            assertThat(metrics(second))
                    .containsPattern("vegateway_catalog_reloads_total\\{outcome=\"refused\",source=\"file\"\\} 2\\.0");

            // A valid change: products hidden by the file.
            write(file, hideProducts(demoCatalog));
            assertThat(watcher.look()).isEqualTo(CatalogFileWatcher.Outcome.APPLIED);
            assertThat(second.as(SAM).get(PRODUCTS + "?$top=1").statusCode()).isEqualTo(404);
            assertThat(second.application().get("/$metadata").header("ETag")).isNotEqualTo(etag);
            assertThat(watcher.look()).isEqualTo(CatalogFileWatcher.Outcome.UNCHANGED);
            assertThat(metrics(second))
                    .containsPattern("vegateway_catalog_reloads_total\\{outcome=\"applied\",source=\"file\"\\} [1-9]")
                    .contains("vegateway_catalog_snapshot "
                            + second.gateway().catalog().current().sequence() + ".0");
            assertThat(first.as(SAM).get(PRODUCTS + "?$top=1").statusCode())
                    .as("the file is each node's own")
                    .isEqualTo(200);
        } finally {
            write(file, demoCatalog);
            watcher.look();
            logger.detachAppender(events);
        }
        assertThat(second.as(SAM).get(PRODUCTS + "?$top=1").statusCode()).isEqualTo(200);
        assertThat(second.application().get("/$metadata").header("ETag")).isEqualTo(etag);
    }

    @Test
    void theWatcherThreadServesAChangedFileWithoutARestart() throws Exception {
        Path file = first.gateway().catalogWatcher().orElseThrow().file();
        try {
            write(file, hideProducts(demoCatalog));
            awaitStatus(() -> first.as(SAM).get(PRODUCTS + "?$top=1"), 404);
        } finally {
            write(file, demoCatalog);
        }
        awaitStatus(() -> first.as(SAM).get(PRODUCTS + "?$top=1"), 200);
    }

    // ---- helpers

    private Response patch(String path, String body) {
        return first.as(SAM).contentType("application/json").body(body).patch(path);
    }

    private static void assertError(Response response, int status, String code, String messagePart) {
        assertThat(response.statusCode()).as(response.asString()).isEqualTo(status);
        assertThat(response.jsonPath().getString("error.code"))
                .as(response.asString())
                .isEqualTo(code);
        assertThat(response.jsonPath().getString("error.message")).contains(messagePart);
    }

    static Response visible(TestGateway node, UUID user, String entity, boolean visible) {
        return node.as(user)
                .contentType("application/json")
                .body("{\"mserp_hasbeengenerated\":" + visible + "}")
                .patch(CATALOG_SET + "(" + catalogId(entity) + ")");
    }

    /** The catalog set's id of an entity: a name-based GUID of {@code catalog:<logical name>}. */
    static UUID catalogId(String entity) {
        return UUID.nameUUIDFromBytes(("catalog:" + entity).getBytes(UTF_8));
    }

    private static String catalogRow(TestGateway node, String entity) {
        return node.application()
                .get(CATALOG_SET + "(" + catalogId(entity) + ")")
                .asString();
    }

    /** Vendors are in no front end: not in $metadata, the set 404, QueryExpression and FetchXML 404. */
    private static void assertNotServed(TestGateway node) {
        assertThat(node.as(SAM).get("/$metadata").asString()).doesNotContain("EntityType Name=\"" + VENDOR + "\"");
        Response set = node.as(SAM).get(VENDORS + "?$top=1");
        assertThat(set.statusCode()).as(set.asString()).isEqualTo(404);
        assertThat(set.jsonPath().getString("error.code")).isEqualTo("0x80060888");
        Response queryExpression = node.as(SAM)
                .contentType("application/json")
                .body("{\"Query\":{\"EntityName\":\"" + VENDOR + "\",\"ColumnSet\":{\"AllColumns\":true}}}")
                .post("/RetrieveMultiple");
        assertThat(queryExpression.statusCode()).as(queryExpression.asString()).isEqualTo(404);
        String fetch = java.net.URLEncoder.encode(
                "<fetch top=\"1\"><entity name=\"" + VENDOR + "\"><all-attributes/></entity></fetch>", UTF_8);
        Response fetchXml = node.as(SAM).get(VENDORS + "?fetchXml=" + fetch);
        assertThat(fetchXml.statusCode()).as(fetchXml.asString()).isEqualTo(404);
        // nor as a linked entity of a query on an entity that is served
        Response linked = node.as(SAM)
                .contentType("application/json")
                .body(
                        "{\"Query\":{\"EntityName\":\"mserp_custcustomerv3entity\",\"ColumnSet\":{\"Columns\":[\"mserp_name\"]},"
                                + "\"LinkEntities\":[{\"LinkFromAttributeName\":\"mserp_dataareaid\",\"LinkToEntityName\":\""
                                + VENDOR
                                + "\",\"LinkToAttributeName\":\"mserp_dataareaid\",\"JoinOperator\":\"Inner\",\"EntityAlias\":\"v\"}],"
                                + "\"PageInfo\":{\"Count\":1,\"PageNumber\":1}}}")
                .post("/RetrieveMultiple");
        assertThat(linked.statusCode()).as(linked.asString()).isEqualTo(404);
        assertThat(linked.jsonPath().getString("error.message")).contains(VENDOR);
    }

    private long auditRows(String entity) throws Exception {
        return backend.count("SELECT COUNT(*) FROM vegateway_security.catalog_audit WHERE entity_name = ?", entity);
    }

    private static String hideProducts(String catalog) {
        String hidden = catalog.replaceFirst(
                "(entitySetName: mserp_ecoresreleasedproductv2entities\\n(?:.*\\n)*?\\s+visible: )true", "$1false");
        assertThat(hidden).isNotEqualTo(catalog);
        return hidden;
    }

    /** Writes the file with a modification time no earlier write had, as an editor saving it would. */
    private static void write(Path file, String text) throws Exception {
        Files.writeString(file, text, UTF_8);
        Files.setLastModifiedTime(file, FileTime.from(Instant.now().plusSeconds(MODIFIED.incrementAndGet())));
    }

    private static int lineOf(String text, String part) {
        List<String> lines = text.lines().toList();
        for (int i = 0; i < lines.size(); i++) {
            if (lines.get(i).contains(part)) {
                return i + 1;
            }
        }
        throw new AssertionError(part + " is not in the text");
    }

    /** The node's Prometheus text from its admin listener. */
    private static String metrics(TestGateway node) throws Exception {
        java.net.http.HttpResponse<String> response = java.net.http.HttpClient.newHttpClient()
                .send(
                        java.net.http.HttpRequest.newBuilder(
                                        java.net.URI.create("http://127.0.0.1:" + node.adminPort() + "/metrics"))
                                .build(),
                        java.net.http.HttpResponse.BodyHandlers.ofString());
        assertThat(response.statusCode()).isEqualTo(200);
        return response.body();
    }

    private static List<String> messages(ListAppender<ILoggingEvent> events) {
        return events.list.stream().map(ILoggingEvent::getFormattedMessage).toList();
    }

    /** Repeats the request until it answers {@code status}; fails after {@link #NON_DELIVERY}. */
    static void awaitStatus(Supplier<Response> request, int status) {
        long started = System.nanoTime();
        while (true) {
            Response response = request.get();
            if (response.statusCode() == status) {
                return;
            }
            if (System.nanoTime() - started > NON_DELIVERY.toNanos()) {
                fail(
                        "still %d, not %d, after %s: %s",
                        response.statusCode(), status, NON_DELIVERY, response.asString());
            }
        }
    }
}
