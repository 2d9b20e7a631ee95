package dev.vegateway.bench;

import static org.assertj.core.api.Assertions.assertThat;

import org.junit.jupiter.api.Test;

class PercentilePlotTest {
    @Test
    void labelsTheLogarithmicPercentileAxis() {
        assertThat(PercentilePlot.percentileLabel(0)).isEqualTo("0%");
        assertThat(PercentilePlot.percentileLabel(1)).isEqualTo("90%");
        assertThat(PercentilePlot.percentileLabel(2)).isEqualTo("99%");
        assertThat(PercentilePlot.percentileLabel(3)).isEqualTo("99.9%");
        assertThat(PercentilePlot.percentileLabel(5)).isEqualTo("99.999%");
    }

    @Test
    void roundsTheLatencyAxisUpToANiceNumber() {
        assertThat(PercentilePlot.niceCeiling(64.7)).isEqualTo(100.0);
        assertThat(PercentilePlot.niceCeiling(23)).isEqualTo(25.0);
        assertThat(PercentilePlot.niceCeiling(0.3)).isEqualTo(0.5);
        assertThat(PercentilePlot.axisLabel(0)).isEqualTo("0");
        assertThat(PercentilePlot.axisLabel(20.0)).isEqualTo("20");
        assertThat(PercentilePlot.axisLabel(0.1 * 3)).isEqualTo("0.3");
    }
}
