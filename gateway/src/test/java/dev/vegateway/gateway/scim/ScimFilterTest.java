package dev.vegateway.gateway.scim;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.vegateway.gateway.scim.ScimFilter.Comparison;
import org.junit.jupiter.api.Test;

class ScimFilterTest {
    @Test
    void readsTheFiltersEntraIdAndOktaSend() {
        assertThat(ScimFilter.parse("userName eq \"alice@contoso.com\"").comparisons())
                .containsExactly(new Comparison("userName", "alice@contoso.com"));
        assertThat(ScimFilter.parse("externalId eq \"0b8b1c2e-0000-4000-8000-000000000001\"")
                        .comparisons())
                .containsExactly(new Comparison("externalId", "0b8b1c2e-0000-4000-8000-000000000001"));
        assertThat(ScimFilter.parse("displayName EQ \"Sales\"  and  externalId eq \"g1\"")
                        .comparisons())
                .containsExactly(new Comparison("displayName", "Sales"), new Comparison("externalId", "g1"));
        assertThat(ScimFilter.parse("urn:ietf:params:scim:schemas:core:2.0:User:userName eq \"a\"")
                        .comparisons())
                .containsExactly(new Comparison("urn:ietf:params:scim:schemas:core:2.0:User:userName", "a"));
        assertThat(ScimFilter.parse("active eq true").comparisons()).containsExactly(new Comparison("active", "true"));
    }

    @Test
    void decodesJsonEscapes() {
        assertThat(ScimFilter.parse("userName eq \"O\\\"Brien \\\\ \\u00e9\"").comparisons())
                .containsExactly(new Comparison("userName", "O\"Brien \\ é"));
    }

    @Test
    void refusesEverythingElseNamingWhatAndWhere() {
        assertInvalid("userName co \"a\"", "operator 'co' is not supported; only eq (at character 10)");
        assertInvalid("userName eq \"a\" or userName eq \"b\"", "'or' is not supported");
        assertInvalid("not (userName eq \"a\")", "'not' is not supported");
        assertInvalid("(userName eq \"a\")", "parentheses are not supported");
        assertInvalid("emails[type eq \"work\"]", "value filters ('emails[…]') are not supported");
        assertInvalid("userName pr", "operator 'pr' is not supported");
        assertInvalid("userName eq", "the filter ends too early");
        assertInvalid("userName eq \"open", "the string is not closed (at character 13)");
        assertInvalid("userName eq null", "eq null is not supported");
        assertInvalid(
                "userName eq alice", "expected a value (a quoted string, true, false or a number), found 'alice'");
        assertInvalid("userName eq \"a\" userName", "expected 'and' or the end of the filter, found 'userName'");
        assertInvalid("", "the filter is empty");
        assertInvalid("userName eq \"\\x\"", "unknown escape \\x");
        assertInvalid("1userName eq \"a\"", "'1userName' is not an attribute path");
    }

    private static void assertInvalid(String filter, String message) {
        assertThatThrownBy(() -> ScimFilter.parse(filter))
                .isInstanceOfSatisfying(ScimException.class, e -> {
                    assertThat(e.status()).isEqualTo(400);
                    assertThat(e.scimType()).contains("invalidFilter");
                })
                .hasMessageContaining(message);
    }
}
