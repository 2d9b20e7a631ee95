package dev.vegateway.gateway.deploy;

import static java.nio.charset.StandardCharsets.UTF_8;
import static org.assertj.core.api.Assertions.assertThat;

import dev.vegateway.adapter.security.SecurityDocument;
import dev.vegateway.catalog.Catalog;
import dev.vegateway.catalog.CatalogLoader;
import dev.vegateway.config.ConfigLoader;
import dev.vegateway.config.GatewayConfig;
import dev.vegateway.gateway.server.AdminHandler;
import java.io.IOException;
import java.io.InputStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.stream.Stream;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.yaml.snakeyaml.Yaml;

/**
 * The Kubernetes manifests in {@code deploy/kubernetes} against the gateway itself: their
 * configuration, mounted where the Deployment mounts it and overridden by the Deployment's
 * environment, is one the gateway's own loader accepts; the probes ask the admin listener's paths
 * on its port; the grace period outlasts the gateway's drain; the ConfigMap's catalog and security
 * data load and are the demo's. A manifest that drifts from the gateway fails here.
 */
class KubernetesManifestsTest {
    private static final Path MANIFESTS = Path.of("..", "deploy", "kubernetes");

    private static Map<String, Object> container;
    private static Map<String, Object> podSpec;

    @BeforeAll
    static void readTheDeployment() throws IOException {
        Map<String, Object> deployment = yaml(MANIFESTS.resolve("deployment.yaml"));
        podSpec = map(map(map(deployment, "spec"), "template"), "spec");
        container = list(podSpec, "containers").get(0);
    }

    @Test
    void theMountedConfigurationWithTheDeploymentsEnvironmentIsValid(@TempDir Path root) throws IOException {
        Map<String, String> mounts = new HashMap<>();
        for (Map<String, Object> mount : list(container, "volumeMounts")) {
            mounts.put((String) mount.get("name"), (String) mount.get("mountPath"));
        }
        Path configFolder = under(root, mounts.get("config"));
        Files.createDirectories(configFolder);
        for (String file : configMapFiles()) {
            Files.copy(
                    MANIFESTS.resolve(file), configFolder.resolve(Path.of(file).getFileName()));
        }
        Path tlsFolder = under(root, mounts.get("tls"));
        Files.createDirectories(tlsFolder);
        Files.write(tlsFolder.resolve("gateway.p12"), new byte[] {0});

        Map<String, String> environment = new HashMap<>();
        for (Map<String, Object> variable : list(container, "env")) {
            String name = (String) variable.get("name");
            // a secret's value is the operator's; the name must be one the gateway knows
            environment.put(name, variable.containsKey("value") ? (String) variable.get("value") : secretValue(name));
        }
        assertThat(environment).containsKey("VEGATEWAY_CONFIG");
        Path config = under(root, environment.get("VEGATEWAY_CONFIG"));
        assertThat(config).as("VEGATEWAY_CONFIG names the mounted file").isRegularFile();

        GatewayConfig loaded = ConfigLoader.load(config, environment);

        Map<String, Integer> ports = new HashMap<>();
        for (Map<String, Object> port : list(container, "ports")) {
            ports.put((String) port.get("name"), (Integer) port.get("containerPort"));
        }
        assertThat(ports)
                .containsEntry("https", loaded.server().port())
                .containsEntry("admin", loaded.admin().port());
        assertThat(probe("readinessProbe"))
                .containsEntry("path", AdminHandler.READY)
                .containsEntry("port", "admin");
        assertThat(probe("livenessProbe"))
                .containsEntry("path", AdminHandler.LIVE)
                .containsEntry("port", "admin");
        assertThat(probe("startupProbe"))
                .containsEntry("path", AdminHandler.LIVE)
                .containsEntry("port", "admin");
        assertThat(((Number) podSpec.get("terminationGracePeriodSeconds")).longValue())
                .as("terminationGracePeriodSeconds above server.shutdownGracePeriod")
                .isGreaterThan(loaded.server().shutdownGracePeriod().toSeconds());
        assertThat(loaded.server().host()).as("reachable from the Service").isEqualTo("0.0.0.0");
        assertThat(loaded.admin().host())
                .as("reachable by the kubelet's probes")
                .isEqualTo("0.0.0.0");
    }

    @Test
    void thePodRunsTheImagesServeAsTheImagesUser() throws IOException {
        assertThat(container).doesNotContainKey("command");
        assertThat(container.get("args")).isEqualTo(List.of("serve"));
        String pom = Files.readString(Path.of("pom.xml"), UTF_8);
        Map<String, Object> security = map(podSpec, "securityContext");
        assertThat(pom)
                .as("the image profile's user is the pod's")
                .contains("<user>" + security.get("runAsUser") + ":" + security.get("runAsGroup") + "</user>")
                .contains("<mainClass>dev.vegateway.gateway.cli.Main</mainClass>");
    }

    @Test
    void theServiceTargetsTheApiPort() throws IOException {
        Map<String, Object> service = yaml(MANIFESTS.resolve("service.yaml"));
        List<Map<String, Object>> ports = list(map(service, "spec"), "ports");
        assertThat(ports).extracting(port -> port.get("targetPort")).containsExactly("https");
        assertThat(map(map(service, "spec"), "selector"))
                .isEqualTo(
                        map(map(map(yaml(MANIFESTS.resolve("deployment.yaml")), "spec"), "selector"), "matchLabels"));
    }

    @Test
    void theConfigMapsCatalogAndSecurityDataLoadAndAreTheDemos() throws Exception {
        Catalog catalog = CatalogLoader.load(MANIFESTS.resolve("config/catalog.yaml"));
        String security = Files.readString(MANIFESTS.resolve("config/security.yaml"), UTF_8);
        assertThat(SecurityDocument.parse("security.yaml", security, Optional.of(catalog))
                        .users())
                .isNotEmpty();
        assertThat(Files.readString(MANIFESTS.resolve("config/catalog.yaml"), UTF_8))
                .as("deploy/kubernetes/config/catalog.yaml is a copy of gateway/src/main/resources/demo/catalog.yaml:"
                        + " copy it again")
                .isEqualTo(resource("demo/catalog.yaml"));
        assertThat(security)
                .as("deploy/kubernetes/config/security.yaml is a copy of gateway/src/main/resources/demo/security.yaml:"
                        + " copy it again")
                .isEqualTo(resource("demo/security.yaml"));
        try (Stream<Path> files = Files.list(MANIFESTS.resolve("config"))) {
            assertThat(files.map(file -> "config/" + file.getFileName()).sorted())
                    .as("every file of the folder is in the ConfigMap")
                    .containsExactlyElementsOf(
                            configMapFiles().stream().sorted().toList());
        }
    }

    private static Map<String, Object> probe(String name) {
        return map(map(container, name), "httpGet");
    }

    private static List<String> configMapFiles() throws IOException {
        Map<String, Object> kustomization = yaml(MANIFESTS.resolve("kustomization.yaml"));
        List<Map<String, Object>> generators = list(kustomization, "configMapGenerator");
        @SuppressWarnings("unchecked")
        List<String> files = (List<String>) generators.get(0).get("files");
        return files;
    }

    private static String secretValue(String name) {
        return name.endsWith("SKIP_TOKEN_SECRET") ? "x".repeat(48) : "secret";
    }

    private static Path under(Path root, String absolute) {
        return root.resolve(absolute.substring(1));
    }

    private static String resource(String name) throws IOException {
        try (InputStream in = KubernetesManifestsTest.class.getClassLoader().getResourceAsStream(name)) {
            return new String(in.readAllBytes(), UTF_8);
        }
    }

    private static Map<String, Object> yaml(Path file) throws IOException {
        try (InputStream in = Files.newInputStream(file)) {
            return new Yaml().load(in);
        }
    }

    @SuppressWarnings("unchecked")
    private static Map<String, Object> map(Map<String, Object> parent, String key) {
        return (Map<String, Object>) parent.get(key);
    }

    @SuppressWarnings("unchecked")
    private static List<Map<String, Object>> list(Map<String, Object> parent, String key) {
        return (List<Map<String, Object>>) parent.get(key);
    }
}
