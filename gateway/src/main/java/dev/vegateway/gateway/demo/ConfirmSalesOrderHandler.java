package dev.vegateway.gateway.demo;

import dev.vegateway.adapter.write.ActionCall;
import dev.vegateway.adapter.write.ActionHandler;
import dev.vegateway.adapter.write.WriteRejected;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.util.Optional;
import java.util.UUID;

/**
 * The demo action {@code mserp_ConfirmSalesOrder}: confirms (sets to Delivered) a sales order
 * that has lines, and refuses one without lines. Registered in
 * {@code META-INF/services/dev.vegateway.adapter.write.ActionHandler}.
 */
public final class ConfirmSalesOrderHandler implements ActionHandler {
    static final int DELIVERED = 1;

    @Override
    public String name() {
        return "mserp_ConfirmSalesOrder";
    }

    @Override
    public Optional<Object> run(ActionCall call) throws SQLException {
        UUID order = call.key().orElseThrow();
        try (PreparedStatement lines = call.connection()
                .prepareStatement("SELECT COUNT(*) FROM erp.sales_order_line WHERE sales_order_id = ?")) {
            lines.setObject(1, order);
            try (ResultSet result = lines.executeQuery()) {
                result.next();
                if (result.getLong(1) == 0) {
                    throw new WriteRejected(
                            "The sales order has no lines; add at least one line before confirming it.");
                }
            }
        }
        // the sales orders are change-tracked: the row takes the entity's next change version
        long version = call.changeVersion().getAsLong();
        try (PreparedStatement confirm = call.connection()
                .prepareStatement("UPDATE erp.sales_order_header SET status = ?, version_number = ? WHERE id = ?")) {
            confirm.setInt(1, DELIVERED);
            confirm.setLong(2, version);
            confirm.setObject(3, order);
            confirm.executeUpdate();
        }
        return Optional.empty();
    }
}
