package dev.vegateway.gateway.http;

import static java.nio.charset.StandardCharsets.UTF_8;
import static org.assertj.core.api.Assertions.assertThat;

import org.eclipse.jetty.http.HttpFields;
import org.junit.jupiter.api.Test;

class ConditionalGetTest {
    private static final String CURRENT = "\"0123456789abcdef0123456789abcdef\"";

    @Test
    void aContentTagIsAQuotedHashThatFollowsTheContent() {
        String tag = ConditionalGet.contentTag("<edmx/>".getBytes(UTF_8));

        assertThat(tag).matches("\"[0-9a-f]{32}\"");
        assertThat(ConditionalGet.contentTag("<edmx/>".getBytes(UTF_8))).isEqualTo(tag);
        assertThat(ConditionalGet.contentTag("<edmx />".getBytes(UTF_8))).isNotEqualTo(tag);
    }

    @Test
    void ifNoneMatchNamesTheCurrentTagWeaklyInAListOrAsAStar() {
        assertThat(matches(CURRENT)).isTrue();
        assertThat(matches("W/" + CURRENT)).isTrue();
        assertThat(matches("\"a\", " + CURRENT + ", \"b\"")).isTrue();
        assertThat(matches("\"a,b\"," + CURRENT)).isTrue();
        assertThat(matches("*")).isTrue();
        assertThat(ConditionalGet.matches(
                        HttpFields.build().add("If-None-Match", "\"a\"").add("If-None-Match", CURRENT), CURRENT))
                .isTrue();
        assertThat(ConditionalGet.matches(HttpFields.build().add("If-None-Match", "W/\"7\""), "W/\"7\""))
                .isTrue();
    }

    @Test
    void anyOtherTagOrNoHeaderDoesNotMatch() {
        assertThat(matches("\"0123456789abcdef0123456789abcdee\"")).isFalse();
        assertThat(matches("\"a," + CURRENT.substring(1)))
                .as("inside another tag's quotes")
                .isFalse();
        assertThat(matches("")).isFalse();
        assertThat(ConditionalGet.matches(HttpFields.build(), CURRENT)).isFalse();
        assertThat(ConditionalGet.asked(HttpFields.build())).isFalse();
        assertThat(ConditionalGet.asked(HttpFields.build().add("If-None-Match", CURRENT)))
                .isTrue();
    }

    private static boolean matches(String ifNoneMatch) {
        return ConditionalGet.matches(HttpFields.build().add("If-None-Match", ifNoneMatch), CURRENT);
    }
}
