package dev.vegateway.gateway.cli;

import com.zaxxer.hikari.HikariDataSource;
import dev.vegateway.adapter.jdbc.Backends;
import dev.vegateway.adapter.security.SecurityDocument;
import dev.vegateway.catalog.Catalog;
import dev.vegateway.catalog.CatalogLoader;
import dev.vegateway.catalog.SchemaCheck;
import dev.vegateway.config.ConfigLoader;
import dev.vegateway.config.GatewayConfig;
import dev.vegateway.config.yaml.Problem;
import dev.vegateway.config.yaml.ProblemsException;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.SQLException;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;

@Command(
        name = "check",
        description =
                "Validate the configuration, the catalog (against the backend schema) and the security data; report every problem.")
final class CheckCommand implements Callable<Integer> {
    @Option(names = "--config", description = "The configuration YAML file (default: $VEGATEWAY_CONFIG).")
    Path config;

    @Override
    public Integer call() {
        GatewayConfig loaded = Configs.load(Optional.ofNullable(config));
        System.out.println("Configuration " + loaded.source() + " is valid:");
        System.out.println(ConfigLoader.describe(loaded).indent(2).stripTrailing());
        List<Problem> problems = new ArrayList<>();
        Optional<Catalog> catalog = Optional.empty();
        try {
            catalog = Optional.of(CatalogLoader.load(loaded.catalog().file()));
        } catch (ProblemsException e) {
            problems.addAll(e.problems());
        }
        if (loaded.security().file().isPresent()) {
            try {
                SecurityDocument.parseWithWarnings(loaded.security().file().get(), catalog)
                        .warnings()
                        .forEach(warning -> System.err.println("warning: " + warning));
            } catch (ProblemsException e) {
                problems.addAll(e.problems());
            }
        }
        try (HikariDataSource dataSource = Backends.dataSource(loaded.backend());
                Connection connection = dataSource.getConnection()) {
            if (catalog.isPresent()) {
                problems.addAll(SchemaCheck.check(catalog.get(), connection));
            }
        } catch (SQLException e) {
            problems.add(new Problem(
                    loaded.source().toString(), 0, "backend.url", "the backend is not reachable: " + e.getMessage()));
        }
        if (loaded.separateSecurityBackend()) {
            try (HikariDataSource dataSource = Backends.dataSource(loaded.securityBackend(), "vegateway-security");
                    Connection connection = dataSource.getConnection()) {
                connection.isValid(1);
            } catch (SQLException e) {
                problems.add(new Problem(
                        loaded.source().toString(),
                        0,
                        "security.backend.url",
                        "the security database is not reachable: " + e.getMessage()));
            }
        }
        if (!problems.isEmpty()) {
            throw new ProblemsException(problems);
        }
        System.out.println("Catalog, security data and backend schema: OK");
        java.util.List<String> advice;
        try (HikariDataSource dataSource = Backends.dataSource(loaded.backend());
                Connection connection = dataSource.getConnection()) {
            advice = KeyIndexAdvice.lines(
                    catalog.orElseThrow(),
                    dev.vegateway.adapter.sql.Dialect.of(loaded.backend().kind()),
                    "  ",
                    java.util.Optional.of(connection));
        } catch (SQLException e) {
            System.err.println("warning: could not look for the natural keys' indexes: " + e.getMessage());
            return 0;
        }
        if (!advice.isEmpty()) {
            System.out.println("Natural keys: a read by a derived GUID is an index seek with an index; create the"
                    + " statements shown once:");
            advice.forEach(System.out::println);
        }
        return 0;
    }
}
