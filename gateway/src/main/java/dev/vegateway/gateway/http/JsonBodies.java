package dev.vegateway.gateway.http;

import com.fasterxml.jackson.core.JsonParser;
import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.DeserializationFeature;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.vegateway.adapter.error.ErrorCode;
import dev.vegateway.adapter.error.GatewayException;
import java.io.IOException;

/**
 * Reads a request's JSON body, the one way every endpoint does: strict (a duplicate name or
 * anything after the value is malformed), numbers as {@code Long}/{@code BigDecimal}, and 400
 * {@code 0x80048d19} naming the line and column of what is wrong.
 */
final class JsonBodies {
    private static final ObjectMapper JSON = new ObjectMapper()
            .enable(DeserializationFeature.USE_BIG_DECIMAL_FOR_FLOATS)
            .enable(DeserializationFeature.USE_LONG_FOR_INTS)
            .enable(DeserializationFeature.FAIL_ON_TRAILING_TOKENS)
            .enable(JsonParser.Feature.STRICT_DUPLICATE_DETECTION);

    private JsonBodies() {}

    /** The body as a JSON object; {@code expected} says what the object holds ("field values"). */
    static ObjectNode object(byte[] body, String expected) {
        JsonNode root;
        try {
            root = JSON.readTree(body);
        } catch (JsonProcessingException e) {
            throw GatewayException.of(
                    ErrorCode.MALFORMED_PAYLOAD,
                    "The request body is not valid JSON (line %d, column %d).",
                    e.getLocation() == null ? 0 : e.getLocation().getLineNr(),
                    e.getLocation() == null ? 0 : e.getLocation().getColumnNr());
        } catch (IOException e) {
            throw GatewayException.of(ErrorCode.MALFORMED_PAYLOAD, "The request body could not be read.");
        }
        if (root == null || !root.isObject()) {
            throw GatewayException.of(
                    ErrorCode.MALFORMED_PAYLOAD, "The request body must be a JSON object of %s.", expected);
        }
        return (ObjectNode) root;
    }
}
