package dev.vegateway.bench;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.io.InputStream;
import java.io.PrintWriter;
import java.io.StringWriter;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Optional;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;
import picocli.CommandLine;

class TargetTest {
    @ParameterizedTest
    @ValueSource(
            strings = {
                "https://127.0.0.1:8443/api/data/v9.2/",
                "https://127.10.20.30/api/data/v9.2/",
                "https://localhost:8443/api/data/v9.2/",
                "https://LOCALHOST./api/",
                "https://[::1]:8443/api/data/v9.2/",
                "https://[0:0:0:0:0:0:0:1]/",
                "http://127.0.0.1:8080/api/data/v9.2/"
            })
    void loopbackTargetsAreTheDemosKind(String url) {
        Target target = Target.parse(url);

        assertThat(target.serviceRoot().getPath()).endsWith("/");
        assertThat(target.loopback()).isTrue();
    }

    @ParameterizedTest
    @ValueSource(
            strings = {
                "https://10.0.0.1/api/data/v9.2/",
                "https://gateway.example.com/api/data/v9.2/",
                "https://127.0.0.1.nip.io/",
                "https://localhost.example.com:8443/",
                "https://[::2]/"
            })
    void anyHttpsDeploymentIsATargetButNotALoopbackOne(String url) {
        Target target = Target.parse(url);

        assertThat(target.secure()).isTrue();
        assertThat(target.loopback()).isFalse();
    }

    @ParameterizedTest
    @ValueSource(strings = {"http://10.0.0.1/api/data/v9.2/", "http://gateway.example.com/", "http://128.0.0.1/"})
    void plainHttpIsRefusedBeyondLoopback(String url) {
        assertThatThrownBy(() -> Target.parse(url))
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessageContaining("--url '" + url + "' is plain http to")
                .hasMessageContaining("not a loopback address");
    }

    @Test
    void refusesOtherSchemesMalformedUrlsAndCredentialsInTheUrl() {
        assertThatThrownBy(() -> Target.parse("ftp://127.0.0.1/")).hasMessageContaining("https://");
        assertThatThrownBy(() -> Target.parse("127.0.0.1:8443")).isInstanceOf(IllegalArgumentException.class);
        assertThatThrownBy(() -> Target.parse("https://127.0.0.1/api?x=1")).hasMessageContaining("without query");
        assertThatThrownBy(() -> Target.parse("https://user:secret@gateway.example.com/"))
                .hasMessageContaining("must not carry a user name, password or fragment");
        assertThatThrownBy(() -> Target.endpoint("https://bad host/", "--token-endpoint"))
                .hasMessageStartingWith("--token-endpoint 'https://bad host/' is not a URL");
        assertThat(Target.endpoint("https://login.example.com/tenant/oauth2/token?p=policy", "--token-endpoint"))
                .as("a token endpoint keeps its path and query")
                .hasToString("https://login.example.com/tenant/oauth2/token?p=policy");
        assertThatThrownBy(() -> Target.endpoint("http://login.example.com/token", "--token-endpoint"))
                .hasMessageContaining("is plain http to login.example.com");
        assertThatThrownBy(() -> Target.endpoint("https://id:secret@login.example.com/token", "--token-endpoint"))
                .hasMessageContaining("must not carry a user name, password or fragment");
    }

    @Test
    void addsTheTrailingSlashSoRelativePathsResolveBelowTheRoot() {
        Target target = Target.parse("https://127.0.0.1:8443/api/data/v9.2");

        assertThat(target.resolve("RetrieveMultiple"))
                .hasToString("https://127.0.0.1:8443/api/data/v9.2/RetrieveMultiple");
    }

    /** The test certificate (CN=bench-test, self-signed) copied to {@code folder}. */
    static Path testCertificate(Path folder) throws Exception {
        Path file = folder.resolve("bench-test-certificate.pem");
        try (InputStream in = TargetTest.class.getResourceAsStream("/bench-test-certificate.pem")) {
            Files.write(file, in.readAllBytes());
        }
        return file;
    }

    @Test
    void trustIsTheGivenCertificateElseTheDemosOnLoopbackElseTheSystemStore(@TempDir Path folder) throws Exception {
        Path demo = testCertificate(folder);
        Path missing = folder.resolve("absent.pem");
        Target loopback = Target.parse("https://127.0.0.1:8443/api/data/v9.2/");
        Target remote = Target.parse("https://gateway.example.com/api/data/v9.2/");

        Trust given = Trust.of(remote, Optional.of(demo), "--ca", "--url", missing);
        assertThat(given.description()).isEqualTo("trusting only " + demo);
        assertThat(given.sslContext()).isPresent();

        Trust demoTrust = Trust.of(loopback, Optional.empty(), "--ca", "--url", demo);
        assertThat(demoTrust.description()).isEqualTo("trusting the demo's " + demo);
        assertThat(demoTrust.sslContext()).isPresent();

        assertThat(Trust.of(remote, Optional.empty(), "--ca", "--url", demo).description())
                .as("the demo's certificate is never used for a remote deployment")
                .isEqualTo("trusting the system trust store");
        assertThat(Trust.of(loopback, Optional.empty(), "--ca", "--url", missing)
                        .sslContext())
                .isEmpty();
        assertThat(Trust.systemAnd(Optional.of(demo)).getProtocol()).isEqualTo("TLS");

        assertThatThrownBy(() ->
                        Trust.of(Target.parse("http://127.0.0.1:8080/"), Optional.of(demo), "--ca", "--url", missing))
                .hasMessage("--ca was given but --url is plain http");
        Path notPem = folder.resolve("not.pem");
        Files.writeString(notPem, "hello", StandardCharsets.UTF_8);
        assertThatThrownBy(() -> Trust.of(remote, Optional.of(notPem), "--ca", "--url", missing))
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessageContaining(notPem.toString());
    }

    @Test
    void commandLineExitsWithTwoOnPlainHttpToARemoteHost() {
        StringWriter err = new StringWriter();
        int exit = Bench.commandLine()
                .setErr(new PrintWriter(err))
                .execute("--url", "http://10.1.2.3:8080/api/data/v9.2/", "--token", "x", "--scenario", "page50");

        assertThat(exit).isEqualTo(CommandLine.ExitCode.USAGE);
        assertThat(err.toString()).contains("is plain http to 10.1.2.3");
    }

    @Test
    void commandLineExitsWithTwoWhenTheCaFileIsMissing(@TempDir Path folder) {
        StringWriter err = new StringWriter();
        int exit = Bench.commandLine()
                .setErr(new PrintWriter(err))
                .execute(
                        "--url",
                        "https://127.0.0.1:1/api/data/v9.2/",
                        "--ca",
                        folder.resolve("absent.pem").toString(),
                        "--token",
                        "x",
                        "--scenario",
                        "page50");

        assertThat(exit).isEqualTo(CommandLine.ExitCode.USAGE);
        assertThat(err.toString()).contains("cannot read --ca " + folder.resolve("absent.pem"));
    }
}
