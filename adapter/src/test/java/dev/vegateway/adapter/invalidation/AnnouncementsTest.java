package dev.vegateway.adapter.invalidation;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.vegateway.adapter.invalidation.Announcements.Announcement;
import java.sql.Connection;
import java.sql.DriverManager;
import java.time.Duration;
import org.junit.jupiter.api.Test;

/** The payload of an announcement, topics, and the listener's settings. */
class AnnouncementsTest {
    @Test
    void aPayloadIsATopicASpaceAndADetail() {
        assertThat(Announcements.parse("security:vegateway_security 42"))
                .contains(new Announcement("security:vegateway_security", "42"));
        assertThat(Announcements.parse("catalog a detail with spaces"))
                .contains(new Announcement("catalog", "a detail with spaces"));
        assertThat(Announcements.parse("no-detail")).isEmpty();
        assertThat(Announcements.parse(" leading-space")).isEmpty();
        assertThat(Announcements.parse(null)).isEmpty();
    }

    @Test
    void aTopicIsOneWord() {
        assertThat(Announcements.checkTopic("security:x")).isEqualTo("security:x");
        assertThatThrownBy(() -> Announcements.checkTopic("two words"))
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessage("a topic is one word without spaces, was 'two words'");
        assertThatThrownBy(() -> Announcements.checkTopic("")).isInstanceOf(IllegalArgumentException.class);
    }

    @Test
    void announcingOnADatabaseWithoutNotificationsDoesNothing() throws Exception {
        try (Connection connection = DriverManager.getConnection("jdbc:h2:mem:announcements")) {
            assertThat(Announcements.isPostgreSql(connection)).isFalse();
            Announcements.announce(connection, "security:x", "1");
        }
    }

    @Test
    void settingsAreValidated() {
        assertThatThrownBy(() -> InvalidationListener.Settings.of(InvalidationListener.Mode.POLL, Duration.ZERO))
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessage("pollInterval must be positive, was PT0S");
        assertThatThrownBy(() -> new InvalidationListener.Settings(
                        InvalidationListener.Mode.LISTEN,
                        Duration.ofSeconds(1),
                        Duration.ofSeconds(30),
                        Duration.ofSeconds(2),
                        Duration.ofSeconds(1)))
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessage("maximumBackoff PT1S must not be shorter than minimumBackoff PT2S");
        InvalidationListener.Settings defaults =
                InvalidationListener.Settings.of(InvalidationListener.Mode.LISTEN, Duration.ofSeconds(1));
        assertThat(defaults.heartbeatInterval()).isEqualTo(Duration.ofSeconds(30));
        assertThat(defaults.minimumBackoff()).isEqualTo(Duration.ofMillis(100));
        assertThat(defaults.maximumBackoff()).isEqualTo(Duration.ofSeconds(5));
    }
}
