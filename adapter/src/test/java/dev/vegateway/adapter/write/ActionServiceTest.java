package dev.vegateway.adapter.write;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.vegateway.adapter.plan.ContinuationTokens;
import dev.vegateway.adapter.plan.QueryPlanner;
import dev.vegateway.adapter.sql.H2Dialect;
import dev.vegateway.adapter.sql.WriteSqlRenderer;
import dev.vegateway.catalog.ActionDefinition;
import dev.vegateway.catalog.Catalog;
import java.time.Clock;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import org.h2.jdbcx.JdbcDataSource;
import org.junit.jupiter.api.Test;

/** Start-up checks of the action service: every handler the catalog names must be there, once. */
class ActionServiceTest {
    private static final ActionDefinition HANDLED = new ActionDefinition(
            "mserp_Handled",
            Optional.empty(),
            List.of(),
            Optional.empty(),
            Optional.empty(),
            Optional.of(Handler.class.getName()));

    private static ActionService service(List<ActionHandler> handlers) {
        Catalog catalog = new Catalog(List.of(), List.of(), List.of(HANDLED), Map.of(), Map.of());
        JdbcDataSource dataSource = new JdbcDataSource();
        dataSource.setURL("jdbc:h2:mem:actions;DB_CLOSE_DELAY=-1");
        return new ActionService(
                catalog,
                dataSource,
                new WriteSqlRenderer(H2Dialect.INSTANCE),
                QueryPlanner.of(catalog, new ContinuationTokens(new byte[32]), 50),
                new AuditLog("vegateway_security"),
                new ChangeTracking(dataSource, new WriteSqlRenderer(H2Dialect.INSTANCE), "vegateway_security", 5),
                Clock.systemUTC(),
                Duration.ofSeconds(5),
                handlers);
    }

    /** A handler for {@code mserp_Handled}. */
    static final class Handler implements ActionHandler {
        @Override
        public String name() {
            return "mserp_Handled";
        }

        @Override
        public Optional<Object> run(ActionCall call) {
            return Optional.empty();
        }
    }

    @Test
    void aCatalogActionWhoseHandlerIsMissingFailsAtStartUp() {
        assertThatThrownBy(() -> service(List.of()))
                .isInstanceOf(IllegalStateException.class)
                .hasMessageContaining("mserp_Handled")
                .hasMessageContaining(Handler.class.getName())
                .hasMessageContaining("META-INF/services");
    }

    @Test
    void twoHandlersForOneActionFailAtStartUp() {
        assertThatThrownBy(() -> service(List.of(new Handler(), new Handler())))
                .isInstanceOf(IllegalStateException.class)
                .hasMessageContaining("two action handlers");
    }

    @Test
    void theNamedHandlerIsAccepted() {
        assertThat(service(List.of(new Handler()))).isNotNull();
    }
}
