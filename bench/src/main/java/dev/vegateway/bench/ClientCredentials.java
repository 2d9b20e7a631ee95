package dev.vegateway.bench;

import static java.nio.charset.StandardCharsets.UTF_8;
import static java.util.Objects.requireNonNull;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.nimbusds.jwt.SignedJWT;
import java.io.IOException;
import java.net.URI;
import java.net.URLEncoder;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.text.ParseException;
import java.time.Duration;
import java.time.Instant;
import java.util.Date;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Optional;
import java.util.stream.Collectors;

/**
 * The OAuth 2.0 client-credentials grant (RFC 6749 §4.4): POSTs {@code grant_type=client_credentials},
 * {@code client_id}, {@code client_secret} and, if given, {@code scope} as a form to the token endpoint
 * (as Microsoft Entra ID, Keycloak and most others accept) and reads {@code access_token} and
 * {@code expires_in} (a number or a numeric string) from the JSON answer; the token expires then, or
 * at its own {@code exp} if it is a JWT and that comes first.
 */
record ClientCredentials(
        URI endpoint, String clientId, String clientSecret, Optional<String> scope, HttpClient client, Duration timeout)
        implements RefreshingToken.Issuer {
    private static final ObjectMapper JSON = new ObjectMapper();

    ClientCredentials {
        requireNonNull(endpoint, "endpoint is null");
        requireNonNull(clientId, "clientId is null");
        requireNonNull(clientSecret, "clientSecret is null");
        requireNonNull(scope, "scope is null");
        requireNonNull(client, "client is null");
        requireNonNull(timeout, "timeout is null");
        if (clientId.isBlank()) {
            throw new IllegalArgumentException("--client-id is blank");
        }
        if (clientSecret.isEmpty()) {
            throw new IllegalArgumentException("the client secret is empty");
        }
    }

    /** The form sent to the token endpoint. */
    String form() {
        Map<String, String> fields = new LinkedHashMap<>();
        fields.put("grant_type", "client_credentials");
        fields.put("client_id", clientId);
        fields.put("client_secret", clientSecret);
        scope.ifPresent(value -> fields.put("scope", value));
        return fields.entrySet().stream()
                .map(field ->
                        URLEncoder.encode(field.getKey(), UTF_8) + "=" + URLEncoder.encode(field.getValue(), UTF_8))
                .collect(Collectors.joining("&"));
    }

    @Override
    public RefreshingToken.Issued issue(Instant now) throws IOException, InterruptedException {
        HttpRequest request = HttpRequest.newBuilder(endpoint)
                .timeout(timeout)
                .header("Content-Type", "application/x-www-form-urlencoded")
                .header("Accept", "application/json")
                .POST(HttpRequest.BodyPublishers.ofString(form()))
                .build();
        HttpResponse<String> response = client.send(request, HttpResponse.BodyHandlers.ofString());
        JsonNode answer;
        try {
            answer = JSON.readTree(response.body());
        } catch (IOException e) {
            answer = null;
        }
        if (response.statusCode() / 100 != 2) {
            String reason = answer != null && answer.hasNonNull("error")
                    ? answer.path("error").asText()
                            + (answer.hasNonNull("error_description")
                                    ? ": " + answer.path("error_description").asText()
                                    : "")
                    : Workload.abbreviate(response.body());
            throw new IOException("the token endpoint " + endpoint + " answered " + response.statusCode() + " ("
                    + Workload.abbreviate(reason) + ")");
        }
        if (answer == null
                || !answer.path("access_token").isTextual()
                || answer.path("access_token").asText().isBlank()) {
            throw new IOException("the token endpoint " + endpoint + " answered " + response.statusCode()
                    + " without an access_token");
        }
        String token = answer.path("access_token").asText();
        return new RefreshingToken.Issued(token, expiry(answer.path("expires_in"), token, now, endpoint));
    }

    /**
     * When the token expires: {@code expires_in} after {@code now}, or its {@code exp} claim if it is a
     * JWT, whichever comes first ({@code exp} counts whole seconds, so it can fall up to a second before
     * what {@code expires_in} says); {@link Instant#MAX} when neither is known.
     */
    private static Instant expiry(JsonNode expiresIn, String token, Instant now, URI endpoint) throws IOException {
        Instant expiry = Instant.MAX;
        if (expiresIn.isNumber() || expiresIn.isTextual()) {
            long seconds;
            try {
                seconds = expiresIn.isNumber()
                        ? expiresIn.asLong()
                        : Long.parseLong(expiresIn.asText().strip());
            } catch (NumberFormatException e) {
                throw new IOException("the token endpoint " + endpoint + " answered expires_in '" + expiresIn.asText()
                        + "', which is not a number of seconds");
            }
            if (seconds <= 0) {
                throw new IOException("the token endpoint " + endpoint + " answered expires_in " + seconds);
            }
            expiry = now.plusSeconds(seconds);
        }
        try {
            Date expiration = SignedJWT.parse(token).getJWTClaimsSet().getExpirationTime();
            if (expiration != null && expiration.toInstant().isBefore(expiry)) {
                expiry = expiration.toInstant();
            }
        } catch (ParseException e) {
            // An opaque token: expires_in is all there is to go by.
        }
        return expiry;
    }
}
