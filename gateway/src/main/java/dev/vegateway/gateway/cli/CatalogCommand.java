package dev.vegateway.gateway.cli;

import static java.nio.charset.StandardCharsets.UTF_8;

import com.zaxxer.hikari.HikariDataSource;
import dev.vegateway.adapter.jdbc.Backends;
import dev.vegateway.catalog.SchemaDiscovery;
import dev.vegateway.config.ConfigLoader;
import dev.vegateway.config.GatewayConfig;
import java.nio.file.Files;
import java.nio.file.Path;
import java.sql.Connection;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.Spec;

@Command(
        name = "catalog",
        description = "Work with the catalog.",
        subcommands = {CatalogCommand.Discover.class})
final class CatalogCommand {

    @Command(
            name = "discover",
            description = "Read the tables and views of a backend schema and write a catalog YAML to edit (standard"
                    + " output or --out). Only the backend section of the configuration is read.")
    static final class Discover implements Callable<Integer> {
        @Spec
        CommandSpec spec;

        @Option(names = "--config", description = "The configuration YAML file (default: $VEGATEWAY_CONFIG).")
        Path config;

        @Option(
                names = "--schema",
                description = "The schema to read (default: the connection's current schema, public on PostgreSQL).")
        String schema;

        @Option(
                names = "--tables",
                split = ",",
                paramLabel = "PATTERN",
                description =
                        "Tables and views to read: globs (* any characters, ? one) matched ignoring case, comma-separated"
                                + " (default: all of the schema).")
        List<String> tables = new ArrayList<>();

        @Option(
                names = "--prefix",
                description = "The prefix of every generated name (default: ${DEFAULT-VALUE}).",
                defaultValue = SchemaDiscovery.DEFAULT_PREFIX)
        String prefix;

        @Option(names = "--out", description = "The catalog file to write (default: standard output).")
        Path out;

        @Override
        public Integer call() throws Exception {
            Path file = Optional.ofNullable(config)
                    .or(() -> Optional.ofNullable(System.getenv("VEGATEWAY_CONFIG"))
                            .map(Path::of))
                    .orElseThrow(() -> new IllegalArgumentException(
                            "no configuration file: pass --config FILE or set VEGATEWAY_CONFIG"));
            GatewayConfig.Backend backend = ConfigLoader.loadBackend(file, System.getenv());
            SchemaDiscovery.Options options = new SchemaDiscovery.Options(
                    Optional.ofNullable(schema),
                    tables,
                    prefix,
                    "vegateway "
                            + String.join(
                                    " ",
                                    spec.root().commandLine().getParseResult().originalArgs()));
            SchemaDiscovery.Result result;
            try (HikariDataSource dataSource = Backends.dataSource(backend);
                    Connection connection = dataSource.getConnection()) {
                result = SchemaDiscovery.discover(connection, options);
            }
            String summary = "Discovered " + result.entities().size() + " entities in schema " + result.schema()
                    + (result.leftOut().isEmpty()
                            ? ""
                            : "; left out (commented in the file, with the reason): "
                                    + String.join(", ", result.leftOut()));
            String yaml = result.yaml() + indexAdvice(result.yaml(), backend);
            if (out == null) {
                System.out.print(yaml);
                System.err.println(summary);
            } else {
                Files.writeString(out, yaml, UTF_8);
                System.out.println(summary + ". Wrote " + out);
            }
            if (result.entities().isEmpty()) {
                System.err.println("warning: no table or view has a key the gateway serves; the catalog needs at least"
                        + " one entity");
            }
            return 0;
        }

        /** Comments with the index statements the discovered natural keys need, when the discovered catalog loads. */
        private static String indexAdvice(String yaml, GatewayConfig.Backend backend) {
            try {
                java.util.List<String> lines = KeyIndexAdvice.lines(
                        dev.vegateway.catalog.CatalogLoader.load("discovered", yaml),
                        dev.vegateway.adapter.sql.Dialect.of(backend.kind()),
                        "#   ");
                if (lines.isEmpty()) {
                    return "";
                }
                return "\n# Run these once so that a read by a derived GUID is an index seek (README: \"Natural keys"
                        + " and alternate keys\"):\n" + String.join("\n", lines) + "\n";
            } catch (dev.vegateway.config.yaml.ProblemsException e) {
                return ""; // nothing to serve yet: the summary says so
            }
        }
    }
}
