package dev.vegateway.bench;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.io.PrintWriter;
import java.io.StringWriter;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;
import picocli.CommandLine;

class LoopbackTargetTest {
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
    void acceptsLoopbackTargets(String url) {
        assertThat(LoopbackTarget.parse(url).serviceRoot().getPath()).endsWith("/");
    }

    @ParameterizedTest
    @ValueSource(
            strings = {
                "https://10.0.0.1/api/data/v9.2/",
                "https://192.168.1.10:8443/",
                "https://128.0.0.1/",
                "https://127.0.0.256/",
                "https://127.1/",
                "https://0x7f.0.0.1/",
                "https://0.0.0.0/",
                "https://[::2]/",
                "https://[::]/",
                "https://example.com/",
                "https://localhost.example.com/",
                "https://127.0.0.1.nip.io/",
                "https://myhost/"
            })
    void refusesEverythingElse(String url) {
        assertThatThrownBy(() -> LoopbackTarget.parse(url))
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessageMatching("--url '.*' (is not a loopback target|has no valid host name or address).*");
    }

    @Test
    void refusesOtherSchemesAndMalformedUrls() {
        assertThatThrownBy(() -> LoopbackTarget.parse("ftp://127.0.0.1/")).hasMessageContaining("https://");
        assertThatThrownBy(() -> LoopbackTarget.parse("127.0.0.1:8443")).isInstanceOf(IllegalArgumentException.class);
        assertThatThrownBy(() -> LoopbackTarget.parse("https://127.0.0.1/api?x=1"))
                .hasMessageContaining("without query");
    }

    @Test
    void addsTheTrailingSlashSoRelativePathsResolveBelowTheRoot() {
        LoopbackTarget target = LoopbackTarget.parse("https://127.0.0.1:8443/api/data/v9.2");

        assertThat(target.resolve("RetrieveMultiple"))
                .hasToString("https://127.0.0.1:8443/api/data/v9.2/RetrieveMultiple");
    }

    @Test
    void commandLineExitsWithTwoOnARemoteUrl() {
        StringWriter err = new StringWriter();
        int exit = Bench.commandLine()
                .setErr(new PrintWriter(err))
                .execute("--url", "https://10.1.2.3:8443/api/data/v9.2/", "--token", "x", "--scenario", "page50");

        assertThat(exit).isEqualTo(2);
        assertThat(err.toString()).contains("not a loopback target");
    }

    @Test
    void commandLineExitsWithTwoOnHttpsWithoutCertificate() {
        StringWriter err = new StringWriter();
        int exit = Bench.commandLine()
                .setErr(new PrintWriter(err))
                .execute("--url", "https://127.0.0.1:1/api/data/v9.2/", "--token", "x", "--scenario", "page50");

        assertThat(exit).isEqualTo(CommandLine.ExitCode.USAGE);
        assertThat(err.toString()).contains("needs --cacert");
    }
}
