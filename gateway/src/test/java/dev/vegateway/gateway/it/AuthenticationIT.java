package dev.vegateway.gateway.it;

import static java.nio.charset.StandardCharsets.UTF_8;
import static org.assertj.core.api.Assertions.assertThat;

import com.nimbusds.jose.JOSEObjectType;
import com.nimbusds.jose.JWSAlgorithm;
import com.nimbusds.jose.JWSHeader;
import com.nimbusds.jose.JWSSigner;
import com.nimbusds.jose.crypto.MACSigner;
import com.nimbusds.jose.crypto.RSASSASigner;
import com.nimbusds.jose.jwk.JWK;
import com.nimbusds.jose.jwk.RSAKey;
import com.nimbusds.jose.jwk.gen.RSAKeyGenerator;
import com.nimbusds.jose.util.Base64URL;
import com.nimbusds.jwt.JWTClaimsSet;
import com.nimbusds.jwt.PlainJWT;
import com.nimbusds.jwt.SignedJWT;
import dev.vegateway.config.GatewayConfig.BackendKind;
import dev.vegateway.gateway.demo.DemoIdentities;
import io.restassured.response.Response;
import io.restassured.specification.RequestSpecification;
import java.io.InputStream;
import java.nio.file.Files;
import java.time.Duration;
import java.time.Instant;
import java.util.Date;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.UUID;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestInstance;

/**
 * End-to-end authentication (SPEC 4) and the headers every response carries (SPEC 3): real HTTPS
 * requests with real tokens, against one gateway per backend. Tokens the dev issuer cannot mint
 * (wrong iss/aud, missing exp, forged) are signed here with the dev issuer's own private key,
 * read from its key file, so that each is refused for exactly the one rule it breaks.
 */
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
abstract class AuthenticationIT {
    static final String DISABLED_APP = "55555555-5555-4555-8555-555555555555";
    static final String ROLELESS_APP = "44444444-4444-4444-8444-444444444444";
    private static final String CUSTOMERS = "/mserp_custcustomerv3entities?$top=1";
    private static final Pattern GUID =
            Pattern.compile("[0-9a-fA-F]{8}-[0-9a-fA-F]{4}-[0-9a-fA-F]{4}-[0-9a-fA-F]{4}-[0-9a-fA-F]{12}");
    private static final Pattern TIMING = Pattern.compile("([a-z]+);dur=(\\d+(?:\\.\\d+)?)");

    private TestGateway gateway;
    private RSAKey devKey;
    private final Set<String> serviceRequestIds = new HashSet<>();

    abstract BackendKind kind();

    @BeforeAll
    void start() throws Exception {
        gateway = TestGateway.start(TestBackend.fresh(kind()), securityYaml());
        devKey = (RSAKey) JWK.parse(Files.readString(gateway.folder().resolve("dev-issuer-key.json"), UTF_8));
        assertThat(devKey.isPrivate()).isTrue();
    }

    @AfterAll
    void stop() throws Exception {
        if (gateway != null) {
            gateway.close();
        }
    }

    /** The demo security data plus a disabled application and one without CDSVirtualEntityApplication. */
    static String securityYaml() throws Exception {
        String demo;
        try (InputStream in = AuthenticationIT.class.getClassLoader().getResourceAsStream("demo/security.yaml")) {
            demo = new String(in.readAllBytes(), UTF_8);
        }
        String extra =
                """
                  - { appId: %s, name: Disabled application, kind: dataverse, enabled: false, roles: [CDSVirtualEntityApplication] }
                  - { appId: %s, name: Roleless application, kind: dataverse, enabled: true, roles: [] }

                portal:
                """
                        .formatted(DISABLED_APP, ROLELESS_APP);
        assertThat(demo).contains("\nportal:\n");
        return demo.replace("\n\nportal:\n", "\n" + extra);
    }

    // ---- accepted tokens

    @Test
    void validTokenReadsData() {
        Response response = call(bearer(gateway.token(TestGateway.DATAVERSE_APP)), CUSTOMERS);
        assertThat(response.statusCode()).as(response.asString()).isEqualTo(200);
        assertThat(response.jsonPath().getList("value")).hasSize(1);
    }

    @Test
    void selfSignedTokenWithCorrectClaimsIsAccepted() {
        // Control for the forged tokens below: the hand-made signing is right, so each refusal is for its one defect.
        Response response = call(bearer(signWithDevKey(claims().build())), CUSTOMERS);
        assertThat(response.statusCode()).as(response.asString()).isEqualTo(200);
    }

    @Test
    void v2TokenWithAzpInsteadOfAppidIsAccepted() {
        JWTClaimsSet claims = claims().claim("appid", null)
                .claim("azp", TestGateway.DATAVERSE_APP)
                .claim("ver", "2.0")
                .build();
        Response response = call(bearer(signWithDevKey(claims)), CUSTOMERS);
        assertThat(response.statusCode()).as(response.asString()).isEqualTo(200);
    }

    @Test
    void tokenWithinClockSkewIsAccepted() {
        String token = gateway.issuer()
                .mint(
                        TestGateway.DATAVERSE_APP,
                        Duration.ofMinutes(30),
                        Map.of(),
                        Instant.now().plusSeconds(20));
        Response response = call(bearer(token), CUSTOMERS);
        assertThat(response.statusCode()).as(response.asString()).isEqualTo(200);
    }

    // ---- refused tokens: 401

    @Test
    void expiredToken() {
        String token = gateway.issuer()
                .mint(
                        TestGateway.DATAVERSE_APP,
                        Duration.ofMinutes(5),
                        Map.of(),
                        Instant.now().minus(Duration.ofHours(1)));
        assertInvalidToken(call(bearer(token), CUSTOMERS), "expired");
    }

    @Test
    void tokenNotYetValid() {
        String token = gateway.issuer()
                .mint(
                        TestGateway.DATAVERSE_APP,
                        Duration.ofMinutes(30),
                        Map.of(),
                        Instant.now().plus(Duration.ofMinutes(10)));
        assertInvalidToken(call(bearer(token), CUSTOMERS), "not valid before");
    }

    @Test
    void wrongIssuer() {
        String token = signWithDevKey(
                claims().issuer("https://login.microsoftonline.com/evil/v2.0").build());
        assertInvalidToken(call(bearer(token), CUSTOMERS), "issuer");
    }

    @Test
    void missingIssuer() {
        String token = signWithDevKey(claims().issuer(null).build());
        assertInvalidToken(call(bearer(token), CUSTOMERS), "issuer");
    }

    @Test
    void wrongAudience() {
        String token = signWithDevKey(claims().audience("urn:some-other-api").build());
        assertInvalidToken(call(bearer(token), CUSTOMERS), "audience");
    }

    @Test
    void missingExpiry() {
        String token = signWithDevKey(claims().expirationTime(null).build());
        assertInvalidToken(call(bearer(token), CUSTOMERS), "exp");
    }

    @Test
    void missingApplicationClaim() {
        String token = signWithDevKey(claims().claim("appid", null).build());
        assertInvalidToken(call(bearer(token), CUSTOMERS), "appid");
    }

    @Test
    void unknownKeyId() throws Exception {
        RSAKey attacker = new RSAKeyGenerator(2048).keyID("attacker-key").generate();
        String token = sign(
                attacker,
                new JWSHeader.Builder(JWSAlgorithm.RS256)
                        .keyID("attacker-key")
                        .type(JOSEObjectType.JWT)
                        .build(),
                claims().build());
        assertInvalidToken(call(bearer(token), CUSTOMERS), "attacker-key");
    }

    @Test
    void foreignKeyUnderTheDevIssuersKeyId() throws Exception {
        RSAKey attacker = new RSAKeyGenerator(2048).keyID(devKey.getKeyID()).generate();
        String token = sign(attacker, header().build(), claims().build());
        assertInvalidToken(call(bearer(token), CUSTOMERS), "signature");
    }

    @Test
    void embeddedJwkAndJkuHeadersAreNotFollowed() throws Exception {
        RSAKey attacker = new RSAKeyGenerator(2048).keyID("embedded").generate();
        JWSHeader header = new JWSHeader.Builder(JWSAlgorithm.RS256)
                .keyID("embedded")
                .type(JOSEObjectType.JWT)
                .jwk(attacker.toPublicJWK())
                .jwkURL(java.net.URI.create("https://attacker.example/keys"))
                .build();
        assertInvalidToken(call(bearer(sign(attacker, header, claims().build())), CUSTOMERS), "embedded");
    }

    @Test
    void algNone() {
        String token = new PlainJWT(claims().build()).serialize();
        assertInvalidToken(call(bearer(token), CUSTOMERS), "none");
        // The same, with "alg":"none" spelled in a header that also names the dev issuer's key.
        String header = Base64URL.encode("{\"alg\":\"none\",\"kid\":\"" + devKey.getKeyID() + "\",\"typ\":\"JWT\"}")
                .toString();
        String payload = Base64URL.encode(claims().build().toString()).toString();
        assertInvalidToken(call(bearer(header + "." + payload + "."), CUSTOMERS), "none");
    }

    @Test
    void hmacSignedWithThePublicKey() throws Exception {
        byte[] publicKey = devKey.toRSAPublicKey().getEncoded();
        JWSHeader header = new JWSHeader.Builder(JWSAlgorithm.HS256)
                .keyID(devKey.getKeyID())
                .type(JOSEObjectType.JWT)
                .build();
        assertInvalidToken(call(bearer(sign(new MACSigner(publicKey), header, claims().build())), CUSTOMERS), "HS256");
        byte[] publicJwk = devKey.toPublicJWK().toJSONString().getBytes(UTF_8);
        assertInvalidToken(call(bearer(sign(new MACSigner(publicJwk), header, claims().build())), CUSTOMERS), "HS256");
    }

    @Test
    void tamperedPayload() {
        String[] parts = gateway.token(TestGateway.DATAVERSE_APP).split("\\.");
        JWTClaimsSet changed = claims().claim("appid", TestGateway.PORTAL_APP)
                .claim("sub", TestGateway.PORTAL_APP)
                .build();
        String tampered = parts[0] + "." + Base64URL.encode(changed.toString()) + "." + parts[2];
        assertInvalidToken(call(bearer(tampered), CUSTOMERS), "signature");
    }

    @Test
    void tamperedSignature() {
        String token = gateway.token(TestGateway.DATAVERSE_APP);
        char last = token.charAt(token.length() - 2);
        String tampered =
                token.substring(0, token.length() - 2) + (last == 'A' ? 'B' : 'A') + token.charAt(token.length() - 1);
        assertInvalidToken(call(bearer(tampered), CUSTOMERS), "signature");
    }

    @Test
    void garbageTokens() {
        assertInvalidToken(call(bearer("not-a-jwt"), CUSTOMERS), "well-formed");
        assertInvalidToken(call(bearer("a.b.c"), CUSTOMERS), "well-formed");
        assertInvalidToken(call(gateway.anonymous().header("Authorization", "Bearer"), CUSTOMERS), "no token");
    }

    @Test
    void missingAuthorizationHeader() {
        assertInvalidToken(call(gateway.anonymous(), CUSTOMERS), "Authorization");
        assertInvalidToken(call(gateway.anonymous(), "/"), "Authorization");
        assertInvalidToken(call(gateway.anonymous(), "/$metadata"), "Authorization");
    }

    @Test
    void basicScheme() {
        String credentials = java.util.Base64.getEncoder().encodeToString("admin:admin".getBytes(UTF_8));
        assertInvalidToken(
                call(gateway.anonymous().header("Authorization", "Basic " + credentials), CUSTOMERS), "Bearer");
    }

    @Test
    void oversizedToken() {
        // Correctly signed by the trusted key, but longer than the 16 KiB limit.
        String token =
                signWithDevKey(claims().claim("padding", "x".repeat(17 * 1024)).build());
        assertThat(token.length()).isGreaterThan(16 * 1024);
        Response response = bearer(token).get(CUSTOMERS);
        assertInvalidToken(response, "longer");
        assertCommonHeaders(response);
    }

    @Test
    void largeTokenWithinTheLimitIsAccepted() {
        // Entra tokens with many claims are large; the limit is 16 KiB, so a token of about 11 KiB must pass.
        String token =
                signWithDevKey(claims().claim("padding", "x".repeat(8000)).build());
        assertThat(token.length()).isBetween(9 * 1024, 16 * 1024);
        Response response = bearer(token).get(CUSTOMERS);
        assertThat(response.statusCode()).as(response.asString()).isEqualTo(200);
    }

    // ---- valid tokens of applications that may not call: 403

    @Test
    void unregisteredApplication() {
        String appId = UUID.randomUUID().toString();
        Response response = call(bearer(gateway.token(appId)), CUSTOMERS);
        assertForbiddenApplication(response, "not registered");
        assertThat(response.jsonPath().getString("error.message")).contains(appId);
        // Not even the service document or $metadata.
        assertForbiddenApplication(call(bearer(gateway.token(appId)), "/"), "not registered");
        assertForbiddenApplication(call(bearer(gateway.token(appId)), "/$metadata"), "not registered");
    }

    @Test
    void disabledApplication() {
        assertForbiddenApplication(
                call(bearer(gateway.token(DISABLED_APP)).header("MSCRMCallerID", alice()), CUSTOMERS), "disabled");
        assertForbiddenApplication(call(bearer(gateway.token(DISABLED_APP)), "/"), "disabled");
    }

    @Test
    void applicationWithoutVirtualEntityRole() {
        assertForbiddenApplication(
                call(bearer(gateway.token(ROLELESS_APP)).header("MSCRMCallerID", alice()), CUSTOMERS),
                "CDSVirtualEntityApplication");
        assertForbiddenApplication(
                call(bearer(gateway.token(ROLELESS_APP)), "/$metadata"), "CDSVirtualEntityApplication");
    }

    // ---- headers

    @Test
    void serviceRequestIdsDifferPerRequest() {
        Set<String> ids = new HashSet<>();
        String token = gateway.token(TestGateway.DATAVERSE_APP);
        for (int i = 0; i < 3; i++) {
            ids.add(call(bearer(token), CUSTOMERS).header("x-ms-service-request-id"));
            ids.add(call(gateway.anonymous(), CUSTOMERS).header("x-ms-service-request-id"));
            ids.add(call(bearer(gateway.token(UUID.randomUUID().toString())), CUSTOMERS)
                    .header("x-ms-service-request-id"));
        }
        assertThat(ids).hasSize(9).doesNotContainNull();
    }

    @Test
    void clientRequestIdIsEchoedOnSuccessAndError() {
        for (RequestSpecification request :
                List.of(bearer(gateway.token(TestGateway.DATAVERSE_APP)), gateway.anonymous())) {
            String clientId = "client-" + UUID.randomUUID();
            Response response =
                    request.header("x-ms-client-request-id", clientId).get(CUSTOMERS);
            assertThat(response.header("x-ms-client-request-id")).isEqualTo(clientId);
        }
        Response without = gateway.application().get("/");
        assertThat(without.statusCode()).isEqualTo(200);
        assertThat(without.header("x-ms-client-request-id")).isNull();
        assertThat(without.header("OData-Version")).isEqualTo("4.0");
    }

    // ---- helpers

    private RequestSpecification bearer(String token) {
        return gateway.anonymous().header("Authorization", "Bearer " + token).header("MSCRMCallerID", alice());
    }

    private static String alice() {
        return DemoIdentities.ALICE_SALES_MANAGER.id().toString();
    }

    /** Sends GET {@code path} with a fresh client request id and checks the headers every response carries. */
    private Response call(RequestSpecification request, String path) {
        String clientId = UUID.randomUUID().toString();
        Response response = request.header("x-ms-client-request-id", clientId).get(path);
        assertThat(response.statusCode())
                .as("never a 5xx: %s", response.asString())
                .isLessThan(500);
        assertCommonHeaders(response);
        assertThat(response.header("x-ms-client-request-id")).isEqualTo(clientId);
        return response;
    }

    private void assertCommonHeaders(Response response) {
        assertThat(response.header("OData-Version")).isEqualTo("4.0");
        String requestId = response.header("x-ms-service-request-id");
        assertThat(requestId).isNotNull().matches(GUID);
        assertThat(serviceRequestIds.add(requestId))
                .as("service request id %s is fresh", requestId)
                .isTrue();
        String timing = response.header("Server-Timing");
        assertThat(timing).as("Server-Timing").isNotNull();
        Map<String, Double> durations = new LinkedHashMap<>();
        Matcher matcher = TIMING.matcher(timing);
        while (matcher.find()) {
            durations.put(matcher.group(1), Double.parseDouble(matcher.group(2)));
        }
        assertThat(durations).as(timing).containsOnlyKeys("auth", "authz", "pool", "db", "ser", "total");
        assertThat(durations.get("total")).isGreaterThanOrEqualTo(durations.get("auth"));
    }

    private static void assertInvalidToken(Response response, String reason) {
        assertThat(response.statusCode()).as(response.asString()).isEqualTo(401);
        String challenge = response.header("WWW-Authenticate");
        assertThat(challenge).isNotNull().startsWith("Bearer error=\"invalid_token\"");
        assertThat(response.contentType()).startsWith("application/json");
        assertThat(response.jsonPath().getString("error.code")).isEqualTo("0x8ff00030");
        String message = response.jsonPath().getString("error.message");
        assertThat(message).containsIgnoringCase(reason);
        assertThat(challenge).containsIgnoringCase(reason.replace("\"", "'"));
        assertNoLeak(response);
    }

    private static void assertForbiddenApplication(Response response, String reason) {
        assertThat(response.statusCode()).as(response.asString()).isEqualTo(403);
        assertThat(response.header("WWW-Authenticate")).isNull();
        assertThat(response.jsonPath().getString("error.code")).isEqualTo("0x8ff00031");
        assertThat(response.jsonPath().getString("error.message")).contains(reason);
        assertNoLeak(response);
    }

    private static void assertNoLeak(Response response) {
        assertThat(response.asString()).doesNotContain("Exception", "\tat ", "eyJ");
    }

    private JWTClaimsSet.Builder claims() {
        Instant now = Instant.now();
        return new JWTClaimsSet.Builder()
                .issuer("urn:vegateway:dev-issuer")
                .audience("urn:vegateway:api")
                .subject(TestGateway.DATAVERSE_APP)
                .claim("appid", TestGateway.DATAVERSE_APP)
                .claim("ver", "1.0")
                .issueTime(Date.from(now))
                .notBeforeTime(Date.from(now))
                .expirationTime(Date.from(now.plus(Duration.ofMinutes(30))))
                .jwtID(UUID.randomUUID().toString());
    }

    private JWSHeader.Builder header() {
        return new JWSHeader.Builder(JWSAlgorithm.RS256)
                .keyID(devKey.getKeyID())
                .type(JOSEObjectType.JWT);
    }

    private String signWithDevKey(JWTClaimsSet claims) {
        return sign(devKey, header().build(), claims);
    }

    private static String sign(RSAKey key, JWSHeader header, JWTClaimsSet claims) {
        try {
            return sign(new RSASSASigner(key), header, claims);
        } catch (Exception e) {
            throw new IllegalStateException(e);
        }
    }

    private static String sign(JWSSigner signer, JWSHeader header, JWTClaimsSet claims) {
        SignedJWT jwt = new SignedJWT(header, claims);
        try {
            jwt.sign(signer);
        } catch (Exception e) {
            throw new IllegalStateException(e);
        }
        return jwt.serialize();
    }
}
