package dev.vegateway.adapter.security;

import static org.assertj.core.api.Assertions.assertThat;

import dev.vegateway.config.yaml.Problem;
import dev.vegateway.config.yaml.ProblemsException;
import java.util.List;
import java.util.Optional;
import org.junit.jupiter.api.Test;

/** Row filters are checked at import: syntax with its column, known placeholders, and (with a catalog) the entity's fields. */
class RowFilterValidationTest {
    private static final String SOURCE = "rowfilters.yaml";

    private static String roleWithFilters(String... filters) {
        StringBuilder yaml = new StringBuilder(
                """
                roles:
                  - name: R
                    rowFilters:
                """);
        String[] entities = {
            SecurityFixtures.CUSTOMERS, SecurityFixtures.VENDORS, SecurityFixtures.ORDERS, SecurityFixtures.PRODUCTS
        };
        for (int i = 0; i < filters.length; i++) {
            yaml.append("      - entity: ").append(entities[i]).append('\n');
            yaml.append("        filter: \"").append(filters[i]).append("\"\n");
        }
        return yaml.toString();
    }

    private static List<Problem> problemsOf(String yaml, boolean withCatalog) {
        try {
            SecurityDocument.parse(
                    SOURCE, yaml, withCatalog ? Optional.of(SecurityFixtures.catalog()) : Optional.empty());
        } catch (ProblemsException e) {
            return e.problems();
        }
        return List.of();
    }

    private static Problem problem(int line, String key, String message) {
        return new Problem(SOURCE, line, key, message);
    }

    @Test
    void acceptsFiltersThatParseAndUseTheEntitysFields() {
        assertThat(problemsOf(
                        roleWithFilters(
                                "mserp_name eq 'O''Brien' or ownerid eq @user.id",
                                "mserp_vendorgroupid in ('10', '40') and mserp_dataareaid in @user.companies",
                                "owningbusinessunit eq @user.businessUnit and contains(mserp_salesordernumber, 'SO-') eq false",
                                "mserp_itemnumber eq @user.attributes.item"),
                        true))
                .isEmpty();
    }

    @Test
    void reportsASyntaxErrorWithItsColumn() {
        assertThat(problemsOf(roleWithFilters("(mserp_name eq 'x'", "mserp_name eq @user.region"), false))
                .containsExactly(
                        problem(
                                5,
                                "roles[0].rowFilters[0].filter",
                                "row filter does not parse: column 19: expected ')', found the end of the filter"),
                        problem(
                                7,
                                "roles[0].rowFilters[1].filter",
                                "row filter does not parse: column 15: unknown placeholder '@user.region' "
                                        + "(known: @user.id, @user.businessUnit, @user.companies, @user.attributes.<name>)"));
    }

    @Test
    void reportsFieldsTheEntityDoesNotHave() {
        assertThat(problemsOf(
                        roleWithFilters("mserp_name eq 'x' or mserp_nosuchfield eq 1", "mserp_creditlimit gt 0"), true))
                .containsExactly(
                        problem(
                                5,
                                "roles[0].rowFilters[0].filter",
                                "row filter: column 22: entity 'mserp_custcustomerv3entity' has no field 'mserp_nosuchfield'"),
                        problem(
                                7,
                                "roles[0].rowFilters[1].filter",
                                "row filter: column 1: entity 'mserp_vendvendorv2entity' has no field 'mserp_creditlimit'"));
        // without a catalog only the syntax is checked
        assertThat(problemsOf(roleWithFilters("mserp_nosuchfield eq 1"), false)).isEmpty();
    }

    @Test
    void reportsAPlaceholderComparedWithAFieldOfTheWrongKind() {
        assertThat(problemsOf(roleWithFilters("mserp_name eq @user.id", "ownerid in @user.companies"), true))
                .containsExactly(
                        problem(
                                5,
                                "roles[0].rowFilters[0].filter",
                                "row filter: field 'mserp_name' is String(60), but @user.id is a Guid"),
                        problem(
                                7,
                                "roles[0].rowFilters[1].filter",
                                "row filter: field 'ownerid' is Guid, but @user.companies is a list of company codes (text)"));
    }

    @Test
    void acceptsTheFiltersOfTheValidFile() {
        assertThat(SecurityFixtures.validDocument()
                        .role("AP clerk")
                        .orElseThrow()
                        .rowFilter(SecurityFixtures.VENDORS))
                .contains("mserp_vendorgroupid eq 'LOCAL'");
    }
}
