package dev.vegateway.gateway.it;

import static java.nio.charset.StandardCharsets.UTF_8;
import static org.assertj.core.api.Assertions.assertThat;

import dev.vegateway.adapter.security.AccessMode;
import dev.vegateway.adapter.security.Depth;
import dev.vegateway.adapter.security.Privilege;
import dev.vegateway.adapter.security.SecurityDocument;
import dev.vegateway.adapter.security.SecurityDocument.BusinessUnit;
import dev.vegateway.adapter.security.SecurityDocument.EntityPrivileges;
import dev.vegateway.adapter.security.SecurityDocument.GroupBinding;
import dev.vegateway.adapter.security.SecurityDocument.Role;
import dev.vegateway.adapter.security.SecurityDocument.RoleAssignment;
import dev.vegateway.adapter.security.SecurityDocument.Team;
import dev.vegateway.adapter.security.SecurityDocument.User;
import dev.vegateway.adapter.security.TeamInheritance;
import dev.vegateway.adapter.security.UserKind;
import dev.vegateway.config.GatewayConfig.BackendKind;
import io.restassured.response.Response;
import java.io.InputStream;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Random;
import java.util.Set;
import java.util.TreeSet;
import java.util.UUID;
import org.junit.jupiter.api.Test;

/**
 * The security invariant of team roles, group teams and roles applied in other business units (issue
 * 15): for generated users, owner teams, group teams of both inheritances, roles with every depth and
 * role assignments restricted to companies and applied in other business units, over rows owned by
 * users and by teams, no answer holds a row the user could not read directly. "Directly" is computed
 * here, from the generated data and the rows read with plain SQL, by the rules the README states
 * (Basic: rows owned by the user, or by the team a role is held through, only the team's for
 * TeamPrivilegesOnly; Local/Deep: the assignment's unit, else the team's unit for TeamPrivilegesOnly,
 * else the user's; companies; the union over assignments) — not by the gateway's code. Each user's
 * collection equals that set exactly, an order's expanded customer is one the user may read, and a
 * filter on a team owner answers exactly the team's rows among them.
 */
abstract class TeamReachInvariantIT {
    private static final String CUSTOMER = "mserp_custcustomerv3entity";
    private static final String ORDER = "mserp_salesorderheaderv2entity";
    private static final List<String> UNITS =
            List.of("Contoso", "Contoso US", "Contoso Europe", "Contoso Germany", "Contoso UK");
    private static final List<String> COMPANIES = List.of("usmf", "demf", "gbsi");
    private static final int USERS = 12;
    private static final int TEAMS = 6;

    abstract BackendKind kind();

    /** One row of an owned entity as stored: its key, owner, unit and company. */
    private record Row(UUID id, UUID owner, UUID unit, String company) {}

    @Test
    void noAnswerHoldsARowTheUserCouldNotReadDirectly() throws Exception {
        long seed = Long.getLong("vegateway.invariant.seed", 20261204L) + (kind() == BackendKind.H2 ? 0 : 7);
        Random random = new Random(seed);
        SecurityDocument demo = demo();
        List<Role> roles = new ArrayList<>(demo.roles());
        Map<String, Role> generatedRoles = new LinkedHashMap<>();
        for (Depth customers : Depth.values()) {
            for (Depth orders : List.of(Depth.NONE, Depth.BASIC, Depth.LOCAL, Depth.DEEP)) {
                if (random.nextInt(3) == 0 && !(customers == Depth.NONE && orders == Depth.NONE)) {
                    continue;
                }
                String name = "Reach " + customers + "/" + orders;
                Role role = new Role(
                        name,
                        List.of(privileges(CUSTOMER, customers), privileges(ORDER, orders)),
                        List.of(),
                        List.of(),
                        List.of());
                generatedRoles.put(name, role);
                roles.add(role);
            }
        }
        List<String> roleNames = List.copyOf(generatedRoles.keySet());
        List<UUID> userIds = new ArrayList<>();
        List<User> users = new ArrayList<>(demo.users());
        for (int index = 0; index < USERS; index++) {
            UUID id = UUID.nameUUIDFromBytes(("reach user " + seed + " " + index).getBytes(UTF_8));
            userIds.add(id);
            users.add(new User(
                    id,
                    "Reach user " + index,
                    Optional.empty(),
                    true,
                    AccessMode.READ_WRITE,
                    UserKind.PERSON,
                    Optional.of(pick(random, UNITS)),
                    Map.of(),
                    assignments(random, roleNames, random.nextInt(3)),
                    SecurityDocument.UserSettings.NONE));
        }
        List<Team> teams = new ArrayList<>(demo.teams());
        List<Team> generatedTeams = new ArrayList<>();
        for (int index = 0; index < TEAMS; index++) {
            String name = "Reach team " + index;
            Optional<GroupBinding> group =
                    switch (index % 3) {
                        case 0 -> Optional.empty();
                        case 1 -> Optional.of(new GroupBinding(
                                UUID.nameUUIDFromBytes(("group " + name).getBytes(UTF_8)),
                                TeamInheritance.DIRECT_BASIC_ACCESS));
                        default -> Optional.of(new GroupBinding(
                                UUID.nameUUIDFromBytes(("group " + name).getBytes(UTF_8)),
                                TeamInheritance.TEAM_PRIVILEGES_ONLY));
                    };
            List<UUID> members =
                    userIds.stream().filter(user -> random.nextInt(3) == 0).toList();
            Team team = new Team(
                    Team.idFor(name),
                    name,
                    pick(random, UNITS),
                    assignments(random, roleNames, 1 + random.nextInt(2)),
                    members,
                    group);
            generatedTeams.add(team);
            teams.add(team);
        }
        // Fixed cases that each rule alone decides: a member of a TeamPrivilegesOnly group team only (the team's
        // rows and unit, never its own rows or unit), a member of an owner team only (its rows and the team's), a
        // user whose only role applies in another unit (that unit, not its own).
        Role fixedBasic = new Role(
                "Fixed Basic",
                List.of(privileges(CUSTOMER, Depth.BASIC), privileges(ORDER, Depth.BASIC)),
                List.of(),
                List.of(),
                List.of());
        Role fixedLocal = new Role(
                "Fixed Local",
                List.of(privileges(CUSTOMER, Depth.LOCAL), privileges(ORDER, Depth.LOCAL)),
                List.of(),
                List.of(),
                List.of());
        roles.add(fixedBasic);
        roles.add(fixedLocal);
        List<UUID> fixedUsers = new ArrayList<>();
        for (String name : List.of("Fixed team-only member", "Fixed owner-team member", "Fixed other unit")) {
            UUID id = UUID.nameUUIDFromBytes(name.getBytes(UTF_8));
            fixedUsers.add(id);
            users.add(new User(
                    id,
                    name,
                    Optional.empty(),
                    true,
                    AccessMode.READ_WRITE,
                    UserKind.PERSON,
                    Optional.of("Contoso US"),
                    Map.of(),
                    name.equals("Fixed other unit")
                            ? List.of(new RoleAssignment("Fixed Local", Optional.empty(), Optional.of("Contoso UK")))
                            : List.of(),
                    SecurityDocument.UserSettings.NONE));
        }
        Team teamOnly = new Team(
                Team.idFor("Fixed team-only"),
                "Fixed team-only",
                "Contoso Germany",
                List.of(RoleAssignment.unrestricted("Fixed Basic"), RoleAssignment.unrestricted("Fixed Local")),
                List.of(fixedUsers.get(0)),
                Optional.of(new GroupBinding(
                        UUID.nameUUIDFromBytes("group Fixed team-only".getBytes(UTF_8)),
                        TeamInheritance.TEAM_PRIVILEGES_ONLY)));
        Team ownerTeam = new Team(
                Team.idFor("Fixed owner team"),
                "Fixed owner team",
                "Contoso UK",
                List.of(RoleAssignment.unrestricted("Fixed Basic")),
                List.of(fixedUsers.get(1)),
                Optional.empty());
        teams.add(teamOnly);
        teams.add(ownerTeam);
        generatedTeams.add(teamOnly);
        generatedTeams.add(ownerTeam);
        userIds.addAll(fixedUsers);
        List<UUID> fixedOwners = List.of(fixedUsers.get(0), teamOnly.id(), fixedUsers.get(1), ownerTeam.id());
        SecurityDocument document = new SecurityDocument(
                demo.businessUnits(), demo.companies(), roles, users, teams, demo.applications(), demo.portal());

        TestBackend backend = TestBackend.fresh(kind());
        List<UUID> owners = new ArrayList<>(userIds);
        generatedTeams.forEach(team -> owners.add(team.id()));
        Map<String, List<Row>> rows = new HashMap<>();
        rows.put(CUSTOMER, ownRows(backend, "erp.customer", random, owners, fixedOwners));
        rows.put(ORDER, ownRows(backend, "erp.sales_order_header", random, owners, fixedOwners));
        Map<UUID, UUID> orderCustomer = orderCustomers(backend);

        int compared = 0;
        int nonEmpty = 0;
        int teamOwnedSeen = 0;
        try (TestGateway gateway = TestGateway.start(backend, document.toYaml())) {
            for (User user : users.subList(demo.users().size(), users.size())) {
                Map<String, Optional<Set<UUID>>> expected = new HashMap<>();
                for (String entity : List.of(CUSTOMER, ORDER)) {
                    expected.put(entity, readable(document, user, entity, rows.get(entity)));
                }
                boolean anyRole = !held(document, user).isEmpty();
                // every customer
                Response customers = gateway.as(user.id())
                        .header("Prefer", "odata.maxpagesize=5000")
                        .get("/mserp_custcustomerv3entities?$select=mserp_custcustomerv3entityid,mserp_ownerid");
                compared += check(customers, anyRole, expected.get(CUSTOMER), "mserp_custcustomerv3entityid", user);
                if (customers.statusCode() == 200) {
                    Set<UUID> read = ids(customers, "mserp_custcustomerv3entityid");
                    nonEmpty += read.isEmpty() ? 0 : 1;
                    for (Row row : rows.get(CUSTOMER)) {
                        if (read.contains(row.id()) && !userIds.contains(row.owner())) {
                            teamOwnedSeen += owners.contains(row.owner()) ? 1 : 0;
                        }
                    }
                }
                // every order, with its customer expanded: the customer is one the user may read, or null
                Response orders = gateway.as(user.id())
                        .header("Prefer", "odata.maxpagesize=5000")
                        .get("/mserp_salesorderheaderv2entities?$select=mserp_salesorderheaderv2entityid"
                                + "&$expand=mserp_Customer($select=mserp_custcustomerv3entityid)");
                if (orders.statusCode() == 200) {
                    compared += check(orders, anyRole, expected.get(ORDER), "mserp_salesorderheaderv2entityid", user);
                    Set<UUID> customersReadable = expected.get(CUSTOMER).orElse(Set.of());
                    for (Map<String, Object> order : orders.jsonPath().<Map<String, Object>>getList("value")) {
                        @SuppressWarnings("unchecked")
                        Map<String, Object> customer = (Map<String, Object>) order.get("mserp_Customer");
                        UUID orderId = UUID.fromString((String) order.get("mserp_salesorderheaderv2entityid"));
                        if (customer == null) {
                            assertThat(customersReadable)
                                    .as("order %s of user %s has its customer hidden", orderId, user.name())
                                    .doesNotContain(orderCustomer.get(orderId));
                        } else {
                            assertThat(customersReadable)
                                    .as("expanded customer of order %s for user %s", orderId, user.name())
                                    .contains(UUID.fromString((String) customer.get("mserp_custcustomerv3entityid")));
                        }
                    }
                } else {
                    // the expansion needs Read on customers too: refused only when one of the two is not granted
                    assertThat(orders.statusCode()).as(orders.asString()).isEqualTo(403);
                    assertThat(expected.get(CUSTOMER).isEmpty()
                                    || expected.get(ORDER).isEmpty())
                            .as("user %s refused orders with customers: %s", user.name(), orders.asString())
                            .isTrue();
                }
                // a filter on a team owner: exactly the team's rows among those the user may read
                Team team = pick(random, generatedTeams);
                Response teamRows = gateway.as(user.id())
                        .header("Prefer", "odata.maxpagesize=5000")
                        .get(
                                "/mserp_custcustomerv3entities?$select=mserp_custcustomerv3entityid&$filter=mserp_ownerid%20eq%20"
                                        + team.id());
                Optional<Set<UUID>> ofTeam = expected.get(CUSTOMER).map(readable -> {
                    Set<UUID> owned = new TreeSet<>();
                    rows.get(CUSTOMER).stream()
                            .filter(row -> row.owner().equals(team.id()) && readable.contains(row.id()))
                            .forEach(row -> owned.add(row.id()));
                    return owned;
                });
                compared += check(teamRows, anyRole, ofTeam, "mserp_custcustomerv3entityid", user);
            }
        }
        System.out.println("TeamReachInvariantIT " + kind() + ": seed " + seed + ", " + compared
                + " answers compared, " + nonEmpty + " users read customers, " + teamOwnedSeen
                + " team-owned customers read");
        // the comparison cannot pass vacuously
        assertThat(compared).isGreaterThan(USERS);
        assertThat(nonEmpty).isPositive();
        assertThat(teamOwnedSeen).isPositive();
    }

    /** 200 with exactly the expected rows, or 403 when no held role grants Read (or the user holds none). */
    private static int check(Response response, boolean anyRole, Optional<Set<UUID>> expected, String key, User user) {
        if (!anyRole) {
            assertThat(response.statusCode()).as(response.asString()).isEqualTo(403);
            assertThat(response.jsonPath().getString("error.code")).isEqualTo("0x8ff00032");
            return 1;
        }
        if (expected.isEmpty()) {
            assertThat(response.statusCode())
                    .as("user %s: %s", user.name(), response.asString())
                    .isEqualTo(403);
            assertThat(response.jsonPath().getString("error.code")).isEqualTo("0x80040220");
            return 1;
        }
        assertThat(response.statusCode())
                .as("user %s: %s", user.name(), response.asString())
                .isEqualTo(200);
        assertThat(response.jsonPath().getString("'@odata.nextLink'")).isNull();
        Set<UUID> read = ids(response, key);
        assertThat(expected.get())
                .as("rows user %s could read directly; answered %s", user.name(), read)
                .containsAll(read);
        assertThat(read).as("user %s reads every row it may", user.name()).containsAll(expected.get());
        return 1;
    }

    private static Set<UUID> ids(Response response, String key) {
        Set<UUID> ids = new TreeSet<>();
        response.jsonPath().<String>getList("value." + key).forEach(id -> ids.add(UUID.fromString(id)));
        return ids;
    }

    /**
     * The rows of {@code entity} the user may read by the stated rules, or empty when no held role
     * grants Read on it (the gateway answers 403).
     */
    private static Optional<Set<UUID>> readable(SecurityDocument document, User user, String entity, List<Row> rows) {
        boolean granted = false;
        Set<UUID> readable = new TreeSet<>();
        for (Held held : held(document, user)) {
            Depth depth = document.role(held.assignment().role()).orElseThrow().depth(entity, Privilege.READ);
            if (depth == Depth.NONE) {
                continue;
            }
            granted = true;
            boolean teamOnly = held.team()
                    .flatMap(Team::group)
                    .map(group -> group.inheritance() == TeamInheritance.TEAM_PRIVILEGES_ONLY)
                    .orElse(false);
            Set<UUID> owners = new LinkedHashSet<>();
            if (!teamOnly) {
                owners.add(user.id());
            }
            held.team().ifPresent(team -> owners.add(team.id()));
            String unitName = held.assignment()
                    .businessUnit()
                    .orElseGet(() -> teamOnly
                            ? held.team().orElseThrow().businessUnit()
                            : user.businessUnit().orElseThrow());
            UUID unit = BusinessUnit.idFor(unitName);
            Set<UUID> tree = subtree(document, unitName);
            for (Row row : rows) {
                boolean inDepth =
                        switch (depth) {
                            case NONE -> false;
                            case BASIC -> owners.contains(row.owner());
                            case LOCAL -> unit.equals(row.unit());
                            case DEEP -> tree.contains(row.unit());
                            case GLOBAL -> true;
                        };
                boolean inCompany = held.assignment()
                        .companies()
                        .map(companies -> companies.contains(row.company()))
                        .orElse(true);
                if (inDepth && inCompany) {
                    readable.add(row.id());
                }
            }
        }
        return granted ? Optional.of(readable) : Optional.empty();
    }

    private record Held(RoleAssignment assignment, Optional<Team> team) {}

    private static List<Held> held(SecurityDocument document, User user) {
        List<Held> held = new ArrayList<>();
        user.roles().forEach(assignment -> held.add(new Held(assignment, Optional.empty())));
        for (Team team : document.teams()) {
            if (team.members().contains(user.id())) {
                team.roles().forEach(assignment -> held.add(new Held(assignment, Optional.of(team))));
            }
        }
        return held;
    }

    private static Set<UUID> subtree(SecurityDocument document, String unit) {
        Set<UUID> tree = new LinkedHashSet<>();
        List<String> level = List.of(unit);
        while (!level.isEmpty()) {
            List<String> next = new ArrayList<>();
            for (String name : level) {
                tree.add(BusinessUnit.idFor(name));
                document.businessUnits().stream()
                        .filter(each -> each.parent().filter(name::equals).isPresent())
                        .forEach(each -> next.add(each.name()));
            }
            level = next;
        }
        return tree;
    }

    /** Up to {@code count} distinct assignments, some restricted to companies, some applied in another unit. */
    private static List<RoleAssignment> assignments(Random random, List<String> roles, int count) {
        Map<String, RoleAssignment> assignments = new LinkedHashMap<>();
        for (int index = 0; index < count; index++) {
            String role = pick(random, roles);
            Optional<Set<String>> companies =
                    random.nextInt(4) == 0 ? Optional.of(Set.of(pick(random, COMPANIES))) : Optional.empty();
            Optional<String> unit = random.nextInt(3) == 0 ? Optional.of(pick(random, UNITS)) : Optional.empty();
            assignments.putIfAbsent(role + "|" + unit.orElse(""), new RoleAssignment(role, companies, unit));
        }
        return List.copyOf(assignments.values());
    }

    private static EntityPrivileges privileges(String entity, Depth read) {
        return new EntityPrivileges(entity, Map.of(Privilege.READ, read));
    }

    /** Gives the first rows to the fixed owners, and about half the others a generated owner (a user or a team), keeping their unit; returns every row. */
    private static List<Row> ownRows(
            TestBackend backend, String table, Random random, List<UUID> owners, List<UUID> fixedOwners)
            throws Exception {
        List<Row> rows = new ArrayList<>();
        try (Connection connection = backend.connect()) {
            try (PreparedStatement select = connection.prepareStatement(
                            "SELECT id, owner_id, business_unit_id, data_area_id FROM " + table + " ORDER BY id");
                    ResultSet result = select.executeQuery()) {
                while (result.next()) {
                    rows.add(new Row(
                            result.getObject(1, UUID.class),
                            result.getObject(2, UUID.class),
                            result.getObject(3, UUID.class),
                            result.getString(4)));
                }
            }
            try (PreparedStatement update =
                    connection.prepareStatement("UPDATE " + table + " SET owner_id = ? WHERE id = ?")) {
                for (int index = 0; index < rows.size(); index++) {
                    Row row = rows.get(index);
                    // the first rows go to the fixed owners in turn, so that each owns rows in several units
                    boolean fixed = index < fixedOwners.size() * 4;
                    if (fixed || random.nextBoolean()) {
                        UUID owner = fixed ? fixedOwners.get(index % fixedOwners.size()) : pick(random, owners);
                        update.setObject(1, owner);
                        update.setObject(2, row.id());
                        update.executeUpdate();
                        rows.set(index, new Row(row.id(), owner, row.unit(), row.company()));
                    }
                }
            }
        }
        return rows;
    }

    private static Map<UUID, UUID> orderCustomers(TestBackend backend) throws Exception {
        Map<UUID, UUID> customers = new HashMap<>();
        try (Connection connection = backend.connect();
                PreparedStatement select =
                        connection.prepareStatement("SELECT id, customer_id FROM erp.sales_order_header");
                ResultSet result = select.executeQuery()) {
            while (result.next()) {
                customers.put(result.getObject(1, UUID.class), result.getObject(2, UUID.class));
            }
        }
        return customers;
    }

    private static SecurityDocument demo() throws Exception {
        try (InputStream in = TeamReachInvariantIT.class.getClassLoader().getResourceAsStream("demo/security.yaml")) {
            return SecurityDocument.parse("demo/security.yaml", new String(in.readAllBytes(), UTF_8), Optional.empty());
        }
    }

    private static <T> T pick(Random random, List<T> values) {
        return values.get(random.nextInt(values.size()));
    }
}
