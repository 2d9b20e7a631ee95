package dev.vegateway.gateway.scim;

import static java.util.Objects.requireNonNull;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.vegateway.adapter.error.ErrorCode;
import dev.vegateway.adapter.error.GatewayException;
import dev.vegateway.adapter.security.ApplicationUser;
import dev.vegateway.adapter.security.CallerResolver;
import dev.vegateway.adapter.security.Directory;
import dev.vegateway.adapter.security.DirectoryGroup;
import dev.vegateway.adapter.security.DirectoryGroupFields;
import dev.vegateway.adapter.security.DirectoryQuery;
import dev.vegateway.adapter.security.DirectoryUser;
import dev.vegateway.adapter.security.DirectoryUserFields;
import dev.vegateway.gateway.auth.TokenValidator;
import java.io.IOException;
import java.io.InputStream;
import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Optional;
import java.util.UUID;
import org.eclipse.jetty.http.HttpHeader;
import org.eclipse.jetty.io.Content;
import org.eclipse.jetty.server.Handler;
import org.eclipse.jetty.server.Request;
import org.eclipse.jetty.server.Response;
import org.eclipse.jetty.util.Callback;
import org.eclipse.jetty.util.Fields;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The SCIM 2.0 service provider (RFC 7643/7644, issue 15) at {@code /scim/v2}: Users and Groups
 * of the {@link Directory}, for the token of a provisioning application only. Any other path goes
 * to {@code next}.
 */
public final class ScimHandler extends Handler.Abstract {
    public static final String ROOT = "/scim/v2";

    static final String CONTENT_TYPE = "application/scim+json; charset=utf-8";
    static final String USER_SCHEMA = "urn:ietf:params:scim:schemas:core:2.0:User";
    static final String GROUP_SCHEMA = "urn:ietf:params:scim:schemas:core:2.0:Group";
    static final String PATCH_SCHEMA = "urn:ietf:params:scim:api:messages:2.0:PatchOp";
    static final String LIST_SCHEMA = "urn:ietf:params:scim:api:messages:2.0:ListResponse";
    static final String ERROR_SCHEMA = "urn:ietf:params:scim:api:messages:2.0:Error";
    static final String SERVICE_PROVIDER_CONFIG_SCHEMA = "urn:ietf:params:scim:schemas:core:2.0:ServiceProviderConfig";
    /** Resources in a list page when the request does not say. */
    static final int DEFAULT_COUNT = 100;
    /** The most resources in a list page. */
    static final int MAXIMUM_COUNT = 1000;

    private static final Logger LOG = LoggerFactory.getLogger(ScimHandler.class);
    private static final ObjectMapper JSON = new ObjectMapper();

    private final TokenValidator tokens;
    private final CallerResolver callers;
    private final Directory directory;
    private final long maxRequestBodyBytes;
    private final Handler next;

    public ScimHandler(
            TokenValidator tokens,
            CallerResolver callers,
            Directory directory,
            long maxRequestBodyBytes,
            Handler next) {
        this.tokens = requireNonNull(tokens, "tokens is null");
        this.callers = requireNonNull(callers, "callers is null");
        this.directory = requireNonNull(directory, "directory is null");
        this.maxRequestBodyBytes = maxRequestBodyBytes;
        this.next = requireNonNull(next, "next is null");
    }

    @Override
    protected void doStart() throws Exception {
        next.setServer(getServer());
        next.start();
        super.doStart();
    }

    @Override
    protected void doStop() throws Exception {
        super.doStop();
        next.stop();
    }

    @Override
    public boolean handle(Request request, Response response, Callback callback) throws Exception {
        String path = request.getHttpURI().getPath();
        if (path == null || !(path.equals(ROOT) || path.startsWith(ROOT + "/"))) {
            return next.handle(request, response, callback);
        }
        String requestId = UUID.randomUUID().toString();
        response.getHeaders().put("x-ms-service-request-id", requestId);
        String application = "-";
        int status;
        byte[] body;
        try {
            ApplicationUser caller = callers.provisioningApplication(
                    tokens.validate(request.getHeaders().get(HttpHeader.AUTHORIZATION))
                            .applicationId());
            application = caller.appId();
            Answer answer = answer(request, path.substring(ROOT.length()));
            status = answer.status();
            answer.location().ifPresent(location -> response.getHeaders().put(HttpHeader.LOCATION, location));
            body = answer.body().map(ScimHandler::bytes).orElse(new byte[0]);
        } catch (ScimException e) {
            status = e.status();
            body = bytes(error(e.status(), e.scimType(), e.getMessage()));
        } catch (GatewayException e) {
            status = e.errorCode().httpStatus();
            String detail = e.errorCode().category() == ErrorCode.Category.INTERNAL
                    ? "An unexpected error occurred. Quote request id " + requestId + " to the operator."
                    : e.getMessage();
            if (e.errorCode().category() != ErrorCode.Category.USER) {
                LOG.error("SCIM request {} failed", requestId, e);
            }
            if (status == 401) {
                response.getHeaders().put(HttpHeader.WWW_AUTHENTICATE, "Bearer error=\"invalid_token\"");
            }
            body = bytes(error(status, scimType(e.errorCode()), detail));
        } catch (RuntimeException e) {
            LOG.error("SCIM request {} failed", requestId, e);
            status = 500;
            body = bytes(error(
                    500,
                    Optional.empty(),
                    "An unexpected error occurred. Quote request id " + requestId + " to the operator."));
        }
        LOG.info("SCIM {} {} {} application {} request {}", request.getMethod(), path, status, application, requestId);
        response.setStatus(status);
        if (body.length > 0) {
            response.getHeaders().put(HttpHeader.CONTENT_TYPE, CONTENT_TYPE);
        }
        response.getHeaders().put(HttpHeader.CONTENT_LENGTH, Integer.toString(body.length));
        response.write(true, ByteBuffer.wrap(body), callback);
        return true;
    }

    private record Answer(int status, Optional<JsonNode> body, Optional<String> location) {
        static Answer ok(JsonNode body) {
            return new Answer(200, Optional.of(body), Optional.empty());
        }
    }

    private Answer answer(Request request, String rest) throws IOException {
        String method = request.getMethod();
        Fields query = Request.extractQueryParameters(request, StandardCharsets.UTF_8);
        String base = baseUrl(request);
        ScimResources resources = new ScimResources(base);
        if (rest.equals("/ServiceProviderConfig")) {
            requireMethod(method, "GET");
            return Answer.ok(resources.serviceProviderConfig());
        }
        for (String type : List.of("/Users", "/Groups")) {
            boolean users = type.equals("/Users");
            if (rest.equals(type)) {
                return switch (method) {
                    case "GET" -> Answer.ok(users ? listUsers(query, resources) : listGroups(query, resources));
                    case "POST" -> {
                        JsonNode body = body(request);
                        if (users) {
                            DirectoryUser created = directory.createUser(ScimUsers.fields(body));
                            yield new Answer(
                                    201,
                                    Optional.of(resources.user(created)),
                                    Optional.of(resources.userLocation(created.id())));
                        }
                        DirectoryGroup created = directory.createGroup(ScimGroups.fields(body, this::userIds));
                        yield new Answer(
                                201,
                                Optional.of(resources.group(created, true)),
                                Optional.of(resources.groupLocation(created.id())));
                    }
                    default -> throw methodNotAllowed(method, "GET, POST");
                };
            }
            if (rest.startsWith(type + "/")) {
                UUID id = id(rest.substring(type.length() + 1), users);
                if (users) {
                    return switch (method) {
                        case "GET" -> Answer.ok(
                                resources.user(directory.user(id).orElseThrow(() -> notFound("User", id))));
                        case "PUT" -> {
                            DirectoryUserFields fields = ScimUsers.fields(checkId(body(request), id));
                            yield Answer.ok(resources.user(directory.updateUser(id, current -> fields)));
                        }
                        case "PATCH" -> {
                            List<ScimPatch.Operation> operations = ScimPatch.operations(body(request));
                            yield Answer.ok(resources.user(
                                    directory.updateUser(id, current -> ScimUsers.patch(current, operations))));
                        }
                        case "DELETE" -> {
                            directory.deleteUser(id);
                            yield new Answer(204, Optional.empty(), Optional.empty());
                        }
                        default -> throw methodNotAllowed(method, "GET, PUT, PATCH, DELETE");
                    };
                }
                return switch (method) {
                    case "GET" -> Answer.ok(resources.group(
                            directory.group(id).orElseThrow(() -> notFound("Group", id)), includeMembers(query)));
                    case "PUT" -> {
                        DirectoryGroupFields fields = ScimGroups.fields(checkId(body(request), id), this::userIds);
                        yield Answer.ok(resources.group(directory.updateGroup(id, current -> fields), true));
                    }
                    case "PATCH" -> {
                        List<ScimPatch.Operation> operations = ScimPatch.operations(body(request));
                        DirectoryGroup changed = directory.updateGroup(
                                id, current -> ScimGroups.patch(current, operations, this::userIds));
                        yield Answer.ok(resources.group(changed, true));
                    }
                    case "DELETE" -> {
                        directory.deleteGroup(id);
                        yield new Answer(204, Optional.empty(), Optional.empty());
                    }
                    default -> throw methodNotAllowed(method, "GET, PUT, PATCH, DELETE");
                };
            }
        }
        throw new ScimException(
                404,
                Optional.empty(),
                "No SCIM resource at " + ROOT + rest + "; this service provider serves " + ROOT + "/Users, " + ROOT
                        + "/Groups and " + ROOT + "/ServiceProviderConfig");
    }

    private ObjectNode listUsers(Fields query, ScimResources resources) {
        DirectoryQuery directoryQuery = new DirectoryQuery(
                conditions(
                        query,
                        List.of(
                                DirectoryQuery.Attribute.ID,
                                DirectoryQuery.Attribute.USER_NAME,
                                DirectoryQuery.Attribute.EXTERNAL_ID,
                                DirectoryQuery.Attribute.DISPLAY_NAME)),
                startIndex(query),
                count(query));
        DirectoryQuery.Page<DirectoryUser> page = directory.users(directoryQuery);
        List<JsonNode> items = new ArrayList<>();
        page.resources().forEach(user -> items.add(resources.user(user)));
        return resources.list(page.totalResults(), page.startIndex(), items);
    }

    private ObjectNode listGroups(Fields query, ScimResources resources) {
        DirectoryQuery directoryQuery = new DirectoryQuery(
                conditions(
                        query,
                        List.of(
                                DirectoryQuery.Attribute.ID,
                                DirectoryQuery.Attribute.EXTERNAL_ID,
                                DirectoryQuery.Attribute.DISPLAY_NAME)),
                startIndex(query),
                count(query));
        DirectoryQuery.Page<DirectoryGroup> page = directory.groups(directoryQuery);
        boolean members = includeMembers(query);
        List<JsonNode> items = new ArrayList<>();
        page.resources().forEach(group -> items.add(resources.group(group, members)));
        return resources.list(page.totalResults(), page.startIndex(), items);
    }

    /** The {@code filter} parameter as directory conditions over the attributes this resource type may be filtered on. */
    static List<DirectoryQuery.Condition> conditions(Fields query, List<DirectoryQuery.Attribute> allowed) {
        String filter = query.getValue("filter");
        if (filter == null) {
            return List.of();
        }
        List<DirectoryQuery.Condition> conditions = new ArrayList<>();
        for (ScimFilter.Comparison comparison : ScimFilter.parse(filter).comparisons()) {
            DirectoryQuery.Attribute attribute = ScimAttributes.filterAttribute(comparison.attribute())
                    .filter(allowed::contains)
                    .orElseThrow(() -> ScimException.invalidFilter("filter on '" + comparison.attribute()
                            + "' is not supported; filter on " + ScimAttributes.names(allowed)));
            conditions.add(new DirectoryQuery.Condition(attribute, comparison.value()));
        }
        return conditions;
    }

    private static int startIndex(Fields query) {
        return Math.max(1, integer(query, "startIndex", 1));
    }

    private static int count(Fields query) {
        return Math.min(MAXIMUM_COUNT, Math.max(0, integer(query, "count", DEFAULT_COUNT)));
    }

    private static int integer(Fields query, String name, int fallback) {
        String value = query.getValue(name);
        if (value == null) {
            return fallback;
        }
        try {
            return Integer.parseInt(value.trim());
        } catch (NumberFormatException e) {
            throw ScimException.invalidValue(name + " must be an integer, was '" + value + "'");
        }
    }

    private static boolean includeMembers(Fields query) {
        String excluded = query.getValue("excludedAttributes");
        if (excluded == null) {
            return true;
        }
        for (String attribute : excluded.split(",")) {
            if (attribute.trim().equalsIgnoreCase("members")) {
                return false;
            }
        }
        return true;
    }

    /** Members must name users of this gateway: ids as GUIDs. */
    private UUID userIds(String value) {
        try {
            return UUID.fromString(value);
        } catch (IllegalArgumentException e) {
            throw ScimException.invalidValue(
                    "members: '" + value + "' is not the id of a user of this service provider");
        }
    }

    private static UUID id(String text, boolean users) {
        try {
            return UUID.fromString(text);
        } catch (IllegalArgumentException e) {
            throw notFound(users ? "User" : "Group", text);
        }
    }

    private static JsonNode checkId(JsonNode body, UUID id) {
        JsonNode bodyId = body.get("id");
        if (bodyId != null && !bodyId.isNull() && !bodyId.asText().equalsIgnoreCase(id.toString())) {
            throw ScimException.badRequest(
                    "mutability", "id is read-only: the body says " + bodyId.asText() + ", the URL " + id);
        }
        return body;
    }

    private static ScimException notFound(String type, Object id) {
        return new ScimException(404, Optional.empty(), type + " " + id + " not found");
    }

    private static void requireMethod(String method, String allowed) {
        if (!method.equals(allowed)) {
            throw methodNotAllowed(method, allowed);
        }
    }

    private static ScimException methodNotAllowed(String method, String allowed) {
        return new ScimException(
                405, Optional.empty(), "The method " + method + " is not allowed here; use " + allowed);
    }

    private JsonNode body(Request request) throws IOException {
        String contentType = request.getHeaders().get(HttpHeader.CONTENT_TYPE);
        String type = contentType == null
                ? ""
                : contentType.toLowerCase(Locale.ROOT).split(";")[0].trim();
        if (!type.equals("application/scim+json") && !type.equals("application/json")) {
            throw new ScimException(
                    415, Optional.empty(), "The request body must be application/scim+json (or application/json)");
        }
        byte[] bytes;
        try (InputStream in = Content.Source.asInputStream(request)) {
            bytes = in.readNBytes((int) Math.min(Integer.MAX_VALUE - 8, maxRequestBodyBytes + 1));
        }
        if (bytes.length > maxRequestBodyBytes) {
            throw new ScimException(
                    413, Optional.empty(), "The request body is larger than " + maxRequestBodyBytes + " bytes");
        }
        try {
            JsonNode body = JSON.readTree(bytes);
            if (body == null || !body.isObject()) {
                throw ScimException.badRequest("invalidSyntax", "The request body must be a JSON object");
            }
            return body;
        } catch (JsonProcessingException e) {
            throw ScimException.badRequest(
                    "invalidSyntax", "The request body is not valid JSON: " + e.getOriginalMessage());
        }
    }

    /** The SCIM base URL as the client addressed it (host checked, as for the OData service root). */
    private static String baseUrl(Request request) {
        String host = request.getHttpURI().getHost();
        int port = request.getHttpURI().getPort();
        String scheme = request.getHttpURI().getScheme() == null
                ? "https"
                : request.getHttpURI().getScheme();
        String safeHost = host == null || !host.matches("[A-Za-z0-9.\\-\\[\\]:]+") ? "localhost" : host;
        return scheme + "://" + safeHost + (port > 0 ? ":" + port : "") + ROOT;
    }

    /** The {@code scimType} of a store refusal: a taken name is {@code uniqueness}, an invalid value {@code invalidValue}. */
    static Optional<String> scimType(ErrorCode code) {
        if (code == ErrorCode.DUPLICATE_RECORD || code == ErrorCode.RECORD_EXISTS) {
            return Optional.of("uniqueness");
        }
        if (code == ErrorCode.VALIDATION) {
            return Optional.of("invalidValue");
        }
        return Optional.empty();
    }

    static ObjectNode error(int status, Optional<String> scimType, String detail) {
        ObjectNode error = JSON.createObjectNode();
        error.putArray("schemas").add(ERROR_SCHEMA);
        error.put("status", Integer.toString(status));
        scimType.ifPresent(type -> error.put("scimType", type));
        error.put("detail", detail);
        return error;
    }

    private static byte[] bytes(JsonNode node) {
        try {
            return JSON.writeValueAsBytes(node);
        } catch (JsonProcessingException e) {
            throw new IllegalStateException("a JSON tree did not serialize", e);
        }
    }

    static ArrayNode array() {
        return JSON.createArrayNode();
    }

    static ObjectNode object() {
        return JSON.createObjectNode();
    }
}
