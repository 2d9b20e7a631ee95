package dev.vegateway.gateway.it;

import static org.assertj.core.api.Assertions.assertThat;

import dev.vegateway.catalog.Catalog;
import dev.vegateway.catalog.CatalogLoader;
import dev.vegateway.catalog.EntityDefinition;
import dev.vegateway.catalog.FieldDefinition;
import dev.vegateway.catalog.FieldType;
import dev.vegateway.catalog.OptionSet;
import dev.vegateway.config.GatewayConfig.BackendKind;
import dev.vegateway.gateway.demo.DemoIdentities;
import dev.vegateway.gateway.odata.LookupNames;
import java.math.BigDecimal;
import java.net.URI;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.time.LocalDate;
import java.time.OffsetDateTime;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.UUID;
import java.util.function.Function;
import java.util.stream.Collectors;
import java.util.stream.Stream;
import javax.net.ssl.SSLContext;
import org.apache.http.HttpRequestInterceptor;
import org.apache.http.client.HttpClient;
import org.apache.http.conn.ssl.DefaultHostnameVerifier;
import org.apache.http.conn.ssl.SSLConnectionSocketFactory;
import org.apache.http.impl.client.CloseableHttpClient;
import org.apache.http.impl.client.HttpClients;
import org.apache.olingo.client.api.ODataClient;
import org.apache.olingo.client.api.communication.request.retrieve.ODataEntityRequest;
import org.apache.olingo.client.api.communication.request.retrieve.ODataEntitySetRequest;
import org.apache.olingo.client.api.communication.response.ODataRetrieveResponse;
import org.apache.olingo.client.api.domain.ClientEntity;
import org.apache.olingo.client.api.domain.ClientEntitySet;
import org.apache.olingo.client.api.domain.ClientProperty;
import org.apache.olingo.client.api.http.HttpClientFactory;
import org.apache.olingo.client.core.ODataClientFactory;
import org.apache.olingo.commons.api.edm.Edm;
import org.apache.olingo.commons.api.edm.EdmEntityContainer;
import org.apache.olingo.commons.api.edm.EdmEntitySet;
import org.apache.olingo.commons.api.edm.EdmEntityType;
import org.apache.olingo.commons.api.edm.EdmPrimitiveTypeKind;
import org.apache.olingo.commons.api.edm.EdmProperty;
import org.apache.olingo.commons.api.edm.FullQualifiedName;
import org.apache.olingo.commons.api.http.HttpMethod;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Nested;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestInstance;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.MethodSource;

/**
 * The gateway as a real OData client sees it: Apache Olingo's Java client over TLS (the test
 * certificate trusted, hostname verified), reading the metadata, entity sets with query options,
 * single entities and server-driven pages, checked against the catalog and direct SQL. One
 * contract, run against H2 and embedded PostgreSQL.
 */
class ODataClientIT {
    private static final String NAMESPACE = "Microsoft.Dynamics.CRM";
    private static final String CUSTOMERS = "mserp_custcustomerv3entities";
    private static final String SALES_ORDERS = "mserp_salesorderheaderv2entities";

    @Nested
    class H2 extends Contract {
        H2() {
            super(BackendKind.H2);
        }
    }

    @Nested
    class PostgreSql extends Contract {
        PostgreSql() {
            super(BackendKind.POSTGRESQL);
        }
    }

    @TestInstance(TestInstance.Lifecycle.PER_CLASS)
    abstract static class Contract {
        private final BackendKind kind;
        private TestBackend backend;
        private TestGateway gateway;
        private Catalog catalog;
        private LookupNames lookups;
        private ODataClient client;

        Contract(BackendKind kind) {
            this.kind = kind;
        }

        @BeforeAll
        void start() throws Exception {
            backend = TestBackend.shared(kind, "odata-read");
            gateway = TestGateway.start(backend, null);
            catalog = CatalogLoader.load(gateway.folder().resolve("catalog.yaml"));
            lookups = new LookupNames(catalog);
            client = ODataClientFactory.getClient();
            client.getConfiguration()
                    .setHttpClientFactory(new CallerHttpClientFactory(
                            gateway.sslContext(),
                            gateway.token(TestGateway.DATAVERSE_APP),
                            DemoIdentities.SAM_SYSTEM_ADMINISTRATOR.id()));
        }

        @AfterAll
        void stop() throws Exception {
            if (gateway != null) {
                gateway.close();
            }
        }

        @Test
        void metadataDescribesEveryVisibleCatalogEntity() {
            Edm edm = metadata();
            EdmEntityContainer container = edm.getEntityContainer();
            assertThat(container.getFullQualifiedName()).isEqualTo(new FullQualifiedName(NAMESPACE, "System"));
            List<EntityDefinition> visible = catalog.entities().stream()
                    .filter(EntityDefinition::visible)
                    .toList();
            assertThat(visible).hasSize(8);
            assertThat(container.getEntitySets())
                    .extracting(EdmEntitySet::getName)
                    .containsExactlyInAnyOrderElementsOf(Stream.concat(
                                    visible.stream().map(EntityDefinition::entitySetName),
                                    Stream.of(
                                            "mserp_financeandoperationsentities",
                                            "msdyn_externalportalusermappings",
                                            "msdyn_externalportalusermappingaudits",
                                            "vegateway_dataaudits",
                                            "systemusers",
                                            "businessunits",
                                            "teams",
                                            "roles",
                                            "privileges"))
                            .toList());

            for (EntityDefinition entity : visible) {
                EdmEntitySet set = container.getEntitySet(entity.entitySetName());
                EdmEntityType type = set.getEntityType();
                assertThat(type.getFullQualifiedName())
                        .isEqualTo(new FullQualifiedName(NAMESPACE, entity.logicalName()));
                assertThat(type.getKeyPredicateNames())
                        .as(entity.logicalName())
                        .containsExactly(entity.logicalName() + "id");
                assertThat(type.getStructuralProperty(entity.logicalName() + "id")
                                .getType()
                                .getFullQualifiedName())
                        .isEqualTo(EdmPrimitiveTypeKind.Guid.getFullQualifiedName());
                assertThat(type.getPropertyNames())
                        .as(entity.logicalName())
                        .containsExactlyInAnyOrderElementsOf(entity.fields().stream()
                                .map(field -> property(entity, field))
                                .toList());
                for (FieldDefinition field : entity.fields()) {
                    assertProperty(entity, field, type.getStructuralProperty(property(entity, field)));
                }
            }
        }

        @Test
        void metadataCarriesTheDeclaredFacetsAndEnumMembers() {
            Edm edm = metadata();
            EdmEntityType customer = edm.getEntityType(new FullQualifiedName(NAMESPACE, "mserp_custcustomerv3entity"));
            EdmProperty creditLimit = customer.getStructuralProperty("mserp_creditlimit");
            assertThat(creditLimit.getType().getFullQualifiedName().getFullQualifiedNameAsString())
                    .isEqualTo("Edm.Decimal");
            assertThat(creditLimit.getPrecision()).isEqualTo(18);
            assertThat(creditLimit.getScale()).isEqualTo(2);
            assertThat(customer.getStructuralProperty("mserp_customeraccount").getMaxLength())
                    .isEqualTo(20);
            assertThat(customer.getStructuralProperty("mserp_customeraccount").isNullable())
                    .isFalse();
            assertThat(customer.getStructuralProperty("mserp_addresscity").isNullable())
                    .isTrue();
            // option sets are Edm.Int32, as Dataverse serves them (issue 12); no enum types are declared
            assertThat(customer.getStructuralProperty("mserp_creditstatus")
                            .getType()
                            .getFullQualifiedName())
                    .isEqualTo(EdmPrimitiveTypeKind.Int32.getFullQualifiedName());
            for (OptionSet optionSet : catalog.optionSets().values()) {
                assertThat(edm.getEnumType(new FullQualifiedName(NAMESPACE, optionSet.name())))
                        .as(optionSet.name())
                        .isNull();
            }
        }

        @Test
        void readsAnEntitySetWithTopSelectFilterAndOrderBy() throws SQLException {
            URI uri = client.newURIBuilder(gateway.serviceRoot())
                    .appendEntitySetSegment(CUSTOMERS)
                    .select("mserp_customeraccount", "mserp_name", "mserp_creditlimit")
                    .filter(client.getFilterFactory()
                            .and(
                                    client.getFilterFactory().eq("mserp_dataareaid", "demf"),
                                    client.getFilterFactory().ge("mserp_creditlimit", new BigDecimal("100000"))))
                    .orderBy("mserp_customeraccount desc")
                    .top(7)
                    .build();
            ClientEntitySet page = retrieve(uri).page();

            List<List<String>> expected = new ArrayList<>();
            try (Connection connection = backend.connect();
                    PreparedStatement statement = connection.prepareStatement(
                            "SELECT id, account_num, name, credit_limit FROM erp.customer WHERE data_area_id = ? AND credit_limit >= ? ORDER BY account_num DESC LIMIT 7")) {
                statement.setString(1, "demf");
                statement.setBigDecimal(2, new BigDecimal("100000"));
                try (ResultSet rows = statement.executeQuery()) {
                    while (rows.next()) {
                        expected.add(List.of(
                                rows.getObject(1).toString(),
                                rows.getString(2),
                                rows.getString(3),
                                rows.getBigDecimal(4).toPlainString()));
                    }
                }
            }
            assertThat(expected).hasSize(7);
            List<List<String>> actual = new ArrayList<>();
            for (ClientEntity entity : page.getEntities()) {
                assertThat(entity.getProperties())
                        .extracting(ClientProperty::getName)
                        .containsExactlyInAnyOrder(
                                "mserp_custcustomerv3entityid",
                                "mserp_customeraccount",
                                "mserp_name",
                                "mserp_creditlimit");
                actual.add(List.of(
                        text(entity, "mserp_custcustomerv3entityid"),
                        text(entity, "mserp_customeraccount"),
                        text(entity, "mserp_name"),
                        new BigDecimal(text(entity, "mserp_creditlimit"))
                                .setScale(2)
                                .toPlainString()));
            }
            assertThat(actual).containsExactlyElementsOf(expected);
            assertThat(page.getNext()).as("$top without a page preference").isNull();
        }

        @Test
        void expandsTheCustomerOfEachSalesOrder() throws SQLException {
            URI uri = client.newURIBuilder(gateway.serviceRoot())
                    .appendEntitySetSegment(SALES_ORDERS)
                    .select("mserp_salesordernumber")
                    .expandWithSelect("mserp_Customer", "mserp_customeraccount")
                    .filter(client.getFilterFactory().eq("mserp_dataareaid", "gbsi"))
                    .orderBy("mserp_salesordernumber")
                    .top(5)
                    .build();
            ClientEntitySet page = retrieve(uri).page();
            List<List<String>> expected = new ArrayList<>();
            try (Connection connection = backend.connect();
                    PreparedStatement statement = connection.prepareStatement(
                            "SELECT o.sales_order_number, c.account_num FROM erp.sales_order_header o JOIN erp.customer c"
                                    + " ON c.id = o.customer_id WHERE o.data_area_id = 'gbsi'"
                                    + " ORDER BY o.sales_order_number LIMIT 5");
                    ResultSet rows = statement.executeQuery()) {
                while (rows.next()) {
                    expected.add(List.of(rows.getString(1), rows.getString(2)));
                }
            }
            List<List<String>> actual = new ArrayList<>();
            for (ClientEntity order : page.getEntities()) {
                // Without $metadata at hand, a generic client reads the inline entity as a structured value
                // (minimal metadata carries no navigationLink annotation to tell it apart).
                String account = order.getProperty("mserp_Customer")
                        .getComplexValue()
                        .get("mserp_customeraccount")
                        .getPrimitiveValue()
                        .toString();
                actual.add(List.of(text(order, "mserp_salesordernumber"), account));
            }
            assertThat(expected).hasSize(5);
            assertThat(actual).containsExactlyElementsOf(expected);
        }

        @Test
        void expandsTheSalesOrdersOfACustomer() throws SQLException {
            String customer;
            List<String> expected = new ArrayList<>();
            try (Connection connection = backend.connect();
                    PreparedStatement statement = connection.prepareStatement(
                            "SELECT c.id, o.sales_order_number FROM erp.customer c JOIN erp.sales_order_header o"
                                    + " ON o.customer_id = c.id WHERE c.id = (SELECT customer_id FROM erp.sales_order_header"
                                    + " ORDER BY customer_id LIMIT 1) ORDER BY o.sales_order_number DESC LIMIT 2");
                    ResultSet rows = statement.executeQuery()) {
                rows.next();
                customer = rows.getString(1);
                expected.add(rows.getString(2));
                if (rows.next()) {
                    expected.add(rows.getString(2));
                }
            }
            java.util.Map<org.apache.olingo.client.api.uri.QueryOption, Object> options =
                    new java.util.LinkedHashMap<>();
            options.put(org.apache.olingo.client.api.uri.QueryOption.SELECT, "mserp_salesordernumber");
            options.put(org.apache.olingo.client.api.uri.QueryOption.ORDERBY, "mserp_salesordernumber desc");
            options.put(org.apache.olingo.client.api.uri.QueryOption.TOP, 2);
            URI uri = client.newURIBuilder(gateway.serviceRoot())
                    .appendEntitySetSegment(CUSTOMERS)
                    .appendKeySegment(java.util.UUID.fromString(customer))
                    .select("mserp_customeraccount")
                    .expandWithOptions("mserp_SalesOrders", options)
                    .build();
            ODataRetrieveResponse<ClientEntity> response =
                    client.getRetrieveRequestFactory().getEntityRequest(uri).execute();
            ClientEntity entity;
            try {
                assertThat(response.getStatusCode()).isEqualTo(200);
                entity = response.getBody();
            } finally {
                response.close();
            }
            List<String> actual = new ArrayList<>();
            // Without $metadata at hand, a generic client reads the inline collection as a collection of
            // structured values.
            entity.getProperty("mserp_SalesOrders")
                    .getCollectionValue()
                    .forEach(order -> actual.add(order.asComplex()
                            .get("mserp_salesordernumber")
                            .getPrimitiveValue()
                            .toString()));
            assertThat(actual).isNotEmpty().containsExactlyElementsOf(expected);
        }

        @Test
        void filtersAndReadsSalesOrdersByTheirCustomerLookup() throws SQLException {
            UUID customer;
            List<String> expected = new ArrayList<>();
            try (Connection connection = backend.connect()) {
                try (PreparedStatement statement = connection.prepareStatement(
                                "SELECT customer_id FROM erp.sales_order_header ORDER BY sales_order_number LIMIT 1");
                        ResultSet rows = statement.executeQuery()) {
                    assertThat(rows.next()).isTrue();
                    customer = rows.getObject(1, UUID.class);
                }
                try (PreparedStatement statement = connection.prepareStatement(
                        "SELECT sales_order_number FROM erp.sales_order_header WHERE customer_id = ?"
                                + " ORDER BY sales_order_number")) {
                    statement.setObject(1, customer);
                    try (ResultSet rows = statement.executeQuery()) {
                        while (rows.next()) {
                            expected.add(rows.getString(1));
                        }
                    }
                }
            }
            URI uri = client.newURIBuilder(gateway.serviceRoot())
                    .appendEntitySetSegment(SALES_ORDERS)
                    .select("mserp_salesordernumber", "_mserp_customerid_value")
                    .filter(client.getFilterFactory().eq("_mserp_customerid_value", customer))
                    .orderBy("mserp_salesordernumber")
                    .build();
            List<String> actual = new ArrayList<>();
            for (ClientEntity order : retrieve(uri).page().getEntities()) {
                assertThat(text(order, "_mserp_customerid_value")).isEqualTo(customer.toString());
                actual.add(text(order, "mserp_salesordernumber"));
            }
            assertThat(actual).isNotEmpty().containsExactlyElementsOf(expected);
        }

        static Stream<String> entitySets() {
            return Stream.of(
                    "mserp_legalentities",
                    "mserp_custcustomergroupentities",
                    CUSTOMERS,
                    "mserp_vendvendorv2entities",
                    "mserp_ecoresreleasedproductv2entities",
                    SALES_ORDERS,
                    "mserp_salesorderlinev2entities");
        }

        @ParameterizedTest
        @MethodSource("entitySets")
        void readsOneEntityByKeyAsStoredInTheDatabase(String entitySetName) throws SQLException {
            EntityDefinition entity = catalog.byEntitySet(entitySetName).orElseThrow();
            // stored fields only: a derived one (the lookup of a relation over several fields, computed from
            // the row's columns) has no column of its own; CompositeRelationIT checks it against SQL
            List<FieldDefinition> fields = entity.fields().stream()
                    .filter(field -> field.derived().isEmpty())
                    .toList();
            String columns = fields.stream().map(FieldDefinition::column).collect(Collectors.joining(", "));
            Map<String, Object> stored = new LinkedHashMap<>();
            try (Connection connection = backend.connect();
                    PreparedStatement statement = connection.prepareStatement("SELECT " + columns + " FROM "
                            + entity.table() + " ORDER BY version_number DESC, id LIMIT 1 OFFSET 2");
                    ResultSet rows = statement.executeQuery()) {
                assertThat(rows.next()).isTrue();
                for (FieldDefinition field : fields) {
                    stored.put(property(entity, field), jdbcValue(rows, field));
                }
            }
            UUID key = (UUID) stored.get(entity.keyField());
            URI uri = client.newURIBuilder(gateway.serviceRoot())
                    .appendEntitySetSegment(entitySetName)
                    .appendKeySegment(key)
                    .build();
            ODataEntityRequest<ClientEntity> request =
                    client.getRetrieveRequestFactory().getEntityRequest(uri);
            ODataRetrieveResponse<ClientEntity> response = request.execute();
            try {
                assertThat(response.getStatusCode()).isEqualTo(200);
                ClientEntity read = response.getBody();
                assertThat(read.getProperties())
                        .extracting(ClientProperty::getName)
                        .containsAll(stored.keySet())
                        .hasSize(entity.fields().size());
                for (FieldDefinition field : fields) {
                    assertThat(clientValue(read, property(entity, field), field))
                            .as("%s.%s", entity.logicalName(), field.logicalName())
                            .isEqualTo(stored.get(property(entity, field)));
                }
            } finally {
                response.close();
            }
        }

        @Test
        void createsUpdatesAndDeletesARecord() throws SQLException {
            ClientEntity entity = customer(
                    "mserp_dataareaid",
                    "usmf",
                    "mserp_customeraccount",
                    "OC-" + kind.name().substring(0, 2),
                    "mserp_name",
                    "Olingo client");
            URI set = client.newURIBuilder(gateway.serviceRoot())
                    .appendEntitySetSegment("mserp_custcustomerv3entities")
                    .build();
            var create = client.getCUDRequestFactory().getEntityCreateRequest(set, entity);
            create.setPrefer(client.newPreferences().returnRepresentation());
            var created = create.execute();
            UUID key;
            try {
                assertThat(created.getStatusCode()).isEqualTo(201);
                key = UUID.fromString(created.getBody()
                        .getProperty("mserp_custcustomerv3entityid")
                        .getPrimitiveValue()
                        .toString());
                assertThat(created.getBody()
                                .getProperty("mserp_name")
                                .getPrimitiveValue()
                                .toString())
                        .isEqualTo("Olingo client");
            } finally {
                created.close();
            }
            assertThat(storedName(key)).isEqualTo("Olingo client");

            ClientEntity change = customer("mserp_name", "Olingo renamed");
            URI one = client.newURIBuilder(gateway.serviceRoot())
                    .appendEntitySetSegment("mserp_custcustomerv3entities")
                    .appendKeySegment(key)
                    .build();
            var update = client.getCUDRequestFactory()
                    .getEntityUpdateRequest(
                            one, org.apache.olingo.client.api.communication.request.cud.UpdateType.PATCH, change);
            update.setIfMatch("W/\"1\"");
            var updated = update.execute();
            assertThat(updated.getStatusCode()).isEqualTo(204);
            updated.close();
            assertThat(storedName(key)).isEqualTo("Olingo renamed");

            var deleted = client.getCUDRequestFactory().getDeleteRequest(one).execute();
            assertThat(deleted.getStatusCode()).isEqualTo(204);
            deleted.close();
            assertThat(storedName(key)).isNull();
        }

        @Test
        void sendsAChangesetAndAReadInOneBatch() throws SQLException {
            String account = "OB-" + kind.name().substring(0, 2);
            ClientEntity entity = customer(
                    "mserp_dataareaid", "usmf", "mserp_customeraccount", account, "mserp_name", "Olingo batch");
            ClientEntity change = customer("mserp_name", "Olingo batch renamed");
            URI set = client.newURIBuilder(gateway.serviceRoot())
                    .appendEntitySetSegment(CUSTOMERS)
                    .build();

            var batch = client.getBatchRequestFactory().getBatchRequest(gateway.serviceRoot());
            var payload = batch.payloadManager();
            var changeset = payload.addChangeset();
            changeset.addRequest(client.getCUDRequestFactory().getEntityCreateRequest(set, entity));
            changeset.addRequest(client.getCUDRequestFactory()
                    .getEntityUpdateRequest(
                            URI.create("$1"),
                            org.apache.olingo.client.api.communication.request.cud.UpdateType.PATCH,
                            change));
            payload.addRequest(client.getRetrieveRequestFactory()
                    .getEntitySetRequest(client.newURIBuilder(gateway.serviceRoot())
                            .appendEntitySetSegment(CUSTOMERS)
                            .filter("mserp_customeraccount eq '" + account + "'")
                            .build()));
            var response = payload.getResponse();

            assertThat(response.getStatusCode()).isEqualTo(200);
            var items = response.getBody();
            var written = items.next();
            assertThat(written.isChangeset()).isTrue();
            assertThat(written.next().getStatusCode()).as("create").isEqualTo(204);
            assertThat(written.next().getStatusCode()).as("update of $1").isEqualTo(204);
            var read = items.next();
            assertThat(read.isChangeset()).isFalse();
            @SuppressWarnings("unchecked")
            ODataRetrieveResponse<ClientEntitySet> page = (ODataRetrieveResponse<ClientEntitySet>) read.next();
            assertThat(page.getStatusCode()).isEqualTo(200);
            assertThat(page.getBody().getEntities())
                    .singleElement()
                    .satisfies(found -> assertThat(text(found, "mserp_name")).isEqualTo("Olingo batch renamed"));
            response.close();
            UUID key = UUID.fromString(text(page.getBody().getEntities().get(0), "mserp_custcustomerv3entityid"));
            assertThat(storedName(key)).isEqualTo("Olingo batch renamed");
            client.getCUDRequestFactory()
                    .getDeleteRequest(client.newURIBuilder(gateway.serviceRoot())
                            .appendEntitySetSegment(CUSTOMERS)
                            .appendKeySegment(key)
                            .build())
                    .execute()
                    .close();
        }

        @Test
        void invokesABoundActionThatReturnsAValue() throws SQLException {
            UUID customer;
            BigDecimal expected;
            try (Connection connection = backend.connect();
                    PreparedStatement statement = connection.prepareStatement(
                            "SELECT c.id, c.credit_limit - COALESCE((SELECT SUM(h.total_amount) FROM erp.sales_order_header h WHERE h.customer_id = c.id AND h.status < 2), 0)"
                                    + " FROM erp.customer c WHERE c.credit_limit IS NOT NULL ORDER BY c.account_num LIMIT 1");
                    ResultSet rows = statement.executeQuery()) {
                assertThat(rows.next()).isTrue();
                customer = rows.getObject(1, UUID.class);
                expected = rows.getBigDecimal(2);
            }
            URI uri = client.newURIBuilder(gateway.serviceRoot())
                    .appendEntitySetSegment("mserp_custcustomerv3entities")
                    .appendKeySegment(customer)
                    .appendOperationCallSegment("Microsoft.Dynamics.CRM.mserp_CreditAvailable")
                    .build();
            var invoke = client.getInvokeRequestFactory().getActionInvokeRequest(uri, ClientProperty.class);
            var response = invoke.execute();
            try {
                assertThat(response.getStatusCode()).isEqualTo(200);
                assertThat(new BigDecimal(response.getBody().getPrimitiveValue().toString()))
                        .isEqualByComparingTo(expected);
            } finally {
                response.close();
            }
        }

        /** A customer entity with the given string properties (name, value, name, value, …). */
        private ClientEntity customer(String... properties) {
            var factory = client.getObjectFactory();
            ClientEntity entity = factory.newEntity(new FullQualifiedName(NAMESPACE, "mserp_custcustomerv3entity"));
            for (int i = 0; i < properties.length; i += 2) {
                entity.getProperties()
                        .add(factory.newPrimitiveProperty(
                                properties[i],
                                factory.newPrimitiveValueBuilder().buildString(properties[i + 1])));
            }
            return entity;
        }

        private String storedName(UUID key) throws SQLException {
            try (Connection connection = backend.connect();
                    PreparedStatement statement =
                            connection.prepareStatement("SELECT name FROM erp.customer WHERE id = ?")) {
                statement.setObject(1, key);
                try (ResultSet rows = statement.executeQuery()) {
                    return rows.next() ? rows.getString(1) : null;
                }
            }
        }

        @Test
        void followsServerDrivenPagingAndSeesEveryRowOnce() throws SQLException {
            URI first = client.newURIBuilder(gateway.serviceRoot())
                    .appendEntitySetSegment(SALES_ORDERS)
                    .select("mserp_salesordernumber", "mserp_dataareaid")
                    .filter(client.getFilterFactory()
                            .or(
                                    client.getFilterFactory().eq("mserp_dataareaid", "usmf"),
                                    client.getFilterFactory().eq("mserp_dataareaid", "gbsi")))
                    .build();
            List<String> keys = new ArrayList<>();
            List<Integer> pageSizes = new ArrayList<>();
            URI next = first;
            while (next != null) {
                Page page = retrieve(next, "odata.maxpagesize=40");
                assertThat(page.preferenceApplied()).containsExactly("odata.maxpagesize=40");
                pageSizes.add(page.page().getEntities().size());
                for (ClientEntity entity : page.page().getEntities()) {
                    assertThat(text(entity, "mserp_dataareaid")).isIn("usmf", "gbsi");
                    keys.add(text(entity, "mserp_salesorderheaderv2entityid"));
                }
                next = page.page().getNext();
                assertThat(pageSizes).as("runaway paging").hasSizeLessThan(100);
            }
            Set<String> expected = new HashSet<>();
            try (Connection connection = backend.connect();
                    PreparedStatement statement = connection.prepareStatement(
                            "SELECT id FROM erp.sales_order_header WHERE data_area_id IN ('usmf', 'gbsi')");
                    ResultSet rows = statement.executeQuery()) {
                while (rows.next()) {
                    expected.add(rows.getObject(1).toString());
                }
            }
            assertThat(expected).hasSize(350);
            assertThat(keys).doesNotHaveDuplicates().containsExactlyInAnyOrderElementsOf(expected);
            assertThat(pageSizes).hasSize(9);
            assertThat(pageSizes.subList(0, 8)).containsOnly(40);
            assertThat(pageSizes.get(8)).isEqualTo(30);
        }

        private Edm metadata() {
            ODataRetrieveResponse<Edm> response = client.getRetrieveRequestFactory()
                    .getMetadataRequest(gateway.serviceRoot())
                    .execute();
            try {
                assertThat(response.getStatusCode()).isEqualTo(200);
                return response.getBody();
            } finally {
                response.close();
            }
        }

        private record Page(ClientEntitySet page, List<String> preferenceApplied) {}

        private Page retrieve(URI uri) {
            return retrieve(uri, null);
        }

        private Page retrieve(URI uri, String prefer) {
            ODataEntitySetRequest<ClientEntitySet> request =
                    client.getRetrieveRequestFactory().getEntitySetRequest(uri);
            if (prefer != null) {
                request.setPrefer(prefer);
            }
            ODataRetrieveResponse<ClientEntitySet> response = request.execute();
            try {
                assertThat(response.getStatusCode()).isEqualTo(200);
                ClientEntitySet body = response.getBody();
                return new Page(
                        body,
                        List.copyOf(Optional.ofNullable(response.getHeader("Preference-Applied"))
                                .orElse(List.of())));
            } finally {
                response.close();
            }
        }

        private void assertProperty(EntityDefinition entity, FieldDefinition field, EdmProperty property) {
            String name = entity.logicalName() + "." + field.logicalName();
            assertThat(property).as(name).isNotNull();
            FieldType type = field.type();
            FullQualifiedName expectedType =
                    switch (type.kind()) {
                        case STRING, MULTI_ENUM -> EdmPrimitiveTypeKind.String.getFullQualifiedName();
                        case INT32 -> EdmPrimitiveTypeKind.Int32.getFullQualifiedName();
                        case INT64 -> EdmPrimitiveTypeKind.Int64.getFullQualifiedName();
                        case DECIMAL -> EdmPrimitiveTypeKind.Decimal.getFullQualifiedName();
                        case DOUBLE -> EdmPrimitiveTypeKind.Double.getFullQualifiedName();
                        case BOOLEAN -> EdmPrimitiveTypeKind.Boolean.getFullQualifiedName();
                        case DATE -> EdmPrimitiveTypeKind.Date.getFullQualifiedName();
                        case DATE_TIME_OFFSET -> EdmPrimitiveTypeKind.DateTimeOffset.getFullQualifiedName();
                        case GUID -> EdmPrimitiveTypeKind.Guid.getFullQualifiedName();
                        case ENUM -> EdmPrimitiveTypeKind.Int32.getFullQualifiedName();
                    };
            assertThat(property.getType().getFullQualifiedName()).as(name).isEqualTo(expectedType);
            assertThat(property.isNullable())
                    .as(name + " nullable")
                    .isEqualTo(!field.required() && !field.logicalName().equals(entity.keyField()));
            assertThat(property.getMaxLength())
                    .as(name + " MaxLength")
                    .isEqualTo(type.maxLength().isPresent() ? type.maxLength().getAsInt() : null);
            assertThat(property.getPrecision())
                    .as(name + " Precision")
                    .isEqualTo(type.precision().isPresent() ? type.precision().getAsInt() : null);
            assertThat(property.getScale())
                    .as(name + " Scale")
                    .isEqualTo(type.scale().isPresent() ? type.scale().getAsInt() : null);
        }

        /** The database value in a comparable Java form for the field's catalog type. */
        private Object jdbcValue(ResultSet rows, FieldDefinition field) throws SQLException {
            String column = field.column();
            Object value =
                    switch (field.type().kind()) {
                        case STRING, MULTI_ENUM -> rows.getString(column);
                        case INT32, INT64 -> rows.getObject(column) == null ? null : rows.getLong(column);
                        case DECIMAL -> rows.getBigDecimal(column) == null
                                ? null
                                : rows.getBigDecimal(column).stripTrailingZeros();
                        case DOUBLE -> rows.getObject(column) == null ? null : rows.getDouble(column);
                        case BOOLEAN -> rows.getObject(column) == null ? null : rows.getBoolean(column);
                        case DATE -> rows.getObject(column, LocalDate.class);
                        case DATE_TIME_OFFSET -> Optional.ofNullable(rows.getObject(column, OffsetDateTime.class))
                                .map(OffsetDateTime::toInstant)
                                .orElse(null);
                        case GUID -> rows.getObject(column, UUID.class);
                        case ENUM -> rows.getObject(column) == null
                                ? null
                                : (long) catalog.optionSet(
                                                field.type().optionSet().orElseThrow())
                                        .orElseThrow()
                                        .byStored(rows.getInt(column))
                                        .map(OptionSet.Member::value)
                                        .orElseThrow();
                    };
            return value;
        }

        /** The OData property of a field: {@code _<field>_value} for the foreign key of a relation (a lookup). */
        private String property(EntityDefinition entity, FieldDefinition field) {
            return lookups.propertyName(entity.logicalName(), field.logicalName());
        }

        /** The value the client read (property {@code name}), in the same form as {@link #jdbcValue}. */
        private Object clientValue(ClientEntity entity, String name, FieldDefinition field) {
            ClientProperty property = entity.getProperty(name);
            if (property == null || property.hasNullValue()) {
                return null;
            }
            String text = text(entity, name);
            Function<String, Object> parse =
                    switch (field.type().kind()) {
                        case STRING, MULTI_ENUM -> value -> value;
                        case INT32, INT64, ENUM -> value -> new BigDecimal(value).longValueExact();
                        case DECIMAL -> value -> new BigDecimal(value).stripTrailingZeros();
                        case DOUBLE -> Double::parseDouble;
                        case BOOLEAN -> Boolean::parseBoolean;
                        case DATE -> LocalDate::parse;
                        case DATE_TIME_OFFSET -> value ->
                                OffsetDateTime.parse(value).toInstant();
                        case GUID -> UUID::fromString;
                    };
            return parse.apply(text);
        }

        private static String text(ClientEntity entity, String name) {
            ClientProperty property = entity.getProperty(name);
            assertThat(property).as(name).isNotNull();
            if (property.hasEnumValue()) {
                return property.getEnumValue().getValue();
            }
            return property.getPrimitiveValue().toString();
        }
    }

    /**
     * Apache HttpClient 4 clients for Olingo: TLS trusting only the test certificate with the
     * hostname verified, and the S2S token and caller header on every request.
     */
    static final class CallerHttpClientFactory implements HttpClientFactory {
        private final SSLContext sslContext;
        private final String token;
        private final UUID callerId;

        CallerHttpClientFactory(SSLContext sslContext, String token, UUID callerId) {
            this.sslContext = sslContext;
            this.token = token;
            this.callerId = callerId;
        }

        @Override
        public HttpClient create(HttpMethod method, URI uri) {
            HttpRequestInterceptor caller = (request, context) -> {
                request.setHeader("Authorization", "Bearer " + token);
                request.setHeader("MSCRMCallerID", callerId.toString());
            };
            return HttpClients.custom()
                    .setSSLSocketFactory(new SSLConnectionSocketFactory(sslContext, new DefaultHostnameVerifier()))
                    .addInterceptorFirst(caller)
                    .setUserAgent("vegateway-it (Apache Olingo client)")
                    .build();
        }

        @Override
        public void close(HttpClient httpClient) {
            try {
                ((CloseableHttpClient) httpClient).close();
            } catch (java.io.IOException e) {
                throw new java.io.UncheckedIOException(e);
            }
        }
    }
}
