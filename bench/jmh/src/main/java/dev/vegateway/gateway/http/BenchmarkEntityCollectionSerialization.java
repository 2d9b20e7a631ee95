package dev.vegateway.gateway.http;

import com.fasterxml.jackson.core.JsonEncoding;
import com.fasterxml.jackson.core.JsonFactory;
import com.fasterxml.jackson.core.JsonGenerator;
import dev.vegateway.adapter.plan.AccessScope;
import dev.vegateway.adapter.plan.ContinuationTokens;
import dev.vegateway.adapter.plan.QueryPlan;
import dev.vegateway.adapter.plan.QueryPlanner;
import dev.vegateway.adapter.query.Query;
import dev.vegateway.catalog.Catalog;
import dev.vegateway.catalog.EntityDefinition;
import dev.vegateway.catalog.FieldDefinition;
import dev.vegateway.catalog.FieldType;
import dev.vegateway.catalog.TableName;
import dev.vegateway.gateway.odata.LookupNames;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.math.BigDecimal;
import java.nio.charset.StandardCharsets;
import java.time.LocalDate;
import java.time.OffsetDateTime;
import java.time.ZoneOffset;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.OptionalLong;
import java.util.Set;
import java.util.UUID;
import java.util.concurrent.TimeUnit;
import org.apache.olingo.commons.api.data.ContextURL;
import org.apache.olingo.commons.api.data.Entity;
import org.apache.olingo.commons.api.data.EntityCollection;
import org.apache.olingo.commons.api.data.Property;
import org.apache.olingo.commons.api.data.ValueType;
import org.apache.olingo.commons.api.edm.EdmEntitySet;
import org.apache.olingo.commons.api.edm.EdmPrimitiveTypeKind;
import org.apache.olingo.commons.api.edm.FullQualifiedName;
import org.apache.olingo.commons.api.edm.provider.CsdlAbstractEdmProvider;
import org.apache.olingo.commons.api.edm.provider.CsdlEntityContainer;
import org.apache.olingo.commons.api.edm.provider.CsdlEntityContainerInfo;
import org.apache.olingo.commons.api.edm.provider.CsdlEntitySet;
import org.apache.olingo.commons.api.edm.provider.CsdlEntityType;
import org.apache.olingo.commons.api.edm.provider.CsdlProperty;
import org.apache.olingo.commons.api.edm.provider.CsdlPropertyRef;
import org.apache.olingo.commons.api.edm.provider.CsdlSchema;
import org.apache.olingo.commons.api.format.ContentType;
import org.apache.olingo.server.api.OData;
import org.apache.olingo.server.api.ODataLibraryException;
import org.apache.olingo.server.api.ServiceMetadata;
import org.apache.olingo.server.api.serializer.EntityCollectionSerializerOptions;
import org.apache.olingo.server.api.serializer.ODataSerializer;
import org.openjdk.jmh.annotations.Benchmark;
import org.openjdk.jmh.annotations.BenchmarkMode;
import org.openjdk.jmh.annotations.Fork;
import org.openjdk.jmh.annotations.Measurement;
import org.openjdk.jmh.annotations.Mode;
import org.openjdk.jmh.annotations.OutputTimeUnit;
import org.openjdk.jmh.annotations.Param;
import org.openjdk.jmh.annotations.Scope;
import org.openjdk.jmh.annotations.Setup;
import org.openjdk.jmh.annotations.State;
import org.openjdk.jmh.annotations.Warmup;

/**
 * Serializing a page of wide rows: Olingo's JSON serializer (build an EntityCollection, then
 * serialize it) against the gateway's streaming sink (write each row as it is read). Compare
 * the time per row across page sizes: a per-row cost that grows with the page size is
 * super-linear.
 *
 * <p>Run: {@code mvn -q -B -DskipTests package -pl bench/jmh -am && java -jar bench/jmh/target/vegateway-jmh.jar BenchmarkEntityCollectionSerialization}
 */
@State(Scope.Benchmark)
@Fork(1)
@Warmup(iterations = 3, time = 2)
@Measurement(iterations = 5, time = 2)
@BenchmarkMode(Mode.AverageTime)
@OutputTimeUnit(TimeUnit.MICROSECONDS)
public class BenchmarkEntityCollectionSerialization {
    private static final String NAMESPACE = "Microsoft.Dynamics.CRM";
    private static final int STRING_FIELDS = 10;

    @Param({"50", "500", "5000"})
    int rows;

    private Catalog catalog;
    private LookupNames lookups;
    private QueryPlan plan;
    private Object[][] values;
    private OData odata;
    private ServiceMetadata serviceMetadata;
    private EdmEntitySet edmEntitySet;
    private ODataSerializer serializer;
    private final JsonFactory json = new JsonFactory();

    @Setup
    public void setUp() throws Exception {
        List<FieldDefinition> fields = new ArrayList<>();
        fields.add(field("benchid", FieldType.of(FieldType.Kind.GUID)));
        for (int i = 0; i < STRING_FIELDS; i++) {
            fields.add(field("text" + i, FieldType.string(100)));
        }
        fields.add(field("amount", FieldType.decimal(18, 2)));
        fields.add(field("quantity", FieldType.of(FieldType.Kind.INT32)));
        fields.add(field("version", FieldType.of(FieldType.Kind.INT64)));
        fields.add(field("ratio", FieldType.of(FieldType.Kind.DOUBLE)));
        fields.add(field("active", FieldType.of(FieldType.Kind.BOOLEAN)));
        fields.add(field("day", FieldType.of(FieldType.Kind.DATE)));
        fields.add(field("at", FieldType.of(FieldType.Kind.DATE_TIME_OFFSET)));
        EntityDefinition entity = EntityDefinition.builder(
                        "bench", "benches", new TableName(Optional.empty(), "bench"), "benchid")
                .fields(fields)
                .rowVersionField(Optional.of("version"))
                .build();
        catalog = new Catalog(List.of(entity), List.of());
        lookups = new LookupNames(catalog);
        QueryPlanner planner = QueryPlanner.of(catalog, new ContinuationTokens(new byte[32]), 5000);
        plan = planner.plan(
                Query.all("bench"),
                new AccessScope(UUID.randomUUID(), "bench", true, List.of(), Set.of(), Optional.empty(), Set.of()));

        values = new Object[rows][];
        EntityCollection collection = new EntityCollection();
        for (int r = 0; r < rows; r++) {
            Object[] row = new Object[plan.selected().size()];
            Entity olingoEntity = new Entity();
            for (int c = 0; c < row.length; c++) {
                FieldDefinition field = plan.selected().get(c).field();
                Object value = sample(field.type(), r, c);
                row[c] = value;
                Object olingoValue = value instanceof OffsetDateTime timestamp
                        ? java.sql.Timestamp.from(timestamp.toInstant())
                        : value instanceof LocalDate date ? java.sql.Date.valueOf(date) : value;
                olingoEntity.addProperty(new Property(null, field.logicalName(), ValueType.PRIMITIVE, olingoValue));
            }
            values[r] = row;
            collection.getEntities().add(olingoEntity);
        }
        odata = OData.newInstance();
        serviceMetadata = odata.createServiceMetadata(new Provider(entity), List.of());
        edmEntitySet = serviceMetadata.getEdm().getEntityContainer().getEntitySet("benches");
        serializer = odata.createSerializer(ContentType.JSON);
        this.collection = collection;
    }

    private EntityCollection collection;

    @Benchmark
    public long olingoSerializer() throws ODataLibraryException, IOException {
        EntityCollectionSerializerOptions options = EntityCollectionSerializerOptions.with()
                .contextURL(ContextURL.with().entitySet(edmEntitySet).build())
                .id("https://127.0.0.1/api/data/v9.2/benches")
                .build();
        try (InputStream content = serializer
                .entityCollection(serviceMetadata, edmEntitySet.getEntityType(), collection, options)
                .getContent()) {
            return content.transferTo(OutputStream.nullOutputStream());
        }
    }

    @Benchmark
    public long streamingSink() throws IOException {
        CountingOutputStream out = new CountingOutputStream();
        try (JsonGenerator generator = json.createGenerator(out, JsonEncoding.UTF8)) {
            ODataJsonSink sink = new ODataJsonSink(
                    generator,
                    catalog,
                    "https://127.0.0.1/api/data/v9.2/$metadata#benches",
                    false,
                    token -> token,
                    List.of(),
                    lookups,
                    Optional.empty());
            sink.start(plan, OptionalLong.empty());
            for (Object[] row : values) {
                sink.row(plan, row);
            }
            sink.finish(plan, Optional.empty());
        }
        return out.count;
    }

    private static FieldDefinition field(String name, FieldType type) {
        return new FieldDefinition(name, name, type, false, false, Map.of());
    }

    private static Object sample(FieldType type, int row, int column) {
        return switch (type.kind()) {
            case GUID -> UUID.nameUUIDFromBytes(("row" + row).getBytes(StandardCharsets.UTF_8));
            case STRING -> "value " + row + " of column " + column + " with some text";
            case MULTI_ENUM -> row % 3 == 0 ? "1,11" : "2";
            case DECIMAL -> BigDecimal.valueOf(row * 100L + column, 2);
            case INT32, ENUM -> row;
            case INT64 -> (long) row;
            case DOUBLE -> row / 7.0;
            case BOOLEAN -> row % 2 == 0;
            case DATE -> LocalDate.of(2024, 1, 1).plusDays(row % 365);
            case DATE_TIME_OFFSET -> OffsetDateTime.of(2024, 1, 1, 12, 0, 0, 0, ZoneOffset.UTC)
                    .plusMinutes(row);
        };
    }

    private static final class CountingOutputStream extends OutputStream {
        long count;

        @Override
        public void write(int b) {
            count++;
        }

        @Override
        public void write(byte[] bytes, int offset, int length) {
            count += length;
        }
    }

    /** The same entity as an Olingo EDM. */
    private static final class Provider extends CsdlAbstractEdmProvider {
        private final EntityDefinition entity;
        private final FullQualifiedName type;
        private final FullQualifiedName container = new FullQualifiedName(NAMESPACE, "System");

        Provider(EntityDefinition entity) {
            this.entity = entity;
            this.type = new FullQualifiedName(NAMESPACE, entity.logicalName());
        }

        @Override
        public CsdlEntityType getEntityType(FullQualifiedName name) {
            if (!type.equals(name)) {
                return null;
            }
            List<CsdlProperty> properties = new ArrayList<>();
            for (FieldDefinition field : entity.fields()) {
                EdmPrimitiveTypeKind kind =
                        switch (field.type().kind()) {
                            case GUID -> EdmPrimitiveTypeKind.Guid;
                            case STRING, MULTI_ENUM -> EdmPrimitiveTypeKind.String;
                            case DECIMAL -> EdmPrimitiveTypeKind.Decimal;
                            case INT32, ENUM -> EdmPrimitiveTypeKind.Int32;
                            case INT64 -> EdmPrimitiveTypeKind.Int64;
                            case DOUBLE -> EdmPrimitiveTypeKind.Double;
                            case BOOLEAN -> EdmPrimitiveTypeKind.Boolean;
                            case DATE -> EdmPrimitiveTypeKind.Date;
                            case DATE_TIME_OFFSET -> EdmPrimitiveTypeKind.DateTimeOffset;
                        };
                CsdlProperty property =
                        new CsdlProperty().setName(field.logicalName()).setType(kind.getFullQualifiedName());
                if (kind == EdmPrimitiveTypeKind.Decimal) {
                    property.setPrecision(18).setScale(2);
                }
                properties.add(property);
            }
            return new CsdlEntityType()
                    .setName(entity.logicalName())
                    .setProperties(properties)
                    .setKey(List.of(new CsdlPropertyRef().setName(entity.keyField())));
        }

        @Override
        public CsdlEntitySet getEntitySet(FullQualifiedName entityContainer, String entitySetName) {
            return container.equals(entityContainer) && entity.entitySetName().equals(entitySetName)
                    ? new CsdlEntitySet().setName(entitySetName).setType(type)
                    : null;
        }

        @Override
        public CsdlEntityContainer getEntityContainer() {
            return new CsdlEntityContainer()
                    .setName("System")
                    .setEntitySets(List.of(getEntitySet(container, entity.entitySetName())));
        }

        @Override
        public CsdlEntityContainerInfo getEntityContainerInfo(FullQualifiedName name) {
            return name == null || container.equals(name)
                    ? new CsdlEntityContainerInfo().setContainerName(container)
                    : null;
        }

        @Override
        public List<CsdlSchema> getSchemas() {
            return List.of(new CsdlSchema()
                    .setNamespace(NAMESPACE)
                    .setEntityTypes(List.of(getEntityType(type)))
                    .setEntityContainer(getEntityContainer()));
        }
    }
}
