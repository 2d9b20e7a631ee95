package dev.vegateway.gateway.it;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.ObjectMapper;
import dev.vegateway.gateway.demo.DemoIdentities;
import io.restassured.response.Response;
import java.nio.charset.StandardCharsets;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeMap;
import java.util.TreeSet;
import java.util.UUID;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/**
 * EqualUserTeams and EqualUserOrUserTeams: the rows the caller reads directly whose owner is one of
 * the caller's teams (and the caller). Some vendors are owned by the demo's Purchasing team, whose
 * member Dave reads vendors through it; a caller of no team finds none.
 */
abstract class TeamOperatorsIT extends SecurityIT {
    private static final ObjectMapper JSON = new ObjectMapper();
    private static final String VENDORS = EntitySet.VENDORS.set;
    private static final String KEY = EntitySet.VENDORS.key;
    private static final UUID PURCHASING_TEAM =
            UUID.nameUUIDFromBytes("team:Purchasing team".getBytes(StandardCharsets.UTF_8));

    @Override
    String backendName() {
        return "teams";
    }

    @BeforeAll
    @Override
    void startGateway() throws Exception {
        super.startGateway();
        try (Connection connection = backend.connect();
                PreparedStatement update = connection.prepareStatement(
                        "UPDATE erp.vendor SET owner_id = ? WHERE MOD(CAST(RIGHT(account_num, 4) AS INTEGER), ?)"
                                + " = 0")) {
            update.setObject(1, PURCHASING_TEAM);
            update.setInt(2, 3);
            update.executeUpdate();
            update.setObject(1, DemoIdentities.DAVE_TEAM_MEMBER.id());
            update.setInt(2, 5);
            update.executeUpdate();
            if (!connection.getAutoCommit()) {
                connection.commit();
            }
        }
    }

    private Set<String> fetched(DemoIdentities.User user, String operator) throws Exception {
        Response response = as(user).urlEncodingEnabled(false)
                .get(VENDORS + "?fetchXml="
                        + encode("<fetch><entity name='mserp_vendvendorv2entity'><attribute name='mserp_vendorname'/>"
                                + "<filter><condition attribute='mserp_ownerid' operator='" + operator + "'/></filter>"
                                + "</entity></fetch>"));
        assertThat(response.statusCode()).as(response.asString()).isEqualTo(200);
        Set<String> keys = new TreeSet<>();
        JSON.readTree(response.asString())
                .path("value")
                .forEach(row -> keys.add(row.get(KEY).asText()));
        return keys;
    }

    @Test
    void teamOperatorsAnswerTheReadableRowsOwnedByTheCallersTeams() throws Exception {
        int teamRows = 0;
        for (DemoIdentities.User user : List.of(
                DemoIdentities.DAVE_TEAM_MEMBER,
                DemoIdentities.SAM_SYSTEM_ADMINISTRATOR,
                DemoIdentities.CAROL_AP_CLERK,
                DemoIdentities.ALICE_SALES_MANAGER)) {
            Response direct = as(user).get(VENDORS + "?$select=" + KEY + ",mserp_ownerid");
            if (direct.statusCode() == 403) {
                assertThat(as(user).urlEncodingEnabled(false)
                                .get(VENDORS + "?fetchXml="
                                        + encode("<fetch><entity name='mserp_vendvendorv2entity'><filter><condition"
                                                + " attribute='mserp_ownerid' operator='eq-userteams'/></filter>"
                                                + "</entity></fetch>"))
                                .statusCode())
                        .as(user.name() + " reads no vendors")
                        .isEqualTo(403);
                continue;
            }
            Map<String, String> owners = new TreeMap<>();
            JSON.readTree(assertOk(direct).asString())
                    .path("value")
                    .forEach(row -> owners.put(
                            row.get(KEY).asText(), row.get("mserp_ownerid").asText()));
            boolean member = user.equals(DemoIdentities.DAVE_TEAM_MEMBER);
            Set<String> teams = new TreeSet<>();
            Set<String> userOrTeams = new TreeSet<>();
            owners.forEach((key, owner) -> {
                if (member && owner.equals(PURCHASING_TEAM.toString())) {
                    teams.add(key);
                    userOrTeams.add(key);
                }
                if (owner.equals(user.id().toString())) {
                    userOrTeams.add(key);
                }
            });
            assertThat(fetched(user, "eq-userteams")).as(user.name()).isEqualTo(teams);
            assertThat(fetched(user, "eq-useroruserteams")).as(user.name()).isEqualTo(userOrTeams);
            teamRows += teams.size();
            if (member) {
                assertThat(userOrTeams).hasSizeGreaterThan(teams.size());
            }
        }
        assertThat(teamRows).as("Dave finds his team's vendors").isPositive();
        // in QueryExpression too
        Response viaQueryExpression = queryExpression(
                as(DemoIdentities.DAVE_TEAM_MEMBER),
                "{\"Query\":{\"EntityName\":\"mserp_vendvendorv2entity\",\"ColumnSet\":{\"Columns\":[\"" + KEY
                        + "\"]},\"Criteria\":{\"Conditions\":[{\"AttributeName\":\"mserp_ownerid\",\"Operator\":"
                        + "\"EqualUserTeams\"}]},\"PageInfo\":{\"Count\":5000}}}");
        Set<String> keys = new TreeSet<>();
        JSON.readTree(assertOk(viaQueryExpression).asString())
                .path("value")
                .forEach(row -> keys.add(row.get(KEY).asText()));
        assertThat(keys).isEqualTo(fetched(DemoIdentities.DAVE_TEAM_MEMBER, "eq-userteams"));
    }
}
