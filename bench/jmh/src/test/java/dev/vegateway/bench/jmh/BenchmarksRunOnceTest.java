package dev.vegateway.bench.jmh;

import static org.assertj.core.api.Assertions.assertThat;

import dev.vegateway.gateway.http.BenchmarkEntityCollectionSerialization;
import java.lang.reflect.Field;
import java.lang.reflect.Method;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;
import org.openjdk.jmh.annotations.Benchmark;
import org.openjdk.jmh.annotations.Param;
import org.openjdk.jmh.annotations.Setup;

/**
 * Runs every benchmark method once, untimed, with each {@code @Param} at its first value, so that a
 * benchmark that no longer builds its fixture or throws is found by the test suite (JMH itself runs
 * them only when asked, see the README).
 */
class BenchmarksRunOnceTest {
    @ParameterizedTest
    @ValueSource(
            classes = {
                BenchmarkTokenValidation.class,
                BenchmarkCallerResolution.class,
                BenchmarkQueryPipeline.class,
                BenchmarkEntityCollectionSerialization.class
            })
    void everyBenchmarkMethodRunsOnceAndAnswers(Class<?> benchmark) throws Exception {
        Object instance = benchmark.getDeclaredConstructor().newInstance();
        for (Field field : benchmark.getDeclaredFields()) {
            Param param = field.getAnnotation(Param.class);
            if (param != null) {
                field.setAccessible(true);
                String first = param.value()[0];
                field.set(instance, field.getType() == int.class ? (Object) Integer.parseInt(first) : first);
            }
        }
        List<Method> benchmarks = new ArrayList<>();
        for (Method method : benchmark.getDeclaredMethods()) {
            if (method.isAnnotationPresent(Setup.class)) {
                method.invoke(instance);
            }
        }
        for (Method method : benchmark.getDeclaredMethods()) {
            if (method.isAnnotationPresent(Benchmark.class)) {
                benchmarks.add(method);
                Object answer = method.invoke(instance);
                assertThat(answer)
                        .as("%s.%s", benchmark.getSimpleName(), method.getName())
                        .isNotNull();
                if (answer instanceof Long bytes) {
                    assertThat(bytes)
                            .as("%s.%s", benchmark.getSimpleName(), method.getName())
                            .isPositive();
                }
            }
        }
        assertThat(benchmarks)
                .as("benchmark methods of %s", benchmark.getSimpleName())
                .isNotEmpty();
    }
}
