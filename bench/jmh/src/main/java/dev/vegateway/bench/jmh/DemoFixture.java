package dev.vegateway.bench.jmh;

import static java.nio.charset.StandardCharsets.UTF_8;

import dev.vegateway.adapter.security.SecurityDocument;
import dev.vegateway.adapter.security.SecuritySchema;
import dev.vegateway.adapter.security.SecurityStore;
import dev.vegateway.catalog.Catalog;
import dev.vegateway.catalog.CatalogLoader;
import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.util.Optional;
import java.util.UUID;
import org.h2.jdbcx.JdbcDataSource;

/**
 * What the benchmarks share: the demo's catalog and security data (from the gateway jar), the
 * security data in an in-memory H2 database as the gateway keeps it, and the demo's callers.
 */
final class DemoFixture {
    /** The demo's Dataverse application. */
    static final String DATAVERSE_APPLICATION = "11111111-1111-4111-8111-111111111111";
    /** Bob Clerk's Entra object id: Sales clerk in usmf, Contoso US (row scope on customers). */
    static final String BOB_OBJECT_ID = "00000000-0000-4000-8000-000000000102";

    private DemoFixture() {}

    static Catalog catalog() {
        return CatalogLoader.load("demo/catalog.yaml", resource("demo/catalog.yaml"));
    }

    /** A security store over a new in-memory H2 database holding the demo's security data. */
    static SecurityStore securityStore(Catalog catalog) {
        JdbcDataSource dataSource = new JdbcDataSource();
        dataSource.setURL("jdbc:h2:mem:bench" + UUID.randomUUID().toString().replace("-", "") + ";DB_CLOSE_DELAY=-1");
        SecuritySchema.defaultSchema().createIfMissing(dataSource);
        SecurityStore store = new SecurityStore(dataSource, SecuritySchema.DEFAULT_NAME);
        store.replaceAll(
                SecurityDocument.parse("demo/security.yaml", resource("demo/security.yaml"), Optional.of(catalog)));
        return store;
    }

    private static String resource(String name) {
        try (InputStream in = DemoFixture.class.getClassLoader().getResourceAsStream(name)) {
            if (in == null) {
                throw new IllegalStateException("no " + name + " on the class path (it comes with the gateway jar)");
            }
            return new String(in.readAllBytes(), UTF_8);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }
}
