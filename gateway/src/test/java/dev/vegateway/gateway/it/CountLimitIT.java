package dev.vegateway.gateway.it;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.vegateway.gateway.demo.DemoIdentities;
import io.restassured.response.Response;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.util.UUID;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/**
 * Counts stop at 5,000, as Dataverse's: {@code @odata.count} of {@code $count=true} and the
 * {@code /$count} segment answer at most 5,000, and the {@code totalrecordcount} and
 * {@code totalrecordcountlimitexceeded} annotations (when {@code odata.include-annotations} asks)
 * tell whether the true count is larger. The backend gets 5,100 more customer groups.
 */
abstract class CountLimitIT extends SecurityIT {
    private static final ObjectMapper JSON = new ObjectMapper();
    private static final String GROUPS = EntitySet.CUSTOMER_GROUPS.set;
    private static final String ANNOTATIONS = "odata.include-annotations=\"Microsoft.Dynamics.CRM.totalrecordcount,"
            + "Microsoft.Dynamics.CRM.totalrecordcountlimitexceeded\"";

    @Override
    String backendName() {
        return "countlimit";
    }

    @BeforeAll
    @Override
    void startGateway() throws Exception {
        backend = TestBackend.shared(kind(), backendName());
        try (Connection connection = backend.connect();
                PreparedStatement insert = connection.prepareStatement("INSERT INTO erp.customer_group"
                        + " (id, data_area_id, group_id, description, version_number) VALUES (?, 'usmf', ?, ?, 1)")) {
            for (int i = 0; i < 5100; i++) {
                insert.setObject(
                        1,
                        UUID.nameUUIDFromBytes(("count-limit-" + i).getBytes(java.nio.charset.StandardCharsets.UTF_8)));
                insert.setString(2, String.format("C%05d", i));
                insert.setString(3, "Generated group " + i);
                insert.addBatch();
            }
            insert.executeBatch();
            if (!connection.getAutoCommit()) {
                connection.commit();
            }
        }
        gateway = TestGateway.start(backend, null);
    }

    private JsonNode read(String query, boolean annotations) throws Exception {
        Response response = (annotations
                        ? as(DemoIdentities.SAM_SYSTEM_ADMINISTRATOR).header("Prefer", ANNOTATIONS)
                        : as(DemoIdentities.SAM_SYSTEM_ADMINISTRATOR))
                .urlEncodingEnabled(false)
                .get(GROUPS + query);
        return JSON.readTree(assertOk(response).asString());
    }

    @Test
    void aCountAnswersAtMostFiveThousandAndSaysWhenThereAreMore() throws Exception {
        int total = sql(EntitySet.CUSTOMER_GROUPS, "").size();
        assertThat(total).isGreaterThan(5000);

        JsonNode plain = read("?$select=mserp_customergroupid&$top=2&$count=true", false);
        assertThat(plain.get("@odata.count").asLong()).isEqualTo(5000);
        assertThat(plain.has("@Microsoft.Dynamics.CRM.totalrecordcount")).isFalse();
        assertThat(plain.path("value")).hasSize(2);

        JsonNode annotated = read("?$select=mserp_customergroupid&$top=2&$count=true", true);
        assertThat(annotated.get("@odata.count").asLong()).isEqualTo(5000);
        assertThat(annotated.get("@Microsoft.Dynamics.CRM.totalrecordcount").asLong())
                .isEqualTo(5000);
        assertThat(annotated
                        .get("@Microsoft.Dynamics.CRM.totalrecordcountlimitexceeded")
                        .asBoolean())
                .isTrue();

        int small = sql(EntitySet.CUSTOMER_GROUPS, "group_id LIKE 'C0000%'").size();
        assertThat(small).isEqualTo(10);
        JsonNode few = read(
                "?$select=mserp_customergroupid&$count=true&$filter=startswith(mserp_customergroupid,'C0000')", true);
        assertThat(few.get("@odata.count").asLong()).isEqualTo(small);
        assertThat(few.get("@Microsoft.Dynamics.CRM.totalrecordcount").asLong()).isEqualTo(small);
        assertThat(few.get("@Microsoft.Dynamics.CRM.totalrecordcountlimitexceeded")
                        .asBoolean())
                .isFalse();

        JsonNode uncounted = read("?$select=mserp_customergroupid&$top=1", true);
        assertThat(uncounted.has("@odata.count")).isFalse();
        assertThat(uncounted.get("@Microsoft.Dynamics.CRM.totalrecordcount").asLong())
                .isEqualTo(-1);
        assertThat(uncounted
                        .get("@Microsoft.Dynamics.CRM.totalrecordcountlimitexceeded")
                        .asBoolean())
                .isFalse();

        Response count = as(DemoIdentities.SAM_SYSTEM_ADMINISTRATOR).get(GROUPS + "/$count");
        assertThat(assertOk(count).asString().strip()).isEqualTo("5000");
        Response filtered = as(DemoIdentities.SAM_SYSTEM_ADMINISTRATOR)
                .urlEncodingEnabled(false)
                .get(GROUPS + "/$count?$filter=startswith(mserp_customergroupid,'C0000')");
        assertThat(assertOk(filtered).asString().strip()).isEqualTo(Integer.toString(small));
    }
}
