package dev.vegateway.gateway.server;

import static java.nio.charset.StandardCharsets.UTF_8;
import static org.assertj.core.api.Assertions.assertThat;

import ch.qos.logback.classic.LoggerContext;
import ch.qos.logback.classic.util.ContextInitializer;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.vegateway.config.GatewayConfig;
import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.util.Map;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.slf4j.MDC;

class LogSetupTest {
    private final PrintStream originalErr = System.err;
    private final ByteArrayOutputStream err = new ByteArrayOutputStream();

    @AfterEach
    void restoreTheDefaultConfiguration() throws Exception {
        System.setErr(originalErr);
        LoggerContext context = (LoggerContext) LoggerFactory.getILoggerFactory();
        context.reset();
        new ContextInitializer(context).autoConfig();
    }

    @Test
    void jsonLinesCarryTheMessageTheKeyValuesAndTheRequestId() throws Exception {
        System.setErr(new PrintStream(err, true, UTF_8));
        LogSetup.apply(new GatewayConfig.Logging("INFO", Map.of(), GatewayConfig.LogFormat.JSON));

        MDC.put("requestId", "req-42");
        try {
            LoggerFactory.getLogger("vegateway.request")
                    .atInfo()
                    .addKeyValue("entitySet", "accounts")
                    .log("request id=req-42 op=Retrieve");
        } finally {
            MDC.remove("requestId");
        }

        String line = err.toString(UTF_8)
                .lines()
                .filter(text -> text.contains("req-42"))
                .findFirst()
                .orElseThrow();
        JsonNode json = new ObjectMapper().readTree(line);
        assertThat(json.path("level").asText()).isEqualTo("INFO");
        assertThat(json.path("loggerName").asText()).isEqualTo("vegateway.request");
        assertThat(json.path("message").asText()).isEqualTo("request id=req-42 op=Retrieve");
        assertThat(json.path("mdc").path("requestId").asText()).isEqualTo("req-42");
        assertThat(json.path("kvpList").toString()).contains("entitySet").contains("accounts");
    }

    @Test
    void levelsApplyToTheRootAndToSingleLoggers() {
        LogSetup.apply(new GatewayConfig.Logging(
                "WARN",
                Map.of("vegateway.request", "ERROR", "dev.vegateway.chatty", "DEBUG"),
                GatewayConfig.LogFormat.TEXT));

        Logger root = LoggerFactory.getLogger("some.library");
        assertThat(root.isWarnEnabled()).isTrue();
        assertThat(root.isInfoEnabled()).isFalse();
        assertThat(LoggerFactory.getLogger("vegateway.request").isWarnEnabled()).isFalse();
        assertThat(LoggerFactory.getLogger("vegateway.request").isErrorEnabled())
                .isTrue();
        assertThat(LoggerFactory.getLogger("dev.vegateway.chatty.Thing").isDebugEnabled())
                .isTrue();
    }
}
