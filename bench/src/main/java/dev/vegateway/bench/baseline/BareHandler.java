package dev.vegateway.bench.baseline;

import static java.nio.charset.StandardCharsets.UTF_8;
import static java.util.Objects.requireNonNull;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.io.IOException;
import java.math.BigDecimal;
import java.nio.ByteBuffer;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.sql.Timestamp;
import java.time.Instant;
import java.time.OffsetDateTime;
import java.util.List;
import java.util.UUID;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import javax.sql.DataSource;
import org.eclipse.jetty.http.HttpHeader;
import org.eclipse.jetty.io.Content;
import org.eclipse.jetty.server.Handler;
import org.eclipse.jetty.server.Request;
import org.eclipse.jetty.server.Response;
import org.eclipse.jetty.util.Callback;
import org.eclipse.jetty.util.Fields;

/**
 * Three calls on {@code erp.customer}, written the way one would by hand: GET by key, GET a page
 * ({@code $top}, a {@code $filter} on the company, {@code $orderby} on the name) and POST create
 * (the row and an audit row in one transaction). Everything else is 404. SQL and JSON are fixed
 * strings; the row scope (one company and one business unit) is a constant predicate.
 */
final class BareHandler extends Handler.Abstract {
    static final String SERVICE_ROOT = "/api/data/v9.2/";
    static final String CUSTOMERS = "mserp_custcustomerv3entities";
    static final String AUDIT_TABLE = "erp.bare_audit";

    /** JSON name and column, in the order of the gateway's answer. */
    private record Field(String name, String column) {}

    private static final List<Field> FIELDS = List.of(
            new Field("mserp_custcustomerv3entityid", "id"),
            new Field("mserp_dataareaid", "data_area_id"),
            new Field("mserp_customeraccount", "account_num"),
            new Field("mserp_name", "name"),
            new Field("mserp_customergroupid", "customer_group"),
            new Field("mserp_creditlimit", "credit_limit"),
            new Field("mserp_creditstatus", "credit_status"),
            new Field("mserp_onholdstatus", "on_hold"),
            new Field("mserp_salescurrencycode", "currency"),
            new Field("mserp_primarycontactemail", "email"),
            new Field("mserp_primarycontactphone", "phone"),
            new Field("mserp_addresscity", "city"),
            new Field("mserp_addresscountryregionid", "country_region"),
            new Field("mserp_establisheddate", "established_date"),
            new Field("mserp_createdon", "created_on"),
            new Field("mserp_discountpercentage", "discount_percent"),
            new Field("mserp_numberofemployees", "employees"),
            new Field("mserp_salesytd", "sales_ytd"),
            new Field("mserp_iskeyaccount", "is_key_account"),
            new Field("mserp_primarycontactid", "primary_contact_id"),
            new Field("mserp_ownerid", "owner_id"),
            new Field("mserp_owningbusinessunit", "business_unit_id"),
            new Field("mserp_versionnumber", "version_number"));

    private static final String COLUMNS =
            String.join(", ", FIELDS.stream().map(Field::column).toList());
    private static final String BY_KEY =
            "SELECT " + COLUMNS + " FROM erp.customer WHERE id = ? AND data_area_id = ? AND business_unit_id = ?";
    private static final String PAGE = "SELECT " + COLUMNS + " FROM erp.customer"
            + " WHERE data_area_id = ? AND business_unit_id = ? AND data_area_id = ? ORDER BY name %s, id LIMIT ?";
    private static final String INSERT = "INSERT INTO erp.customer"
            + " (id, data_area_id, account_num, name, owner_id, business_unit_id, version_number) VALUES (?, ?, ?, ?, ?, ?, 1)";
    private static final String AUDIT = "INSERT INTO " + AUDIT_TABLE
            + " (id, changed_at, user_id, operation, entity, record_key, changes) VALUES (?, ?, ?, 'create', ?, ?, ?)";

    private static final Pattern BY_KEY_PATH =
            Pattern.compile(Pattern.quote(SERVICE_ROOT + CUSTOMERS) + "\\(([0-9a-fA-F-]{36})\\)");
    private static final Pattern COMPANY_FILTER = Pattern.compile("mserp_dataareaid eq '([^']*)'");
    private static final ObjectMapper JSON = new ObjectMapper();

    record Scope(String company, UUID businessUnit, UUID owner) {
        Scope {
            requireNonNull(company, "company is null");
            requireNonNull(businessUnit, "businessUnit is null");
            requireNonNull(owner, "owner is null");
        }
    }

    private final DataSource pool;
    private final Scope scope;

    BareHandler(DataSource pool, Scope scope) {
        this.pool = requireNonNull(pool, "pool is null");
        this.scope = requireNonNull(scope, "scope is null");
    }

    static void createAuditTable(DataSource pool) throws SQLException {
        try (Connection connection = pool.getConnection();
                Statement statement = connection.createStatement()) {
            statement.execute("CREATE TABLE IF NOT EXISTS " + AUDIT_TABLE
                    + " (id UUID PRIMARY KEY, changed_at TIMESTAMP WITH TIME ZONE NOT NULL, user_id UUID NOT NULL,"
                    + " operation VARCHAR(100) NOT NULL, entity VARCHAR(128) NOT NULL, record_key UUID NOT NULL,"
                    + " changes VARCHAR(1000000) NOT NULL)");
            connection.commit();
        }
    }

    @Override
    public boolean handle(Request request, Response response, Callback callback) throws Exception {
        String path = request.getHttpURI().getPath();
        String method = request.getMethod();
        try {
            if (method.equals("GET")) {
                Matcher key = BY_KEY_PATH.matcher(path);
                if (key.matches()) {
                    retrieve(UUID.fromString(key.group(1)), request, response, callback);
                    return true;
                }
                if (path.equals(SERVICE_ROOT + CUSTOMERS)) {
                    page(request, response, callback);
                    return true;
                }
            } else if (method.equals("POST") && path.equals(SERVICE_ROOT + CUSTOMERS)) {
                create(request, response, callback);
                return true;
            }
            error(response, callback, 404, "no such resource");
        } catch (IllegalArgumentException e) {
            error(response, callback, 400, e.getMessage());
        } catch (SQLException e) {
            error(response, callback, "23505".equals(e.getSQLState()) ? 409 : 500, "SQLSTATE " + e.getSQLState());
        }
        return true;
    }

    private void retrieve(UUID key, Request request, Response response, Callback callback) throws SQLException {
        StringBuilder json = new StringBuilder(1024);
        try (Connection connection = pool.getConnection();
                PreparedStatement statement = connection.prepareStatement(BY_KEY)) {
            statement.setObject(1, key);
            statement.setString(2, scope.company());
            statement.setObject(3, scope.businessUnit());
            try (ResultSet rows = statement.executeQuery()) {
                if (!rows.next()) {
                    connection.rollback();
                    error(response, callback, 404, "record not found");
                    return;
                }
                json.append("{\"@odata.context\":\"").append(context(request)).append("/$entity\",");
                row(rows, json);
                json.append('}');
            }
            connection.rollback();
        }
        ok(response, callback, json);
    }

    private void page(Request request, Response response, Callback callback) throws SQLException {
        Fields query = Request.extractQueryParameters(request, UTF_8);
        int top = query.getValue("$top") == null ? 50 : Integer.parseInt(query.getValue("$top"));
        if (top < 1 || top > 5000) {
            throw new IllegalArgumentException("$top must be 1..5000");
        }
        String filter = query.getValue("$filter");
        Matcher company = COMPANY_FILTER.matcher(filter == null ? "" : filter);
        if (!company.matches()) {
            throw new IllegalArgumentException("$filter must be mserp_dataareaid eq '…'");
        }
        String orderBy = query.getValue("$orderby") == null ? "mserp_name" : query.getValue("$orderby");
        String direction =
                switch (orderBy) {
                    case "mserp_name", "mserp_name asc" -> "ASC";
                    case "mserp_name desc" -> "DESC";
                    default -> throw new IllegalArgumentException("$orderby must be mserp_name [asc|desc]");
                };
        StringBuilder json = new StringBuilder(64 * 1024);
        json.append("{\"@odata.context\":\"").append(context(request)).append("\",\"value\":[");
        try (Connection connection = pool.getConnection();
                PreparedStatement statement = connection.prepareStatement(PAGE.formatted(direction))) {
            statement.setString(1, scope.company());
            statement.setObject(2, scope.businessUnit());
            statement.setString(3, company.group(1));
            statement.setInt(4, top);
            try (ResultSet rows = statement.executeQuery()) {
                boolean first = true;
                while (rows.next()) {
                    json.append(first ? "{" : ",{");
                    first = false;
                    row(rows, json);
                    json.append('}');
                }
            }
            connection.rollback();
        }
        json.append("]}");
        ok(response, callback, json);
    }

    private void create(Request request, Response response, Callback callback) throws SQLException, IOException {
        JsonNode body = JSON.readTree(Content.Source.asString(request, UTF_8));
        if (body == null || !body.isObject()) {
            throw new IllegalArgumentException("the body must be a JSON object");
        }
        UUID key = body.hasNonNull(FIELDS.get(0).name())
                ? UUID.fromString(body.get(FIELDS.get(0).name()).asText())
                : UUID.randomUUID();
        String company = required(body, "mserp_dataareaid", 4);
        String account = required(body, "mserp_customeraccount", 20);
        String name = required(body, "mserp_name", 100);
        if (!company.equals(scope.company())) {
            error(response, callback, 403, "outside the caller's companies");
            return;
        }
        try (Connection connection = pool.getConnection()) {
            try (PreparedStatement insert = connection.prepareStatement(INSERT);
                    PreparedStatement audit = connection.prepareStatement(AUDIT)) {
                insert.setObject(1, key);
                insert.setString(2, company);
                insert.setString(3, account);
                insert.setString(4, name);
                insert.setObject(5, scope.owner());
                insert.setObject(6, scope.businessUnit());
                insert.executeUpdate();
                audit.setObject(1, UUID.randomUUID());
                audit.setTimestamp(2, Timestamp.from(Instant.now()));
                audit.setObject(3, scope.owner());
                audit.setString(4, "mserp_custcustomerv3entity");
                audit.setObject(5, key);
                StringBuilder changes = new StringBuilder("{");
                changes.append("\"mserp_dataareaid\":{\"new\":");
                string(company, changes);
                changes.append("},\"mserp_customeraccount\":{\"new\":");
                string(account, changes);
                changes.append("},\"mserp_name\":{\"new\":");
                string(name, changes);
                changes.append("}}");
                audit.setString(6, changes.toString());
                audit.executeUpdate();
                connection.commit();
            } catch (SQLException e) {
                connection.rollback();
                throw e;
            }
        }
        response.setStatus(204);
        response.getHeaders().put("OData-Version", "4.0");
        response.getHeaders()
                .put(
                        "OData-EntityId",
                        request.getHttpURI().getScheme() + "://"
                                + request.getHttpURI().getAuthority() + SERVICE_ROOT + CUSTOMERS + "(" + key + ")");
        callback.succeeded();
    }

    private static String required(JsonNode body, String name, int maxLength) {
        JsonNode value = body.get(name);
        if (value == null || !value.isTextual() || value.asText().isEmpty()) {
            throw new IllegalArgumentException(name + " is required");
        }
        if (value.asText().length() > maxLength) {
            throw new IllegalArgumentException(name + " is longer than " + maxLength);
        }
        return value.asText();
    }

    private static String context(Request request) {
        return request.getHttpURI().getScheme() + "://" + request.getHttpURI().getAuthority() + SERVICE_ROOT
                + "$metadata#" + CUSTOMERS;
    }

    /** One row's fields (without braces), with an {@code @odata.etag} from the row version. */
    private static void row(ResultSet rows, StringBuilder json) throws SQLException {
        json.append("\"@odata.etag\":\"W/\\\"")
                .append(rows.getLong(FIELDS.size()))
                .append("\\\"\"");
        for (int index = 1; index <= FIELDS.size(); index++) {
            json.append(",\"").append(FIELDS.get(index - 1).name()).append("\":");
            value(rows, index, json);
        }
    }

    private static void value(ResultSet rows, int index, StringBuilder json) throws SQLException {
        switch (FIELDS.get(index - 1).column()) {
            case "credit_limit" -> {
                BigDecimal decimal = rows.getBigDecimal(index);
                json.append(decimal == null ? "null" : decimal.toPlainString());
            }
            case "credit_status", "on_hold", "employees" -> {
                int number = rows.getInt(index);
                json.append(rows.wasNull() ? "null" : Integer.toString(number));
            }
            case "sales_ytd", "version_number" -> {
                long number = rows.getLong(index);
                json.append(rows.wasNull() ? "null" : Long.toString(number));
            }
            case "discount_percent" -> {
                double number = rows.getDouble(index);
                json.append(rows.wasNull() ? "null" : Double.toString(number));
            }
            case "is_key_account" -> {
                boolean flag = rows.getBoolean(index);
                json.append(rows.wasNull() ? "null" : Boolean.toString(flag));
            }
            case "created_on" -> {
                OffsetDateTime time = rows.getObject(index, OffsetDateTime.class);
                if (time == null) {
                    json.append("null");
                } else {
                    json.append('"').append(time.toInstant()).append('"');
                }
            }
            default -> {
                String text = rows.getString(index);
                if (text == null) {
                    json.append("null");
                } else {
                    string(text, json);
                }
            }
        }
    }

    /** A JSON string literal: quotes, backslashes and control characters escaped. */
    static void string(String text, StringBuilder json) {
        json.append('"');
        for (int i = 0; i < text.length(); i++) {
            char c = text.charAt(i);
            switch (c) {
                case '"' -> json.append("\\\"");
                case '\\' -> json.append("\\\\");
                case '\n' -> json.append("\\n");
                case '\r' -> json.append("\\r");
                case '\t' -> json.append("\\t");
                default -> {
                    if (c < 0x20) {
                        json.append(String.format("\\u%04x", (int) c));
                    } else {
                        json.append(c);
                    }
                }
            }
        }
        json.append('"');
    }

    private static void ok(Response response, Callback callback, StringBuilder json) {
        byte[] bytes = json.toString().getBytes(UTF_8);
        response.setStatus(200);
        response.getHeaders().put(HttpHeader.CONTENT_TYPE, "application/json; odata.metadata=minimal; charset=utf-8");
        response.getHeaders().put("OData-Version", "4.0");
        response.getHeaders().put(HttpHeader.CONTENT_LENGTH, Integer.toString(bytes.length));
        response.write(true, ByteBuffer.wrap(bytes), callback);
    }

    private static void error(Response response, Callback callback, int status, String message) {
        StringBuilder json =
                new StringBuilder("{\"error\":{\"code\":\"").append(status).append("\",\"message\":");
        string(message == null ? "" : message, json);
        json.append("}}");
        byte[] bytes = json.toString().getBytes(UTF_8);
        response.setStatus(status);
        response.getHeaders().put(HttpHeader.CONTENT_TYPE, "application/json; charset=utf-8");
        response.getHeaders().put(HttpHeader.CONTENT_LENGTH, Integer.toString(bytes.length));
        response.write(true, ByteBuffer.wrap(bytes), callback);
    }
}
