package dev.vegateway.gateway.http;

import com.fasterxml.jackson.core.JsonGenerator;
import dev.vegateway.catalog.Catalog;
import dev.vegateway.catalog.FieldType;
import dev.vegateway.catalog.MultiSelectValues;
import dev.vegateway.catalog.OptionSet;
import java.io.IOException;
import java.math.BigDecimal;
import java.time.LocalDate;
import java.time.OffsetDateTime;
import java.time.format.DateTimeFormatter;

/** Writes one field value in OData JSON form for its catalog type. */
final class JsonValues {
    private JsonValues() {}

    static void write(JsonGenerator json, Catalog catalog, FieldType type, Object value) throws IOException {
        if (value == null) {
            json.writeNull();
            return;
        }
        switch (type.kind()) {
            case STRING -> json.writeString((String) value);
            case INT32 -> json.writeNumber((Integer) value);
            case INT64 -> json.writeNumber((Long) value);
            case DECIMAL -> json.writeNumber((BigDecimal) value);
            case DOUBLE -> {
                double number = (Double) value;
                if (Double.isNaN(number)) {
                    json.writeString("NaN");
                } else if (Double.isInfinite(number)) {
                    json.writeString(number > 0 ? "INF" : "-INF");
                } else {
                    json.writeNumber(number);
                }
            }
            case BOOLEAN -> json.writeBoolean((Boolean) value);
            case DATE -> json.writeString(((LocalDate) value).toString());
            case DATE_TIME_OFFSET -> json.writeString(
                    DateTimeFormatter.ISO_OFFSET_DATE_TIME.format((OffsetDateTime) value));
            case GUID -> json.writeString(value.toString());
            case ENUM -> {
                // the backend's stored value → the option's value on the wire (Edm.Int32, as Dataverse)
                int stored = (Integer) value;
                json.writeNumber(type.optionSet()
                        .flatMap(catalog::optionSet)
                        .flatMap(set -> set.byStored(stored))
                        .map(OptionSet.Member::value)
                        .orElse(stored));
            }
                // the stored values → the options' values, comma-separated text (as Dataverse's Web API)
            case MULTI_ENUM -> json.writeString(type.optionSet()
                    .flatMap(catalog::optionSet)
                    .map(set -> MultiSelectValues.toWire((String) value, set))
                    .orElse((String) value));
        }
    }

    /** The weak ETag of a row version, as Dataverse writes it: {@code W/"123"}. */
    static String etag(Object version) {
        return "W/\"" + version + "\"";
    }
}
