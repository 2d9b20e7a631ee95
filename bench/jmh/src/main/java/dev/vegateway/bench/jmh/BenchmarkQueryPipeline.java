package dev.vegateway.bench.jmh;

import static java.nio.charset.StandardCharsets.UTF_8;

import dev.vegateway.adapter.plan.ContinuationTokens;
import dev.vegateway.adapter.plan.QueryPlan;
import dev.vegateway.adapter.plan.QueryPlanner;
import dev.vegateway.adapter.plan.ReadScopes;
import dev.vegateway.adapter.security.Caller;
import dev.vegateway.adapter.security.CallerRequest;
import dev.vegateway.adapter.security.CallerResolver;
import dev.vegateway.adapter.service.AccessScopes;
import dev.vegateway.adapter.sql.PostgreSqlDialect;
import dev.vegateway.adapter.sql.PreparedSql;
import dev.vegateway.adapter.sql.SqlRenderer;
import dev.vegateway.catalog.Catalog;
import dev.vegateway.gateway.odata.ODataFrontEnd;
import dev.vegateway.gateway.odata.ODataRequest;
import java.util.Optional;
import java.util.concurrent.TimeUnit;
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
 * From the request's URL to the SQL: parse the OData query ({@code $filter}, {@code $orderby},
 * {@code $top}) into the neutral query, plan it for a caller with row scope (Bob Clerk, Local depth
 * on customers), render the PostgreSQL statement; each stage alone and the three together.
 *
 * <p>Run: {@code mvn -q -B -DskipTests package -pl config,catalog,adapter,gateway,bench/jmh && java -jar
 * bench/jmh/target/vegateway-jmh.jar BenchmarkQueryPipeline}
 */
@State(Scope.Benchmark)
@Fork(1)
@Warmup(iterations = 3, time = 2)
@Measurement(iterations = 5, time = 2)
@BenchmarkMode(Mode.AverageTime)
@OutputTimeUnit(TimeUnit.MICROSECONDS)
public class BenchmarkQueryPipeline {
    /** The page of {@code vegateway-bench compare}, and a filter with more to parse and plan. */
    @Param({
        "$top=50&$filter=mserp_dataareaid eq 'usmf'&$orderby=mserp_name",
        "$top=50&$filter=(mserp_creditlimit gt 1000 and contains(mserp_name,'a')) or mserp_customergroupid eq '10'"
                + "&$orderby=mserp_name desc,mserp_customeraccount&$select=mserp_name,mserp_customeraccount,mserp_creditlimit"
    })
    public String query;

    private static final String CUSTOMERS = "mserp_custcustomerv3entities";

    private String rawQuery;
    private ODataFrontEnd frontEnd;
    private QueryPlanner planner;
    private SqlRenderer renderer;
    private ReadScopes scopes;
    private ODataRequest.ReadCollection parsed;
    private QueryPlan plan;

    @Setup
    public void setUp() {
        // as it arrives in the request line
        rawQuery = query.replace(" ", "%20").replace("'", "%27");
        Catalog catalog = DemoFixture.catalog();
        frontEnd = new ODataFrontEnd(catalog, "Microsoft.Dynamics.CRM");
        planner = QueryPlanner.of(
                catalog, new ContinuationTokens("bench-secret-bench-secret-bench!!".getBytes(UTF_8)), 5_000);
        renderer = new SqlRenderer(PostgreSqlDialect.INSTANCE);
        Caller caller = new CallerResolver(DemoFixture.securityStore(catalog))
                .resolve(new CallerRequest(
                        DemoFixture.DATAVERSE_APPLICATION,
                        Optional.of(DemoFixture.BOB_OBJECT_ID),
                        Optional.empty(),
                        Optional.empty()));
        Caller.User user = (Caller.User) caller;
        scopes = entity -> AccessScopes.read(user.permissions(), entity);
        parsed = parse();
        plan = plan();
    }

    @Benchmark
    public ODataRequest.ReadCollection parse() {
        return (ODataRequest.ReadCollection) frontEnd.parse(CUSTOMERS, rawQuery, 50);
    }

    @Benchmark
    public QueryPlan plan() {
        return planner.plan(parsed.query(), scopes);
    }

    @Benchmark
    public PreparedSql render() {
        return renderer.select(plan);
    }

    @Benchmark
    public PreparedSql parsePlanRender() {
        ODataRequest.ReadCollection request = (ODataRequest.ReadCollection) frontEnd.parse(CUSTOMERS, rawQuery, 50);
        return renderer.select(planner.plan(request.query(), scopes));
    }
}
