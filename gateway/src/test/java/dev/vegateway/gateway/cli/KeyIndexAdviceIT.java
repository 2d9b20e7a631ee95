package dev.vegateway.gateway.cli;

import static org.assertj.core.api.Assertions.assertThat;

import dev.vegateway.adapter.sql.Dialect;
import dev.vegateway.catalog.Catalog;
import dev.vegateway.catalog.CatalogLoader;
import dev.vegateway.config.GatewayConfig.BackendKind;
import dev.vegateway.gateway.it.TestBackend;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import java.sql.Connection;
import java.sql.Statement;
import java.util.List;
import java.util.Optional;
import org.junit.jupiter.api.Test;

/**
 * {@code vegateway check}'s advice for composite natural keys on PostgreSQL: the expression index
 * statement while the backend has no index that serves a read by the derived GUID, and a line saying
 * the index is there once it has been created (the backend's own plan decides).
 */
class KeyIndexAdviceIT {
    @Test
    void theIndexStatementIsAdvisedUntilTheBackendHasTheIndex() throws Exception {
        Catalog catalog;
        try (InputStream in = KeyIndexAdviceIT.class.getClassLoader().getResourceAsStream("demo/catalog.yaml")) {
            catalog = CatalogLoader.load("demo/catalog.yaml", new String(in.readAllBytes(), StandardCharsets.UTF_8));
        }
        Dialect dialect = Dialect.of(BackendKind.POSTGRESQL);
        TestBackend backend = TestBackend.fresh(BackendKind.POSTGRESQL);
        try (Connection connection = backend.connect()) {
            List<String> before = KeyIndexAdvice.lines(catalog, dialect, "", Optional.of(connection));
            assertThat(before).anySatisfy(line -> assertThat(line)
                    .startsWith("mserp_paymenttermentity (erp.payment_terms), for reads by"));
            String create = before.stream()
                    .map(String::trim)
                    .filter(line -> line.startsWith("CREATE INDEX"))
                    .findFirst()
                    .orElseThrow();
            try (Statement statement = connection.createStatement()) {
                statement.execute(create);
            }

            List<String> after = KeyIndexAdvice.lines(catalog, dialect, "", Optional.of(connection));
            assertThat(after)
                    .containsExactly(
                            "mserp_paymenttermentity (erp.payment_terms): reads by mserp_paymenttermentityid use"
                                    + " an index already");
        }
    }
}
