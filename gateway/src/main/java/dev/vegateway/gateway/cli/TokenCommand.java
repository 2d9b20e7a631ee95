package dev.vegateway.gateway.cli;

import dev.vegateway.config.GatewayConfig;
import dev.vegateway.gateway.auth.DevIssuer;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;

@Command(name = "token", description = "Mint a token with the embedded development issuer (demo/dev only).")
final class TokenCommand implements Callable<Integer> {
    @Option(names = "--app", required = true, description = "The application id (appid claim) to mint for.")
    String application;

    @Option(
            names = "--lifetime",
            defaultValue = "60",
            description = "Minutes until the token expires (default: ${DEFAULT-VALUE}).")
    long lifetimeMinutes;

    @Option(
            names = "--oid",
            description = "The user the token is issued for (oid claim): first access and group teams apply when a"
                    + " request's CallerObjectId names this user.")
    String objectId;

    @Option(names = "--tid", description = "The tenant (tid claim), for the first-access rule.")
    String tenantId;

    @Option(
            names = "--group",
            description = "A directory group object id for the groups claim; repeat for more groups.")
    List<String> groups;

    @Option(
            names = "--data-dir",
            description = "The demo data folder whose issuer key to use (default: ./.vegateway-demo).")
    Path dataDir;

    @Option(
            names = "--config",
            description = "Use the dev issuer of this configuration file instead of the demo folder.")
    Path config;

    @Override
    public Integer call() {
        DevIssuer issuer;
        if (config != null) {
            GatewayConfig loaded = Configs.load(Optional.of(config));
            GatewayConfig.DevIssuer dev = loaded.auth().devIssuer();
            if (!dev.enabled()) {
                throw new IllegalArgumentException(
                        "auth.devIssuer.enabled is false in " + config + ": this gateway does not trust dev tokens");
            }
            issuer = DevIssuer.loadOrCreate(dev.keyFile(), dev.issuer(), dev.audience());
        } else {
            Path folder = dataDir == null ? Path.of(DemoCommand.DEFAULT_DATA_DIR) : dataDir;
            Path keyFile = folder.resolve(DemoCommand.DEV_ISSUER_KEY_FILE);
            if (!Files.exists(keyFile)) {
                throw new IllegalArgumentException(
                        "no dev issuer key at " + keyFile + ": start './vegateway demo' once first, or pass --config");
            }
            issuer = DevIssuer.loadOrCreate(keyFile, DemoCommand.DEV_ISSUER, DemoCommand.DEV_AUDIENCE);
        }
        Map<String, Object> claims = new LinkedHashMap<>();
        if (objectId != null) {
            claims.put("oid", objectId);
        }
        if (tenantId != null) {
            claims.put("tid", tenantId);
        }
        if (groups != null) {
            claims.put("groups", List.copyOf(groups));
        }
        System.out.println(issuer.mint(application, Duration.ofMinutes(lifetimeMinutes), claims));
        return 0;
    }
}
