package dev.vegateway.gateway.cli;

import com.zaxxer.hikari.HikariDataSource;
import dev.vegateway.adapter.jdbc.Backends;
import dev.vegateway.adapter.jdbc.StartupLock;
import dev.vegateway.adapter.security.SecurityDocument;
import dev.vegateway.adapter.security.SecuritySchema;
import dev.vegateway.adapter.security.SecurityStore;
import dev.vegateway.catalog.CatalogLoader;
import dev.vegateway.config.GatewayConfig;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.sql.SQLException;
import java.time.Duration;
import java.util.Optional;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;

@Command(
        name = "security",
        description = "Import or export the security data (users, roles, applications, portal mappings).",
        subcommands = {SecurityCommand.Import.class, SecurityCommand.Export.class})
final class SecurityCommand {

    @Command(
            name = "import",
            description =
                    "Validate FILE against the catalog and replace all security data with it, in one transaction; warnings (data the gateway refuses at run time) are printed, not fatal.")
    static final class Import implements Callable<Integer> {
        /** How long an import waits for starting nodes (a start waits up to 30 s for its database). */
        static final Duration LOCK_PATIENCE = Duration.ofSeconds(60);

        @Parameters(index = "0", description = "The security YAML file.")
        Path file;

        @Option(names = "--config", description = "The configuration YAML file (default: $VEGATEWAY_CONFIG).")
        Path config;

        @Override
        public Integer call() {
            GatewayConfig loaded = Configs.load(Optional.ofNullable(config));
            SecurityDocument.Parsed parsed = SecurityDocument.parseWithWarnings(
                    file, Optional.of(CatalogLoader.load(loaded.catalog().file())));
            parsed.warnings().forEach(warning -> System.err.println("warning: " + warning));
            SecurityDocument document = parsed.document();
            // the lock starting nodes hold while they create the gateway's tables and import on start
            // (PostgreSQL), so that the import neither races their CREATE TABLE nor is overwritten by them
            try (StartupLock lock = startupLock(loaded);
                    HikariDataSource dataSource = Backends.dataSource(loaded.securityBackend())) {
                SecuritySchema schema =
                        new SecuritySchema(loaded.securityBackend().securitySchema());
                schema.createIfMissing(dataSource);
                new SecurityStore(dataSource, schema.name()).replaceAll(document);
            } catch (SQLException e) {
                throw new IllegalStateException("the security import failed: " + e.getMessage(), e);
            }
            System.out.println("Imported " + file + ": " + document.users().size() + " users, "
                    + document.roles().size() + " roles, "
                    + document.applications().size() + " applications.");
            return 0;
        }

        private static StartupLock startupLock(GatewayConfig loaded) {
            try {
                return StartupLock.acquire(loaded.backend(), LOCK_PATIENCE);
            } catch (SQLException e) {
                throw new IllegalStateException(
                        "a gateway node has been starting on this database for "
                                + LOCK_PATIENCE.toSeconds()
                                + " s (the start-up lock is held); nothing was imported, try again: "
                                + e.getMessage(),
                        e);
            }
        }
    }

    @Command(name = "export", description = "Write the security data as YAML to FILE (or standard output).")
    static final class Export implements Callable<Integer> {
        @Parameters(index = "0", arity = "0..1", description = "The file to write (default: standard output).")
        Path file;

        @Option(names = "--config", description = "The configuration YAML file (default: $VEGATEWAY_CONFIG).")
        Path config;

        @Override
        public Integer call() throws Exception {
            GatewayConfig loaded = Configs.load(Optional.ofNullable(config));
            String yaml;
            try (HikariDataSource dataSource = Backends.dataSource(loaded.securityBackend())) {
                SecuritySchema schema =
                        new SecuritySchema(loaded.securityBackend().securitySchema());
                schema.createIfMissing(dataSource);
                yaml = new SecurityStore(dataSource, schema.name()).exportAll().toYaml();
            }
            if (file == null) {
                System.out.print(yaml);
            } else {
                Files.writeString(file, yaml, StandardCharsets.UTF_8);
                System.out.println("Exported the security data to " + file);
            }
            return 0;
        }
    }
}
