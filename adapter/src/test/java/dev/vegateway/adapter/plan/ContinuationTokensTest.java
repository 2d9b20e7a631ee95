package dev.vegateway.adapter.plan;

import static java.nio.charset.StandardCharsets.UTF_8;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.vegateway.adapter.error.ErrorCode;
import dev.vegateway.adapter.error.GatewayException;
import java.math.BigDecimal;
import java.security.GeneralSecurityException;
import java.time.LocalDate;
import java.time.OffsetDateTime;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Base64;
import java.util.List;
import java.util.OptionalInt;
import java.util.Random;
import java.util.UUID;
import javax.crypto.Mac;
import javax.crypto.spec.SecretKeySpec;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

class ContinuationTokensTest {
    private static final String FINGERPRINT = ContinuationTokens.fingerprint("contact\u0001user\u0001[name]");
    private static final Base64.Encoder ENCODER = Base64.getUrlEncoder().withoutPadding();

    private final ContinuationTokens tokens = new ContinuationTokens(ContactFixtures.SECRET);

    @Test
    void roundTripsEveryValueTypeIncludingNulls() {
        List<Object> values = Arrays.asList(
                "text with \"quotes\", dots . and unicode é✓",
                "",
                Integer.MIN_VALUE,
                Long.MAX_VALUE,
                new BigDecimal("12345678901234567890.0100"),
                -0.1d,
                Double.MAX_VALUE,
                true,
                false,
                UUID.fromString("6f000000-0000-4000-8000-00000000000a"),
                LocalDate.of(1964, 2, 29),
                OffsetDateTime.parse("2024-03-01T00:00:00Z"),
                OffsetDateTime.parse("2024-03-01T12:34:56.123456789Z"),
                null,
                "null",
                null);
        ContinuationTokens.Position position =
                tokens.decode(tokens.encode(FINGERPRINT, values, OptionalInt.of(23)), FINGERPRINT, values.size());

        assertThat(position.values()).containsExactlyElementsOf(values);
        for (int i = 0; i < values.size(); i++) {
            if (values.get(i) != null) {
                assertThat(position.values().get(i))
                        .as("value %d", i)
                        .isExactlyInstanceOf(values.get(i).getClass());
            }
        }
        assertThat(position.remaining()).hasValue(23);
    }

    @Test
    void roundTripsTheAbsenceOfRemainingAndZeroRemaining() {
        assertThat(tokens.decode(tokens.encode(FINGERPRINT, List.of(1), OptionalInt.empty()), FINGERPRINT, 1)
                        .remaining())
                .isEmpty();
        assertThat(tokens.decode(tokens.encode(FINGERPRINT, List.of(1), OptionalInt.of(0)), FINGERPRINT, 1)
                        .remaining())
                .hasValue(0);
    }

    @Test
    void isAcceptedByAnotherInstanceWithTheSameSecret() {
        String token = tokens.encode(FINGERPRINT, List.of("a", 1), OptionalInt.empty());
        assertThat(new ContinuationTokens(ContactFixtures.SECRET.clone())
                        .decode(token, FINGERPRINT, 2)
                        .values())
                .containsExactly("a", 1);
    }

    @Test
    void isUrlSafe() {
        String token = tokens.encode(FINGERPRINT, List.of("?&=/+ #%", new BigDecimal("-1.5")), OptionalInt.of(1));
        assertThat(token).matches("[A-Za-z0-9_-]+\\.[A-Za-z0-9_-]+");
    }

    @Test
    void refusesATokenWhosePayloadWasTampered() {
        String token = tokens.encode(FINGERPRINT, List.of("anna", 25), OptionalInt.of(23));
        String payload = token.substring(0, token.indexOf('.'));
        String signature = token.substring(token.indexOf('.') + 1);

        for (int i = 0; i < payload.length() - 1; i++) {
            String flipped = payload.substring(0, i) + flip(payload.charAt(i)) + payload.substring(i + 1);
            assertInvalid(flipped + "." + signature);
        }
        String rewritten =
                ENCODER.encodeToString(new String(Base64.getUrlDecoder().decode(payload), UTF_8)
                        .replace("23", "99")
                        .getBytes(UTF_8));
        assertInvalid(rewritten + "." + signature);
    }

    @Test
    void refusesATokenWhoseSignatureWasTampered() {
        String token = tokens.encode(FINGERPRINT, List.of("anna", 25), OptionalInt.empty());
        int dot = token.indexOf('.');
        for (int i = dot + 1; i < token.length() - 1; i++) {
            assertInvalid(token.substring(0, i) + flip(token.charAt(i)) + token.substring(i + 1));
        }
        assertInvalid(token.substring(0, token.length() - 2));
        assertInvalid(token + "AA");
    }

    @Test
    void refusesATokenOfAnotherFingerprint() {
        String token = tokens.encode(
                ContinuationTokens.fingerprint("another query"), List.of("anna", 25), OptionalInt.empty());
        assertThatThrownBy(() -> tokens.decode(token, FINGERPRINT, 2))
                .isInstanceOfSatisfying(GatewayException.class, exception -> {
                    assertThat(exception.errorCode()).isEqualTo(ErrorCode.INVALID_SKIP_TOKEN);
                    assertThat(exception.getMessage()).contains("different query or caller");
                });
    }

    @Test
    void refusesATokenSignedWithAnotherSecret() {
        byte[] otherSecret = "another secret of 32 bytes......".getBytes(UTF_8);
        String token =
                new ContinuationTokens(otherSecret).encode(FINGERPRINT, List.of("anna", 25), OptionalInt.empty());
        assertInvalid(token);
    }

    @Test
    void refusesATokenWithAnotherNumberOfSortKeys() {
        String token = tokens.encode(FINGERPRINT, List.of("anna", 25), OptionalInt.empty());
        assertThatThrownBy(() -> tokens.decode(token, FINGERPRINT, 3))
                .isInstanceOfSatisfying(GatewayException.class, exception -> assertThat(exception.errorCode())
                        .isEqualTo(ErrorCode.INVALID_SKIP_TOKEN));
    }

    @ParameterizedTest
    @ValueSource(
            strings = {
                "",
                ".",
                "..",
                "garbage",
                "abc.def",
                "a.b.c",
                "!!!.???",
                "é.é",
                " . ",
                "%2E",
                "e30.",
                ".e30",
                "null",
                "AAAA.AAAA"
            })
    void refusesGarbage(String token) {
        assertInvalid(token);
    }

    @Test
    void refusesAnOverLongToken() {
        String token = tokens.encode(FINGERPRINT, List.of("x".repeat(5000)), OptionalInt.empty());
        assertThat(tokens.decode(token, FINGERPRINT, 1).values()).containsExactly("x".repeat(5000));
        assertInvalid(tokens.encode(FINGERPRINT, List.of("x".repeat(9000)), OptionalInt.empty()));
        assertInvalid("A".repeat(100_000) + "." + "A".repeat(100_000));
    }

    @Test
    void refusesRandomTokensOnlyWithInvalidSkipToken() {
        Random random = new Random(42);
        String alphabet = "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789-_.=+/ \u0000é";
        for (int i = 0; i < 2000; i++) {
            StringBuilder token = new StringBuilder();
            int length = random.nextInt(200);
            for (int j = 0; j < length; j++) {
                token.append(alphabet.charAt(random.nextInt(alphabet.length())));
            }
            assertInvalid(token.toString());
        }
    }

    /** Payloads signed with the right secret but malformed: only a bug could produce them, and they still fail as INVALID_SKIP_TOKEN. */
    @Test
    void refusesCorrectlySignedButMalformedPayloadsOnlyWithInvalidSkipToken() {
        List<String> payloads = new ArrayList<>(List.of(
                "",
                "not json",
                "null",
                "[]",
                "42",
                "{}",
                "{\"v\":2,\"f\":\"" + FINGERPRINT + "\",\"k\":[[\"i\",\"1\"]]}",
                "{\"v\":1,\"f\":\"" + FINGERPRINT + "\",\"k\":\"1\"}",
                "{\"v\":1,\"f\":\"" + FINGERPRINT + "\",\"k\":[]}",
                "{\"v\":1,\"f\":\"" + FINGERPRINT + "\",\"k\":[[\"i\",\"one\"]]}",
                "{\"v\":1,\"f\":\"" + FINGERPRINT + "\",\"k\":[[\"u\",\"not-a-uuid\"]]}",
                "{\"v\":1,\"f\":\"" + FINGERPRINT + "\",\"k\":[[\"D\",\"2024-13-01\"]]}",
                "{\"v\":1,\"f\":\"" + FINGERPRINT + "\",\"k\":[[\"T\",\"yesterday\"]]}",
                "{\"v\":1,\"f\":\"" + FINGERPRINT + "\",\"k\":[[\"d\",\"1e\"]]}",
                "{\"v\":1,\"f\":\"" + FINGERPRINT + "\",\"k\":[[\"?\",\"1\"]]}",
                "{\"v\":1,\"f\":\"" + FINGERPRINT + "\",\"k\":[[\"i\"]]}",
                "{\"v\":1,\"f\":\"" + FINGERPRINT + "\",\"k\":[7]}",
                "{\"v\":1,\"f\":\"" + FINGERPRINT + "\",\"k\":[[\"i\",\"1\"]],\"r\":[1]",
                "[".repeat(2000) + "]".repeat(2000)));
        for (String payload : payloads) {
            byte[] body = payload.getBytes(UTF_8);
            assertInvalid(ENCODER.encodeToString(body) + "." + ENCODER.encodeToString(hmac(body)));
        }
    }

    @Test
    void refusesASecretShorterThan32Bytes() {
        assertThatThrownBy(() -> new ContinuationTokens(new byte[31]))
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessageContaining("32 bytes");
    }

    @Test
    void refusesValuesItCannotEncode() {
        assertThatThrownBy(() -> tokens.encode(FINGERPRINT, List.of(new Object()), OptionalInt.empty()))
                .isInstanceOf(IllegalArgumentException.class);
    }

    @Test
    void fingerprintsAreStableShortAndDistinct() {
        assertThat(ContinuationTokens.fingerprint("a"))
                .isEqualTo(ContinuationTokens.fingerprint("a"))
                .hasSize(16);
        assertThat(ContinuationTokens.fingerprint("a")).isNotEqualTo(ContinuationTokens.fingerprint("b"));
    }

    private void assertInvalid(String token) {
        assertThatThrownBy(() -> tokens.decode(token, FINGERPRINT, 1))
                .as("token %s", token.length() > 80 ? token.substring(0, 80) + "…" : token)
                .isInstanceOfSatisfying(GatewayException.class, exception -> assertThat(exception.errorCode())
                        .isEqualTo(ErrorCode.INVALID_SKIP_TOKEN));
    }

    private static char flip(char c) {
        return c == 'A' ? 'B' : 'A';
    }

    private static byte[] hmac(byte[] body) {
        try {
            Mac mac = Mac.getInstance("HmacSHA256");
            mac.init(new SecretKeySpec(ContactFixtures.SECRET, "HmacSHA256"));
            return mac.doFinal(body);
        } catch (GeneralSecurityException e) {
            throw new IllegalStateException(e);
        }
    }
}
