package dev.vegateway.bench;

import java.util.Locale;

/** What one run asks for; each request path is relative to the service root. */
enum Scenario {
    /** GET one customer by key, cycling through 200 keys fetched once before the run. */
    RETRIEVE,
    /** GET a 50-row page of customers filtered by company. */
    PAGE50,
    /** GET a 50-row page of customers filtered by company and ordered by name (the page of {@code compare}). */
    PAGE50SORTED,
    /**
     * POST a new customer of usmf (the gateway or the server picks the key), each request with its
     * own account number; the caller needs Create on customers. The rows stay: {@code compare}
     * removes them after its run.
     */
    CREATE,
    /** GET 50 usmf sales orders with {@code $expand} of their customer: a two-table join, to set against {@link #PAGE50}. */
    JOIN50,
    /** GET a 5000-row page of sales order lines: measures serialization and streaming. */
    PAGE5000,
    /** POST {@code RetrieveMultiple} with a QueryExpression for 50 customers of one company. */
    QUERYEXPRESSION,
    /** GET the same 50 usmf customers as {@link #PAGE50}, asked in FetchXML. */
    FETCHXML,
    /** GET {@code $apply}: usmf sales orders grouped by customer group with their count and total. */
    APPLY,
    /** Round robin of retrieve, page50 and queryexpression. */
    MIXED,
    /** POST {@code $batch} of 50 retrieves by key (parts outside changesets): the cost of a batch part against a request of its own. */
    BATCHREAD,
    /**
     * POST {@code $batch} with one changeset that creates a customer, changes it through
     * {@code $1} and deletes it again: three writes in one transaction, leaving no trace. Each
     * request of the cycle has its own key; the caller needs Create, Write and Delete on customers.
     */
    BATCHWRITE,
    /** The requests of a mix file ({@code --mix FILE}, see {@link Mix}), in proportion to their weights. */
    MIX;

    /** Requests of a {@link #BATCHREAD} batch. */
    static final int BATCH_READS = 50;
    /** Distinct keys {@link #BATCHWRITE} cycles through (so that connections do not write the same record). */
    static final int BATCH_WRITE_KEYS = 1000;

    static final String BATCH_PATH = "$batch";
    static final String BATCH_BOUNDARY = "batch_vegateway_bench";

    static final String CUSTOMER_SET = "mserp_custcustomerv3entities";
    static final String CUSTOMER_KEY = "mserp_custcustomerv3entityid";
    static final String KEYS_PATH = CUSTOMER_SET + "?$select=" + CUSTOMER_KEY + "&$top=200";
    static final String PAGE50_PATH = CUSTOMER_SET + "?$top=50&$filter=mserp_dataareaid%20eq%20%27usmf%27";
    static final String PAGE50SORTED_PATH = PAGE50_PATH + "&$orderby=mserp_name";
    /** Account numbers of {@link #CREATE} begin with this, then a tag of the run, a dash and the request number. */
    static final String CREATE_ACCOUNT_PREFIX = "B";

    static final String JOIN50_PATH = "mserp_salesorderheaderv2entities?$top=50"
            + "&$filter=mserp_dataareaid%20eq%20%27usmf%27&$expand=mserp_Customer";
    static final String PAGE5000_PATH = "mserp_salesorderlinev2entities";
    static final String PAGE5000_PREFER = "odata.maxpagesize=5000";
    static final String FETCHXML_PATH = CUSTOMER_SET + "?fetchXml="
            + java.net.URLEncoder.encode(
                            "<fetch count='50'><entity name='mserp_custcustomerv3entity'><all-attributes/>"
                                    + "<filter><condition attribute='mserp_dataareaid' operator='eq' value='usmf'/>"
                                    + "</filter></entity></fetch>",
                            java.nio.charset.StandardCharsets.UTF_8)
                    .replace("+", "%20");
    static final String APPLY_PATH = "mserp_salesorderheaderv2entities?$apply="
            + java.net.URLEncoder.encode(
                            "filter(mserp_dataareaid eq 'usmf')/groupby((mserp_currencycode),aggregate($count as"
                                    + " orders,mserp_totalamount with sum as total))",
                            java.nio.charset.StandardCharsets.UTF_8)
                    .replace("+", "%20");
    static final String QUERYEXPRESSION_PATH = "RetrieveMultiple";
    static final String QUERYEXPRESSION_BODY = "{\"Query\":{\"EntityName\":\"mserp_custcustomerv3entity\","
            + "\"ColumnSet\":{\"AllColumns\":true},"
            + "\"Criteria\":{\"Conditions\":[{\"AttributeName\":\"mserp_dataareaid\",\"Operator\":\"Equal\",\"Values\":[\"usmf\"]}]},"
            + "\"PageInfo\":{\"Count\":50,\"PageNumber\":1}}}";

    boolean needsCustomerKeys() {
        return switch (this) {
            case RETRIEVE, MIXED, BATCHREAD -> true;
            case PAGE50,
                    PAGE50SORTED,
                    CREATE,
                    JOIN50,
                    FETCHXML,
                    APPLY,
                    PAGE5000,
                    QUERYEXPRESSION,
                    BATCHWRITE,
                    MIX -> false;
        };
    }

    String displayName() {
        return name().toLowerCase(Locale.ROOT);
    }
}
