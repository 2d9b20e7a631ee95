package dev.vegateway.gateway.http;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.Locale;
import java.util.Map;
import java.util.Optional;
import org.junit.jupiter.api.Test;

class LanguagesTest {
    private static final Map<String, String> LABELS = Map.of("en-US", "Blocked", "de-DE", "Gesperrt");

    private static Languages of(String header) {
        return Languages.fromHeader(Optional.ofNullable(header));
    }

    @Test
    void aUsersLanguageComesBeforeTheAskedOnes() {
        assertThat(of("en-US").preferring("de-DE").pick(LABELS, "en-US")).contains("Gesperrt");
        assertThat(of(null).preferring("de-DE").pick(LABELS, "en-US")).contains("Gesperrt");
        assertThat(of("de-DE").preferring("fr-FR").pick(LABELS, "en-US"))
                .as("a user language without labels gives way to the asked ones")
                .contains("Gesperrt");
        assertThat(Lcids.tag(1031)).contains("de-DE");
        assertThat(Lcids.tag(1033)).contains("en-US");
        assertThat(Lcids.tag(9999)).isEmpty();
    }

    @Test
    void theFirstAskedLanguageALabelExistsInWins() {
        assertThat(of("de-DE").pick(LABELS, "en-US")).contains("Gesperrt");
        assertThat(of("fr-FR, de;q=0.8, en;q=0.5").pick(LABELS, "en-US")).contains("Gesperrt");
        assertThat(of("en;q=0.9, de;q=0.1").pick(LABELS, "en-US")).contains("Blocked");
    }

    @Test
    void tagsAreTruncatedOrWidenedWithinTheirLanguage() {
        assertThat(of("de-CH").pick(LABELS, "en-US")).contains("Gesperrt");
        assertThat(of("de").pick(LABELS, "en-US")).contains("Gesperrt");
        assertThat(of("DE-de").pick(LABELS, "en-US")).contains("Gesperrt");
        assertThat(of("de").pick(Map.of("de", "Gesperrt", "en-US", "Blocked"), "en-US"))
                .contains("Gesperrt");
    }

    @Test
    void aLabelMissingInTheAskedLanguagesFallsBackToTheDefaultThenToAnyLabel() {
        assertThat(of("fr-FR").pick(LABELS, "en-US")).contains("Blocked");
        assertThat(of(null).pick(LABELS, "de-DE")).contains("Gesperrt");
        assertThat(of("fr").pick(Map.of("de-DE", "Gesperrt"), "en-US")).contains("Gesperrt");
        assertThat(of("fr").pick(Map.of(), "en-US")).isEmpty();
        assertThat(of("de;q=0").pick(LABELS, "en-US")).as("q=0 is not asked").contains("Blocked");
    }

    @Test
    void aMalformedHeaderCountsAsNone() {
        assertThat(of("de-DE;q=abc").ranges()).isEmpty();
        assertThat(of("*").ranges()).isEmpty();
        assertThat(of("x".repeat(2000)).ranges()).isEmpty();
        assertThat(of("a,b,c,d,e,f,g,h,i,j,k,l,m,n,o,p,q,r,s,t").ranges()).hasSize(16);
    }

    @Test
    void theFormattingLocaleIsTheFirstAskedLanguageElseTheDefault() {
        assertThat(of("de-DE, en").locale("en-US")).isEqualTo(Locale.GERMANY);
        assertThat(of(null).locale("en-US")).isEqualTo(Locale.US);
    }
}
