package dev.vegateway.bench;

import static org.assertj.core.api.Assertions.assertThat;

import dev.vegateway.bench.ServerTiming.Stage;
import java.util.Map;
import java.util.Optional;
import org.junit.jupiter.api.Test;

class ServerTimingTest {
    @Test
    void parsesEveryStageOfTheGatewayHeader() {
        ServerTiming timing =
                ServerTiming.parse("auth;dur=0.125, authz;dur=0.030, db;dur=1.500, ser;dur=0.200, total;dur=2.010");

        assertThat(timing.millisByStage())
                .containsExactly(
                        Map.entry(Stage.AUTHENTICATE, 0.125),
                        Map.entry(Stage.AUTHORIZE, 0.030),
                        Map.entry(Stage.DATABASE, 1.5),
                        Map.entry(Stage.SERIALIZE, 0.2),
                        Map.entry(Stage.TOTAL, 2.01));
    }

    @Test
    void keepsThePartsThatArePresent() {
        ServerTiming timing = ServerTiming.parse("db;dur=3, total;dur=4.5");

        assertThat(timing.millis(Stage.DATABASE)).hasValue(3.0);
        assertThat(timing.millis(Stage.TOTAL)).hasValue(4.5);
        assertThat(timing.millis(Stage.AUTHENTICATE)).isEmpty();
        assertThat(timing.millis(Stage.SERIALIZE)).isEmpty();
    }

    @Test
    void acceptsDescriptionsQuotesCaseAndSpacing() {
        ServerTiming timing = ServerTiming.parse(" TOTAL ; desc=\"all\" ; DUR = \"7.25\" ,db;dur=1");

        assertThat(timing.millis(Stage.TOTAL)).hasValue(7.25);
        assertThat(timing.millis(Stage.DATABASE)).hasValue(1.0);
    }

    @Test
    void skipsGarbageWithoutFailing() {
        ServerTiming timing = ServerTiming.parse(
                "auth;dur=abc, authz, db;dur=-1, ser;dur=NaN, cache;dur=5, ;;;, total;dur=Infinity, ===");

        assertThat(timing.millisByStage()).isEmpty();
    }

    @Test
    void missingHeaderIsEmpty() {
        assertThat(ServerTiming.parse(Optional.empty())).isEqualTo(ServerTiming.NONE);
        assertThat(ServerTiming.parse("").millisByStage()).isEmpty();
    }

    @Test
    void firstDurationOfARepeatedMetricWins() {
        assertThat(ServerTiming.parse("total;dur=1, total;dur=2").millis(Stage.TOTAL))
                .hasValue(1.0);
    }
}
