package dev.vegateway.gateway.http;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.Optional;
import org.eclipse.jetty.http.HttpFields;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

/** {@code Prefer: odata.include-annotations} as OData 4.01 defines it (issue 10). */
class IncludeAnnotationsTest {
    private static final String LOGICAL_NAME = IncludeAnnotations.LOOKUP_LOGICAL_NAME;
    private static final String NAVIGATION = IncludeAnnotations.ASSOCIATED_NAVIGATION_PROPERTY;

    private static Optional<IncludeAnnotations> prefer(String... values) {
        HttpFields.Mutable headers = HttpFields.build();
        for (String value : values) {
            headers.add("Prefer", value);
        }
        return Preferences.includeAnnotations(headers);
    }

    @ParameterizedTest
    @CsvSource(
            delimiter = '|',
            quoteCharacter = '`',
            value = {
                "odata.include-annotations=\"*\"                                           | true  | true",
                "odata.include-annotations=*                                               | true  | true",
                "include-annotations=\"*\"                                                 | true  | true",
                "odata.include-annotations=\"Microsoft.Dynamics.CRM.*\"                    | true  | true",
                "odata.include-annotations=\"microsoft.dynamics.crm.*\"                    | true  | true",
                "odata.include-annotations=\"Microsoft.Dynamics.CRM.lookuplogicalname\"    | true  | false",
                "odata.include-annotations=\"OData.Community.Display.V1.FormattedValue\"   | false | false",
                "odata.include-annotations=\"-*\"                                          | false | false",
                "odata.include-annotations=\"*,-Microsoft.Dynamics.CRM.*\"                 | false | false",
                "odata.include-annotations=\"*,-Microsoft.Dynamics.CRM.lookuplogicalname\" | false | true",
                "odata.include-annotations=\"-Microsoft.Dynamics.CRM.*,Microsoft.Dynamics.CRM.associatednavigationproperty\" | false | true",
                "odata.include-annotations=\"Microsoft.Dynamics.CRM.*,-Microsoft.Dynamics.CRM.*\" | false | false",
                "odata.include-annotations=\"\"                                            | false | false",
            })
    void theMostSpecificEntryDecides(String prefer, boolean logicalName, boolean navigation) {
        IncludeAnnotations asked = prefer(prefer.strip()).orElseThrow();
        assertThat(asked.includes(LOGICAL_NAME)).as("lookuplogicalname").isEqualTo(logicalName);
        assertThat(asked.includes(NAVIGATION))
                .as("associatednavigationproperty")
                .isEqualTo(navigation);
    }

    @Test
    void aQuotedListStaysOnePreferenceAmongOthers() {
        HttpFields.Mutable headers = HttpFields.build();
        headers.add(
                "Prefer",
                "odata.maxpagesize=10, odata.include-annotations=\"Microsoft.Dynamics.CRM.lookuplogicalname,"
                        + "Microsoft.Dynamics.CRM.associatednavigationproperty\", return=representation");
        IncludeAnnotations asked = Preferences.includeAnnotations(headers).orElseThrow();
        assertThat(asked.includes(LOGICAL_NAME)).isTrue();
        assertThat(asked.includes(NAVIGATION)).isTrue();
        assertThat(asked.applied())
                .isEqualTo("odata.include-annotations=\"Microsoft.Dynamics.CRM.lookuplogicalname,"
                        + "Microsoft.Dynamics.CRM.associatednavigationproperty\"");
        assertThat(Preferences.of(headers))
                .contains("odata.maxpagesize=10", "return=representation")
                .hasSize(3);
        assertThat(Preferences.representation(headers)).contains("return=representation");
    }

    @Test
    void theFirstOccurrenceCountsAndAbsenceIsEmpty() {
        assertThat(prefer("odata.include-annotations=\"-*\"", "odata.include-annotations=\"*\"")
                        .orElseThrow()
                        .includes(LOGICAL_NAME))
                .isFalse();
        assertThat(prefer("odata.maxpagesize=5")).isEmpty();
        assertThat(prefer()).isEmpty();
    }

    @Test
    void preferenceAppliedCollectsEveryAppliedPreference() {
        HttpFields.Mutable headers = HttpFields.build();
        Preferences.applied(headers, "odata.maxpagesize=10");
        Preferences.applied(headers, "odata.include-annotations=\"*\"");
        assertThat(headers.get("Preference-Applied")).isEqualTo("odata.maxpagesize=10,odata.include-annotations=\"*\"");
    }
}
