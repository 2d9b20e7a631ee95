package dev.vegateway.adapter.plan;

import static java.nio.charset.StandardCharsets.UTF_8;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.vegateway.adapter.error.ErrorCode;
import dev.vegateway.adapter.error.GatewayException;
import java.math.BigDecimal;
import java.security.GeneralSecurityException;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.time.LocalDate;
import java.time.OffsetDateTime;
import java.util.ArrayList;
import java.util.Base64;
import java.util.List;
import java.util.OptionalInt;
import java.util.UUID;
import javax.crypto.Mac;
import javax.crypto.spec.SecretKeySpec;

/**
 * Opaque, tamper-evident continuation tokens ({@code $skiptoken}, QueryExpression paging
 * cookies). A token holds the sort-key values of the last row returned (a keyset position,
 * so page 1,000 costs what page 1 costs), what is left of $top, and the fingerprint of the
 * query and caller it belongs to, signed with HMAC-SHA256 under a secret shared by every
 * gateway node. No server-side state: any node can continue, also after a restart.
 */
public final class ContinuationTokens {
    private static final ObjectMapper JSON = new ObjectMapper();
    private static final Base64.Encoder ENCODER = Base64.getUrlEncoder().withoutPadding();
    private static final Base64.Decoder DECODER = Base64.getUrlDecoder();
    private static final int VERSION = 1;
    private static final int MAX_TOKEN_LENGTH = 8192;

    private final SecretKeySpec key;
    private final ThreadLocal<Mac> macs;

    public ContinuationTokens(byte[] secret) {
        if (secret.length < 32) {
            throw new IllegalArgumentException("the continuation token secret must have at least 32 bytes");
        }
        this.key = new SecretKeySpec(secret.clone(), "HmacSHA256");
        this.macs = ThreadLocal.withInitial(this::newMac);
    }

    /** A token continuing after a row whose sort keys had {@code values}. */
    public String encode(String fingerprint, List<Object> values, OptionalInt remaining) {
        ObjectNode payload = JSON.createObjectNode();
        payload.put("v", VERSION);
        payload.put("f", fingerprint);
        ArrayNode keys = payload.putArray("k");
        for (Object value : values) {
            keys.add(encodeValue(value));
        }
        if (remaining.isPresent()) {
            payload.put("r", remaining.getAsInt());
        }
        byte[] body = payload.toString().getBytes(UTF_8);
        return ENCODER.encodeToString(body) + "." + ENCODER.encodeToString(sign(body));
    }

    /** The decoded position; any token that was not made by us for this very query and caller is refused. */
    public Position decode(String token, String expectedFingerprint, int expectedKeys) {
        if (token.length() > MAX_TOKEN_LENGTH) {
            throw invalid("it is too long");
        }
        int dot = token.indexOf('.');
        if (dot < 0) {
            throw invalid("it is malformed");
        }
        byte[] body;
        byte[] signature;
        try {
            body = DECODER.decode(token.substring(0, dot));
            signature = DECODER.decode(token.substring(dot + 1));
        } catch (IllegalArgumentException e) {
            throw invalid("it is malformed");
        }
        if (!MessageDigest.isEqual(sign(body), signature)) {
            throw invalid("its signature does not match (it was changed, or made by another deployment)");
        }
        try {
            JsonNode payload = JSON.readTree(body);
            if (payload.path("v").asInt() != VERSION) {
                throw invalid("it has an unknown version");
            }
            if (!expectedFingerprint.equals(payload.path("f").asText())) {
                throw invalid("it belongs to a different query or caller");
            }
            JsonNode keys = payload.path("k");
            if (!keys.isArray() || keys.size() != expectedKeys) {
                throw invalid("it is malformed");
            }
            List<Object> values = new ArrayList<>(keys.size());
            for (JsonNode key : keys) {
                values.add(decodeValue(key));
            }
            OptionalInt remaining =
                    payload.has("r") ? OptionalInt.of(payload.get("r").asInt()) : OptionalInt.empty();
            return new Position(values, remaining);
        } catch (java.io.IOException | RuntimeException e) {
            if (e instanceof GatewayException gatewayException) {
                throw gatewayException;
            }
            throw invalid("it is malformed");
        }
    }

    /** The sort-key values of the last row returned (nulls allowed) and what is left of $top. */
    public record Position(List<Object> values, OptionalInt remaining) {}

    /** A short, stable digest of a canonical description of a query and its caller. */
    public static String fingerprint(String canonical) {
        try {
            byte[] digest = MessageDigest.getInstance("SHA-256").digest(canonical.getBytes(UTF_8));
            return ENCODER.encodeToString(java.util.Arrays.copyOf(digest, 12));
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException("SHA-256 is missing from this JVM", e);
        }
    }

    private static GatewayException invalid(String reason) {
        return GatewayException.of(
                ErrorCode.INVALID_SKIP_TOKEN,
                "The paging token ($skiptoken or PagingCookie) is not valid: %s. Start again from the first page.",
                reason);
    }

    private byte[] sign(byte[] body) {
        Mac mac = macs.get();
        mac.reset();
        return mac.doFinal(body);
    }

    private Mac newMac() {
        try {
            Mac mac = Mac.getInstance("HmacSHA256");
            mac.init(key);
            return mac;
        } catch (GeneralSecurityException e) {
            throw new IllegalStateException("HmacSHA256 is missing from this JVM", e);
        }
    }

    private static ArrayNode encodeValue(Object value) {
        ArrayNode pair = JSON.createArrayNode();
        if (value == null) {
            return pair.add("n");
        }
        String tag;
        if (value instanceof String) {
            tag = "s";
        } else if (value instanceof Integer) {
            tag = "i";
        } else if (value instanceof Long) {
            tag = "l";
        } else if (value instanceof BigDecimal) {
            tag = "d";
        } else if (value instanceof Double) {
            tag = "f";
        } else if (value instanceof Boolean) {
            tag = "b";
        } else if (value instanceof UUID) {
            tag = "u";
        } else if (value instanceof LocalDate) {
            tag = "D";
        } else if (value instanceof OffsetDateTime) {
            tag = "T";
        } else {
            throw new IllegalArgumentException(
                    "cannot put a " + value.getClass().getName() + " in a continuation token");
        }
        return pair.add(tag).add(value instanceof BigDecimal decimal ? decimal.toPlainString() : value.toString());
    }

    private static Object decodeValue(JsonNode pair) {
        String tag = pair.path(0).asText();
        if (tag.equals("n")) {
            return null;
        }
        String text = pair.path(1).asText();
        return switch (tag) {
            case "s" -> text;
            case "i" -> Integer.valueOf(text);
            case "l" -> Long.valueOf(text);
            case "d" -> new BigDecimal(text);
            case "f" -> Double.valueOf(text);
            case "b" -> Boolean.valueOf(text);
            case "u" -> UUID.fromString(text);
            case "D" -> LocalDate.parse(text);
            case "T" -> OffsetDateTime.parse(text);
            default -> throw new IllegalArgumentException("unknown tag");
        };
    }
}
