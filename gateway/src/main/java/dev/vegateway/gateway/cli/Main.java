package dev.vegateway.gateway.cli;

import dev.vegateway.config.yaml.Problem;
import dev.vegateway.config.yaml.ProblemsException;
import picocli.CommandLine;
import picocli.CommandLine.Command;

/** {@code vegateway}: the command line. Exit codes: 0 success, 1 failure, 2 invalid configuration or data. */
@Command(
        name = "vegateway",
        mixinStandardHelpOptions = true,
        version = "VE Gateway 0.1.0",
        description = "Virtual-entity data provider gateway: ERP tables as Dataverse-style OData entity sets.",
        subcommands = {
            ServeCommand.class,
            DemoCommand.class,
            TokenCommand.class,
            CheckCommand.class,
            SecurityCommand.class,
            CatalogCommand.class,
            AuditCommand.class,
            ExplainCommand.class
        })
public final class Main {
    public static void main(String[] args) {
        System.exit(run(args));
    }

    public static int run(String... args) {
        CommandLine commandLine = new CommandLine(new Main());
        commandLine.setExecutionExceptionHandler((exception, line, parseResult) -> {
            if (exception instanceof ProblemsException problems) {
                System.err.println("Found " + problems.problems().size() + " problem(s):");
                for (Problem problem : problems.problems()) {
                    System.err.println("  " + problem);
                }
                return 2;
            }
            System.err.println("error: " + exception.getMessage());
            return 1;
        });
        return commandLine.execute(args);
    }
}
