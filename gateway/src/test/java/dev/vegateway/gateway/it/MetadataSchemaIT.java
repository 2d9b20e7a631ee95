package dev.vegateway.gateway.it;

import static java.nio.charset.StandardCharsets.UTF_8;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.vegateway.catalog.Catalog;
import dev.vegateway.catalog.CatalogLoader;
import dev.vegateway.catalog.EntityDefinition;
import dev.vegateway.config.ConfigLoader;
import dev.vegateway.config.GatewayConfig;
import dev.vegateway.config.GatewayConfig.BackendKind;
import dev.vegateway.gateway.demo.DemoCertificate;
import dev.vegateway.gateway.demo.DemoIdentities;
import dev.vegateway.gateway.server.Gateway;
import io.restassured.response.Response;
import java.io.ByteArrayInputStream;
import java.io.InputStream;
import java.io.Reader;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.KeyStore;
import java.security.cert.CertificateFactory;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.stream.Stream;
import javax.net.ssl.SSLContext;
import javax.net.ssl.TrustManagerFactory;
import javax.xml.XMLConstants;
import javax.xml.parsers.DocumentBuilderFactory;
import javax.xml.transform.stream.StreamSource;
import javax.xml.validation.Schema;
import javax.xml.validation.SchemaFactory;
import javax.xml.validation.Validator;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.w3c.dom.Document;
import org.w3c.dom.Element;
import org.w3c.dom.NodeList;
import org.w3c.dom.ls.LSInput;
import org.w3c.dom.ls.LSResourceResolver;
import org.xml.sax.SAXException;
import org.xml.sax.SAXParseException;

/**
 * {@code $metadata} over HTTPS is CSDL XML valid against the OASIS EDMX/EDM schemas (SPEC 3),
 * lists exactly the visible catalog entities plus the catalog entity set, and hides entities the
 * catalog marks invisible. The schemas come from the test class path only, never the network.
 */
class MetadataSchemaIT {
    private static final String EDMX = "http://docs.oasis-open.org/odata/ns/edmx";
    private static final String EDM = "http://docs.oasis-open.org/odata/ns/edm";
    private static final String NAMESPACE = "Microsoft.Dynamics.CRM";
    private static final String CATALOG_SET = "mserp_financeandoperationsentities";
    private static final String HIDDEN_ENTITY = "mserp_legalentity";
    private static final String HIDDEN_SET = "mserp_legalentities";

    private static TestBackend backend;
    private static TestGateway gateway;
    private static Schema schema;

    @BeforeAll
    static void start() throws Exception {
        backend = TestBackend.shared(BackendKind.H2, "odata-read");
        gateway = TestGateway.start(backend, null);
        schema = csdlSchema();
    }

    @AfterAll
    static void stop() throws Exception {
        if (gateway != null) {
            gateway.close();
        }
    }

    @Test
    void metadataIsValidCsdl() throws Exception {
        byte[] metadata = metadata();
        validate(metadata);
        Document document = parse(metadata);
        Element root = document.getDocumentElement();
        assertThat(root.getNamespaceURI()).isEqualTo(EDMX);
        assertThat(root.getLocalName()).isEqualTo("Edmx");
        assertThat(root.getAttribute("Version")).isEqualTo("4.0");
        List<Element> schemas = elements(document, EDM, "Schema");
        assertThat(schemas)
                .extracting(schema -> schema.getAttribute("Namespace"))
                .containsExactly(NAMESPACE);
        assertThat(elements(document, EDM, "EntityContainer"))
                .extracting(container -> container.getAttribute("Name"))
                .containsExactly("System");
    }

    @Test
    void metadataListsTheVisibleCatalogEntitiesAndTheCatalogEntitySet() throws Exception {
        Document document = parse(metadata());
        Catalog catalog = CatalogLoader.load(gateway.folder().resolve("catalog.yaml"));
        List<EntityDefinition> visible =
                catalog.entities().stream().filter(EntityDefinition::visible).toList();
        assertThat(visible).isNotEmpty();
        assertThat(names(document, "EntityType"))
                .containsExactlyInAnyOrderElementsOf(Stream.concat(
                                visible.stream().map(EntityDefinition::logicalName),
                                Stream.of(
                                        "mserp_financeandoperationsentity",
                                        "msdyn_externalportalusermapping",
                                        "msdyn_externalportalusermappingaudit",
                                        "vegateway_dataaudit",
                                        "systemuser",
                                        "businessunit",
                                        "team",
                                        "role",
                                        "privilege"))
                        .toList());
        assertThat(names(document, "EntitySet"))
                .containsExactlyInAnyOrderElementsOf(Stream.concat(
                                visible.stream().map(EntityDefinition::entitySetName),
                                Stream.of(
                                        CATALOG_SET,
                                        "msdyn_externalportalusermappings",
                                        "msdyn_externalportalusermappingaudits",
                                        "vegateway_dataaudits",
                                        "systemusers",
                                        "businessunits",
                                        "teams",
                                        "roles",
                                        "privileges"))
                        .toList());
        assertThat(names(document, "EnumType"))
                .as("option sets are Edm.Int32, as Dataverse serves them (issue 12); the only enum type is the"
                        + " privilege depth of the role operations")
                .containsExactly("PrivilegeDepth");
    }

    @Test
    void theRoleOperationsAreDeclaredAsDataverseDeclaresThem() throws Exception {
        // types are written with the schema's alias, mscrm, as Dataverse writes them
        Document document = parse(metadata());
        Map<String, Element> actions = new java.util.HashMap<>();
        elements(document, EDM, "Action").forEach(action -> actions.put(action.getAttribute("Name"), action));
        for (String name : List.of("AddPrivilegesRole", "ReplacePrivilegesRole", "RemovePrivilegeRole")) {
            assertThat(actions).as(name).containsKey(name);
            assertThat(actions.get(name).getAttribute("IsBound")).isEqualTo("true");
            assertThat(parameters(actions.get(name)).get("entity")).isEqualTo("mscrm.role");
        }
        assertThat(parameters(actions.get("AddPrivilegesRole")).get("Privileges"))
                .isEqualTo("Collection(mscrm.RolePrivilege)");
        assertThat(parameters(actions.get("RemovePrivilegeRole")).get("PrivilegeId"))
                .isEqualTo("Edm.Guid");
        Element retrieve = elements(document, EDM, "Function").stream()
                .filter(function -> function.getAttribute("Name").equals("RetrieveRolePrivilegesRole"))
                .findFirst()
                .orElseThrow();
        assertThat(retrieve.getAttribute("IsBound")).isEqualTo("true");
        assertThat(elements(retrieve, "ReturnType").get(0).getAttribute("Type"))
                .isEqualTo("mscrm.RetrieveRolePrivilegesRoleResponse");
        assertThat(names(document, "ComplexType")).contains("RolePrivilege", "RetrieveRolePrivilegesRoleResponse");
    }

    private static Map<String, String> parameters(Element operation) {
        Map<String, String> parameters = new java.util.LinkedHashMap<>();
        elements(operation, "Parameter")
                .forEach(parameter -> parameters.put(parameter.getAttribute("Name"), parameter.getAttribute("Type")));
        return parameters;
    }

    @Test
    void everyRelationIsASingleValuedNavigationPropertyWithACollectionValuedPartner() throws Exception {
        Document document = parse(metadata());
        Element order = child(document, "EntityType", "mserp_salesorderheaderv2entity");
        Element customer = child(document, "EntityType", "mserp_custcustomerv3entity");
        Element single = child(order, "NavigationProperty", "mserp_Customer");
        assertThat(single.getAttribute("Type")).isEqualTo("mscrm.mserp_custcustomerv3entity");
        assertThat(single.getAttribute("Partner")).isEqualTo("mserp_SalesOrders");
        assertThat(elements(single, "ReferentialConstraint"))
                .extracting(constraint ->
                        constraint.getAttribute("Property") + "->" + constraint.getAttribute("ReferencedProperty"))
                .containsExactly("_mserp_customerid_value->mserp_custcustomerv3entityid");
        Element collection = child(customer, "NavigationProperty", "mserp_SalesOrders");
        assertThat(collection.getAttribute("Type")).isEqualTo("Collection(mscrm.mserp_salesorderheaderv2entity)");
        assertThat(collection.getAttribute("Partner")).isEqualTo("mserp_Customer");
        assertThat(collection.hasAttribute("Nullable")).isFalse();
        assertThat(child(order, "NavigationProperty", "mserp_Lines").getAttribute("Partner"))
                .isEqualTo("mserp_SalesOrder");
        Element customers = child(document, "EntitySet", "mserp_custcustomerv3entities");
        assertThat(elements(customers, "NavigationPropertyBinding"))
                .extracting(binding -> binding.getAttribute("Path") + "->" + binding.getAttribute("Target"))
                .contains("mserp_SalesOrders->mserp_salesorderheaderv2entities");
    }

    private static Element child(Document document, String kind, String name) {
        return elements(document, EDM, kind).stream()
                .filter(element -> element.getAttribute("Name").equals(name))
                .findFirst()
                .orElseThrow(() -> new AssertionError("no " + kind + " named " + name));
    }

    private static Element child(Element parent, String kind, String name) {
        return elements(parent, kind).stream()
                .filter(element -> element.getAttribute("Name").equals(name))
                .findFirst()
                .orElseThrow(() -> new AssertionError("no " + kind + " named " + name));
    }

    private static List<Element> elements(Element parent, String kind) {
        NodeList nodes = parent.getElementsByTagNameNS(EDM, kind);
        List<Element> found = new java.util.ArrayList<>();
        for (int i = 0; i < nodes.getLength(); i++) {
            found.add((Element) nodes.item(i));
        }
        return found;
    }

    @Test
    void entitiesTheCatalogMarksInvisibleAreLeftOut() throws Exception {
        String catalogYaml = readResource("demo/catalog.yaml");
        String hidden = catalogYaml.replaceFirst(
                "(entitySetName: " + HIDDEN_SET + "\\n(?:.*\\n)*?\\s+visible: )true", "$1false");
        assertThat(hidden)
                .as("the demo catalog declares %s visible", HIDDEN_SET)
                .isNotEqualTo(catalogYaml);
        Path folder = Files.createTempDirectory("vegateway-it-hidden");
        try (Gateway hiddenGateway = startWithCatalog(folder, hidden)) {
            String token = hiddenGateway
                    .devIssuer()
                    .orElseThrow()
                    .mint(TestGateway.DATAVERSE_APP, Duration.ofMinutes(10), Map.of());
            HttpClient http = HttpClient.newBuilder()
                    .sslContext(trusting(folder.resolve(DemoCertificate.CERTIFICATE_FILE)))
                    .build();
            String root = "https://127.0.0.1:" + hiddenGateway.port() + TestGateway.SERVICE_PATH + "/";

            HttpResponse<byte[]> metadata = http.send(
                    HttpRequest.newBuilder(URI.create(root + "$metadata"))
                            .header("Authorization", "Bearer " + token)
                            .build(),
                    HttpResponse.BodyHandlers.ofByteArray());
            assertThat(metadata.statusCode()).isEqualTo(200);
            validate(metadata.body());
            Document document = parse(metadata.body());
            // the visible catalog entities, the catalog entity set, the two portal mapping sets, the data audit and
            // the five administration sets
            assertThat(names(document, "EntityType"))
                    .hasSize(16)
                    .doesNotContain(HIDDEN_ENTITY)
                    .contains("mserp_custcustomerv3entity");
            assertThat(names(document, "EntitySet"))
                    .hasSize(16)
                    .doesNotContain(HIDDEN_SET)
                    .contains(CATALOG_SET);

            HttpResponse<String> data = http.send(
                    HttpRequest.newBuilder(URI.create(root + HIDDEN_SET + "?$top=1"))
                            .header("Authorization", "Bearer " + token)
                            .header(
                                    "MSCRMCallerID",
                                    DemoIdentities.SAM_SYSTEM_ADMINISTRATOR.id().toString())
                            .build(),
                    HttpResponse.BodyHandlers.ofString());
            assertThat(data.statusCode()).as(data.body()).isEqualTo(404);

            HttpResponse<String> entry = http.send(
                    HttpRequest.newBuilder(URI.create(root + CATALOG_SET
                                    + "?$select=mserp_entitysetname,mserp_hasbeengenerated&$filter=mserp_entitysetname%20eq%20%27"
                                    + HIDDEN_SET + "%27"))
                            .header("Authorization", "Bearer " + token)
                            .build(),
                    HttpResponse.BodyHandlers.ofString());
            assertThat(entry.statusCode()).as(entry.body()).isEqualTo(200);
            assertThat(entry.body())
                    .contains("\"mserp_entitysetname\":\"" + HIDDEN_SET + "\"")
                    .contains("\"mserp_hasbeengenerated\":false");
        }
    }

    @Test
    void theValidatorRejectsBrokenMetadata() throws Exception {
        String metadata = new String(metadata(), UTF_8);
        assertThat(metadata).contains("<PropertyRef ");

        String wrongElement = metadata.replaceFirst("<PropertyRef ", "<PropertyReference ");
        assertThatThrownBy(() -> validate(wrongElement.getBytes(UTF_8)))
                .isInstanceOf(SAXParseException.class)
                .hasMessageContaining("PropertyReference");

        String missingName = metadata.replaceFirst("<EntityType Name=\"[^\"]*\"", "<EntityType");
        assertThatThrownBy(() -> validate(missingName.getBytes(UTF_8)))
                .isInstanceOf(SAXException.class)
                .hasMessageContaining("Name");

        String badFacet = metadata.replaceFirst("MaxLength=\"\\d+\"", "MaxLength=\"lots\"");
        assertThat(badFacet).isNotEqualTo(metadata);
        assertThatThrownBy(() -> validate(badFacet.getBytes(UTF_8))).isInstanceOf(SAXException.class);

        String notXml = metadata.substring(0, metadata.length() / 2);
        assertThatThrownBy(() -> validate(notXml.getBytes(UTF_8))).isInstanceOf(SAXException.class);
    }

    @Test
    void schemaImportsResolveOnlyFromTheClassPath() {
        LSResourceResolver resolver = new ClassPathSchemas();
        assertThat(resolver.resolveResource(
                        XMLConstants.W3C_XML_SCHEMA_NS_URI, EDM, null, "edm.xsd", "file:/elsewhere/edmx.xsd"))
                .isNotNull();
        assertThatThrownBy(() -> resolver.resolveResource(
                        XMLConstants.W3C_XML_SCHEMA_NS_URI,
                        "urn:other",
                        null,
                        "https://docs.oasis-open.org/odata/odata-csdl-xml/v4.01/os/schemas/edm.xsd",
                        null))
                .isInstanceOf(IllegalStateException.class);
    }

    private static byte[] metadata() {
        Response response = gateway.application().get("/$metadata");
        assertThat(response.statusCode()).as(response.asString()).isEqualTo(200);
        assertThat(response.contentType().toLowerCase(Locale.ROOT)).startsWith("application/xml");
        return response.asByteArray();
    }

    private static Schema csdlSchema() throws Exception {
        SchemaFactory factory = SchemaFactory.newInstance(XMLConstants.W3C_XML_SCHEMA_NS_URI);
        factory.setFeature(XMLConstants.FEATURE_SECURE_PROCESSING, true);
        factory.setProperty(XMLConstants.ACCESS_EXTERNAL_DTD, "");
        factory.setProperty(XMLConstants.ACCESS_EXTERNAL_SCHEMA, "");
        factory.setResourceResolver(new ClassPathSchemas());
        try (InputStream edmx = resource("csdl/edmx.xsd")) {
            StreamSource source = new StreamSource(edmx, "classpath:csdl/edmx.xsd");
            return factory.newSchema(source);
        }
    }

    private static void validate(byte[] document) throws Exception {
        Validator validator = schema.newValidator();
        validator.setProperty(XMLConstants.ACCESS_EXTERNAL_DTD, "");
        validator.setProperty(XMLConstants.ACCESS_EXTERNAL_SCHEMA, "");
        validator.setResourceResolver(new ClassPathSchemas());
        validator.validate(new StreamSource(new ByteArrayInputStream(document)));
    }

    private static Document parse(byte[] document) throws Exception {
        DocumentBuilderFactory factory = DocumentBuilderFactory.newInstance();
        factory.setNamespaceAware(true);
        factory.setFeature(XMLConstants.FEATURE_SECURE_PROCESSING, true);
        factory.setFeature("http://apache.org/xml/features/disallow-doctype-decl", true);
        return factory.newDocumentBuilder().parse(new ByteArrayInputStream(document));
    }

    private static List<Element> elements(Document document, String namespace, String localName) {
        NodeList nodes = document.getElementsByTagNameNS(namespace, localName);
        List<Element> elements = new ArrayList<>();
        for (int i = 0; i < nodes.getLength(); i++) {
            elements.add((Element) nodes.item(i));
        }
        return elements;
    }

    private static List<String> names(Document document, String localName) {
        return elements(document, EDM, localName).stream()
                .map(element -> element.getAttribute("Name"))
                .toList();
    }

    private static InputStream resource(String name) {
        InputStream in = MetadataSchemaIT.class.getClassLoader().getResourceAsStream(name);
        if (in == null) {
            throw new IllegalStateException("test resource " + name + " is missing");
        }
        return in;
    }

    private static String readResource(String name) throws Exception {
        try (InputStream in = resource(name)) {
            return new String(in.readAllBytes(), UTF_8);
        }
    }

    /** A gateway like {@link TestGateway}'s but with the given catalog text. */
    private static Gateway startWithCatalog(Path folder, String catalogYaml) throws Exception {
        DemoCertificate.ensure(folder, "test-keystore");
        Files.writeString(folder.resolve("catalog.yaml"), catalogYaml, UTF_8);
        Files.writeString(folder.resolve("security.yaml"), readResource("demo/security.yaml"), UTF_8);
        String yaml =
                """
                server: { host: 127.0.0.1, port: 0 }
                tls: { keystore: %s, keystorePassword: test-keystore }
                admin: { host: 127.0.0.1, port: 0 }
                auth:
                  issuers: [urn:vegateway:dev-issuer]
                  audiences: [urn:vegateway:api]
                  devIssuer: { enabled: true, keyFile: dev-issuer-key.json }
                backend: { kind: h2, url: "%s", username: %s, password: "%s", poolSize: 4 }
                catalog: { file: catalog.yaml }
                security: { file: security.yaml, importOnStart: true }
                limits: { skipTokenSecret: "integration-test-secret-0123456789abcdef" }
                """
                        .formatted(
                                DemoCertificate.KEYSTORE_FILE, backend.url(), backend.username(), backend.password());
        Files.writeString(folder.resolve("vegateway.yaml"), yaml, UTF_8);
        GatewayConfig config = ConfigLoader.load(folder.resolve("vegateway.yaml"), Map.of());
        return Gateway.start(config);
    }

    private static SSLContext trusting(Path certificateFile) throws Exception {
        KeyStore store = KeyStore.getInstance("PKCS12");
        store.load(null, null);
        try (InputStream in = Files.newInputStream(certificateFile)) {
            store.setCertificateEntry(
                    "vegateway-test", CertificateFactory.getInstance("X.509").generateCertificate(in));
        }
        TrustManagerFactory trust = TrustManagerFactory.getInstance(TrustManagerFactory.getDefaultAlgorithm());
        trust.init(store);
        SSLContext context = SSLContext.getInstance("TLS");
        context.init(null, trust.getTrustManagers(), null);
        return context;
    }

    /** Serves the CSDL schemas from {@code csdl/} on the test class path and refuses everything else. */
    private static final class ClassPathSchemas implements LSResourceResolver {
        @Override
        public LSInput resolveResource(
                String type, String namespaceUri, String publicId, String systemId, String baseUri) {
            String file = systemId == null ? null : systemId.substring(systemId.lastIndexOf('/') + 1);
            if (EDM.equals(namespaceUri) && "edm.xsd".equals(file)) {
                return new SchemaInput("classpath:csdl/edm.xsd", publicId, () -> resource("csdl/edm.xsd"));
            }
            throw new IllegalStateException("refusing to load schema " + systemId + " (namespace " + namespaceUri
                    + "): only the bundled CSDL schemas are used");
        }
    }

    private interface Opener {
        InputStream open();
    }

    /** An {@link LSInput} over a class-path resource. */
    private static final class SchemaInput implements LSInput {
        private final String systemId;
        private final String publicId;
        private final Opener opener;

        SchemaInput(String systemId, String publicId, Opener opener) {
            this.systemId = systemId;
            this.publicId = publicId;
            this.opener = opener;
        }

        @Override
        public InputStream getByteStream() {
            return opener.open();
        }

        @Override
        public String getSystemId() {
            return systemId;
        }

        @Override
        public String getPublicId() {
            return publicId;
        }

        @Override
        public Reader getCharacterStream() {
            return null;
        }

        @Override
        public String getStringData() {
            return null;
        }

        @Override
        public String getBaseURI() {
            return null;
        }

        @Override
        public String getEncoding() {
            return null;
        }

        @Override
        public boolean getCertifiedText() {
            return false;
        }

        @Override
        public void setCharacterStream(Reader characterStream) {}

        @Override
        public void setByteStream(InputStream byteStream) {}

        @Override
        public void setStringData(String stringData) {}

        @Override
        public void setSystemId(String systemId) {}

        @Override
        public void setPublicId(String publicId) {}

        @Override
        public void setBaseURI(String baseUri) {}

        @Override
        public void setEncoding(String encoding) {}

        @Override
        public void setCertifiedText(boolean certifiedText) {}
    }
}
