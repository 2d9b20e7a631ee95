package dev.vegateway.gateway.cli;

import com.zaxxer.hikari.HikariDataSource;
import dev.vegateway.adapter.jdbc.Backends;
import dev.vegateway.adapter.security.SecurityDocument;
import dev.vegateway.adapter.security.SecuritySchema;
import dev.vegateway.adapter.security.SecurityStore;
import dev.vegateway.catalog.CatalogLoader;
import dev.vegateway.config.GatewayConfig;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
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
            try (HikariDataSource dataSource = Backends.dataSource(loaded.securityBackend())) {
                SecuritySchema schema =
                        new SecuritySchema(loaded.securityBackend().securitySchema());
                schema.createIfMissing(dataSource);
                new SecurityStore(dataSource, schema.name()).replaceAll(document);
            }
            System.out.println("Imported " + file + ": " + document.users().size() + " users, "
                    + document.roles().size() + " roles, "
                    + document.applications().size() + " applications.");
            return 0;
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
