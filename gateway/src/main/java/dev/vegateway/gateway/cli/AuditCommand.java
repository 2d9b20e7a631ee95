package dev.vegateway.gateway.cli;

import static java.nio.charset.StandardCharsets.UTF_8;

import com.zaxxer.hikari.HikariDataSource;
import dev.vegateway.adapter.jdbc.Backends;
import dev.vegateway.adapter.security.SecuritySchema;
import dev.vegateway.adapter.write.AuditExport;
import dev.vegateway.adapter.write.AuditLog;
import dev.vegateway.config.GatewayConfig;
import java.io.BufferedWriter;
import java.io.OutputStreamWriter;
import java.io.Writer;
import java.nio.file.Files;
import java.nio.file.Path;
import java.sql.Connection;
import java.time.Instant;
import java.time.LocalDate;
import java.time.OffsetDateTime;
import java.time.ZoneOffset;
import java.time.format.DateTimeParseException;
import java.util.Optional;
import java.util.concurrent.Callable;
import picocli.CommandLine;
import picocli.CommandLine.Command;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.ParameterException;
import picocli.CommandLine.Spec;

@Command(
        name = "audit",
        description = "Work with the data audit (the rows of vegateway_dataaudits).",
        subcommands = {AuditCommand.Export.class})
final class AuditCommand {

    @Command(
            name = "export",
            description = "Write the audit rows changed from --since (included) to --until (excluded) as JSON lines,"
                    + " oldest first, with the field names of the audit set; streamed, so any range fits in memory.")
    static final class Export implements Callable<Integer> {
        @Spec
        CommandSpec spec;

        @Option(names = "--config", description = "The configuration YAML file (default: $VEGATEWAY_CONFIG).")
        Path config;

        @Option(
                names = "--since",
                required = true,
                paramLabel = "TIME",
                converter = TimeConverter.class,
                description = "The first time included: an ISO-8601 instant (2025-01-31T08:00:00Z,"
                        + " 2025-01-31T09:00:00+01:00) or a date (2025-01-31: its midnight, UTC).")
        Instant since;

        @Option(
                names = "--until",
                required = true,
                paramLabel = "TIME",
                converter = TimeConverter.class,
                description = "The first time excluded, written as --since.")
        Instant until;

        @Option(
                names = "--out",
                paramLabel = "FILE",
                description = "The file to write (replaced); default: standard output.")
        Path out;

        @Override
        public Integer call() throws Exception {
            if (!since.isBefore(until)) {
                throw new ParameterException(
                        spec.commandLine(), "--since (" + since + ") must be before --until (" + until + ")");
            }
            GatewayConfig loaded = Configs.load(Optional.ofNullable(config));
            long rows;
            try (HikariDataSource dataSource = Backends.dataSource(loaded.backend())) {
                SecuritySchema schema = new SecuritySchema(loaded.backend().securitySchema());
                AuditLog audit = new AuditLog(schema.name());
                audit.createIfMissing(dataSource, schema.name());
                try (Connection connection = dataSource.getConnection();
                        Writer writer = writer()) {
                    rows = new AuditExport(audit).write(connection, since, until, writer);
                }
            }
            // The count goes to standard error, so that standard output holds only the JSON lines.
            System.err.println("Exported " + rows + " audit row(s) changed from " + since + " to " + until
                    + (out == null ? "" : " to " + out));
            return 0;
        }

        private Writer writer() throws java.io.IOException {
            if (out == null) {
                // Standard output stays open for whatever follows.
                return new BufferedWriter(new OutputStreamWriter(System.out, UTF_8)) {
                    @Override
                    public void close() throws java.io.IOException {
                        flush();
                    }
                };
            }
            return Files.newBufferedWriter(out, UTF_8);
        }
    }

    /** An ISO-8601 instant, offset date-time or date (midnight UTC). */
    static final class TimeConverter implements CommandLine.ITypeConverter<Instant> {
        @Override
        public Instant convert(String value) {
            String text = value.trim();
            try {
                if (text.length() == 10) {
                    return LocalDate.parse(text).atStartOfDay(ZoneOffset.UTC).toInstant();
                }
                return OffsetDateTime.parse(text).toInstant();
            } catch (DateTimeParseException e) {
                throw new CommandLine.TypeConversionException("'" + value
                        + "' is not an ISO-8601 time such as 2025-01-31T08:00:00Z, 2025-01-31T09:00:00+01:00"
                        + " or 2025-01-31");
            }
        }
    }
}
