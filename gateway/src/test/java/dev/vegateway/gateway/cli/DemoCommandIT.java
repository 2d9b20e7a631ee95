package dev.vegateway.gateway.cli;

import static java.nio.charset.StandardCharsets.UTF_8;
import static org.assertj.core.api.Assertions.assertThat;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.vegateway.gateway.demo.DemoData;
import dev.vegateway.gateway.demo.DemoIdentities;
import dev.vegateway.gateway.server.Gateway;
import java.io.ByteArrayOutputStream;
import java.io.File;
import java.io.PrintStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.concurrent.TimeUnit;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * {@code vegateway demo} end to end: the first start seeds the DEMO data set, prints one curl
 * command per identity, and every command does what its comment announces when run by bash and
 * curl; a second start over the same folder reuses the data.
 */
class DemoCommandIT {
    private static final ObjectMapper JSON = new ObjectMapper();
    private static final Pattern TOP = Pattern.compile("[?&]\\$top=(\\d+)");
    private static final Pattern PAGE_COUNT = Pattern.compile("\"Count\":(\\d+)");
    private static final Pattern ERROR_CODE = Pattern.compile("0x[0-9a-fA-F]{8}");

    @TempDir
    Path dataDir;

    /** One identity block of the output: the comment (without "# ") and its curl command. */
    record Block(String comment, String command) {}

    @Test
    void printedCommandsWorkAsAnnouncedAndASecondStartReusesTheData() throws Exception {
        assumeTrue(onPath("curl"), "curl is not on the PATH");
        assumeTrue(onPath("bash"), "bash is not on the PATH");

        String first;
        String salesOrders;
        ByteArrayOutputStream output = new ByteArrayOutputStream();
        try (PrintStream out = new PrintStream(output, true, UTF_8);
                Gateway gateway = DemoCommand.start(dataDir, 0, 0, out)) {
            first = output.toString(UTF_8);
            assertThat(gateway.port()).isPositive();
            assertThat(first)
                    .contains("Seeding the demo database in "
                            + dataDir.toAbsolutePath().normalize())
                    .contains("Seeded " + DemoData.Scale.DEMO.counts().total() + " rows.")
                    .contains("VE Gateway demo is running at https://127.0.0.1:" + gateway.port() + "/api/data/v9.2/");
            List<Block> blocks = blocks(first);
            assertThat(blocks)
                    .extracting(Block::comment)
                    .anySatisfy(comment -> assertThat(comment).startsWith("Alice"))
                    .anySatisfy(comment -> assertThat(comment).startsWith("Bob"))
                    .anySatisfy(comment -> assertThat(comment).startsWith("Carol"))
                    .anySatisfy(comment -> assertThat(comment).startsWith("Dave"))
                    .anySatisfy(comment -> assertThat(comment).startsWith("Sam"))
                    .anySatisfy(comment -> assertThat(comment).startsWith("Dora"))
                    .anySatisfy(comment -> assertThat(comment).startsWith("Adam"))
                    .anySatisfy(comment -> assertThat(comment).startsWith("Nora"))
                    .anySatisfy(comment -> assertThat(comment).startsWith("Paula"))
                    .anySatisfy(comment -> assertThat(comment).startsWith("Anonymous"))
                    .anySatisfy(comment -> assertThat(comment).startsWith("Mallory"))
                    .anySatisfy(comment -> assertThat(comment).contains("hides the vendors"))
                    .anySatisfy(comment -> assertThat(comment).contains("→ 304 Not Modified"))
                    .anySatisfy(comment -> assertThat(comment).contains("@vegateway.refresh"));
            int forbidden = 0;
            String count = null;
            for (Block block : blocks) {
                String body = runAndCheck(block);
                if (block.comment().contains("→ 403")) {
                    forbidden++;
                } else if (block.command().contains("/$count'")) {
                    count = body;
                }
            }
            assertThat(forbidden).as("blocks announcing 403").isGreaterThanOrEqualTo(5);
            assertThat(count)
                    .as("the $count command")
                    // a count stops at 5,000, as Dataverse's
                    .isEqualTo(Integer.toString(
                            Math.min(DemoData.Scale.DEMO.counts().salesOrders(), 5000)));
            salesOrders = count;
        }

        ByteArrayOutputStream secondOutput = new ByteArrayOutputStream();
        try (PrintStream out = new PrintStream(secondOutput, true, UTF_8);
                Gateway gateway = DemoCommand.start(dataDir, 0, 0, out)) {
            String second = secondOutput.toString(UTF_8);
            assertThat(second)
                    .doesNotContain("Seeding")
                    .doesNotContain("Seeded")
                    .contains("VE Gateway demo is running at https://127.0.0.1:" + gateway.port() + "/api/data/v9.2/");
            List<Block> blocks = blocks(second);
            assertThat(blocks).hasSameSizeAs(blocks(first));
            Block count = blocks.stream()
                    .filter(block -> block.command().contains("/$count'"))
                    .findFirst()
                    .orElseThrow();
            assertThat(runAndCheck(count)).as("the same data after a restart").isEqualTo(salesOrders);
        }
    }

    /** The identity blocks after "Try these": a comment line followed by exactly one curl line. */
    private static List<Block> blocks(String output) {
        int start = output.indexOf("Try these");
        assertThat(start).as("output:%n%s", output).isNotNegative();
        List<Block> blocks = new ArrayList<>();
        for (String paragraph : output.substring(start).split("\\R\\s*\\R")) {
            List<String> lines =
                    paragraph.lines().filter(line -> !line.isBlank()).toList();
            if (lines.isEmpty()
                    || lines.get(0).startsWith("Try these")
                    || lines.get(0).startsWith("# Mint more tokens")) {
                continue;
            }
            assertThat(lines).as("identity block%n%s", paragraph).hasSize(2);
            assertThat(lines.get(0)).startsWith("# ");
            assertThat(lines.stream().filter(line -> line.startsWith("curl")).count())
                    .as("curl lines in%n%s", paragraph)
                    .isEqualTo(1);
            assertThat(lines.get(1)).startsWith("curl ");
            blocks.add(new Block(lines.get(0).substring(2), lines.get(1)));
        }
        assertThat(blocks).hasSizeGreaterThanOrEqualTo(11);
        return blocks;
    }

    /** Runs the block's command with bash, checks the status its comment announces and the body's shape; returns the body. */
    private static String runAndCheck(Block block) throws Exception {
        Process process = new ProcessBuilder("bash", "-c", block.command() + " --max-time 60 -w '\\n%{http_code}'")
                .redirectErrorStream(false)
                .start();
        byte[] stdout = process.getInputStream().readAllBytes();
        String stderr = new String(process.getErrorStream().readAllBytes(), UTF_8);
        assertThat(process.waitFor(90, TimeUnit.SECONDS)).isTrue();
        assertThat(process.exitValue())
                .as("curl exit for '%s': %s", block.comment(), stderr)
                .isZero();
        String text = new String(stdout, UTF_8);
        int newline = text.lastIndexOf('\n');
        String body = text.substring(0, newline);
        int status = Integer.parseInt(text.substring(newline + 1).trim());
        String description = "'" + block.comment() + "' answered " + status + ": " + body;

        if (block.comment().contains("→ 403")) {
            assertThat(status).as(description).isEqualTo(403);
            JsonNode error = JSON.readTree(body).path("error");
            assertThat(error.path("code").asText()).as(description).matches("0x[0-9a-f]{8}");
            Matcher announced = ERROR_CODE.matcher(block.comment());
            if (announced.find()) {
                assertThat(error.path("code").asText()).as(description).isEqualToIgnoringCase(announced.group());
            }
            return body;
        }
        if (block.comment().contains("→ 404")) {
            assertThat(status).as(description).isEqualTo(404);
            Matcher announced = ERROR_CODE.matcher(block.comment());
            assertThat(announced.find()).as(description).isTrue();
            assertThat(JSON.readTree(body).path("error").path("code").asText())
                    .as(description)
                    .isEqualToIgnoringCase(announced.group());
            return body;
        }
        if (block.comment().contains("usmf's Net30")) { // one record by derived GUID or alternate key
            assertThat(status).as(description).isEqualTo(200);
            JsonNode record = JSON.readTree(body);
            assertThat(record.path("mserp_paymenttermid").asText())
                    .as(description)
                    .isEqualTo("Net30");
            assertThat(record.path("mserp_primaryfield").asText())
                    .as(description)
                    .isEqualTo("usmf|Net30");
            assertThat(record.path("mserp_paymenttermentityid").asText())
                    .as(description)
                    .isEqualTo(DemoCommand.paymentTermKey("usmf", "Net30").toString());
            return body;
        }
        if (block.comment().contains("→ 304")) { // $metadata with its current ETag
            assertThat(status).as(description).isEqualTo(304);
            assertThat(body).as(description).isEmpty();
            return body;
        }
        if (block.comment().contains("@vegateway.refresh")) { // the catalog set's refresh report
            assertThat(status).as(description).isEqualTo(200);
            JsonNode report = JSON.readTree(body).path("@vegateway.refresh");
            assertThat(report.path("table").asText()).as(description).isEqualTo("erp.vendor");
            assertThat(report.path("tableFound").asBoolean()).as(description).isTrue();
            assertThat(report.path("removedColumns").isArray()).as(description).isTrue();
            return body;
        }
        if (block.comment().contains("→ 204")) {
            assertThat(status).as(description).isEqualTo(204);
            assertThat(body).as(description).isEmpty();
            return body;
        }
        if (block.comment().contains("201 Created")) { // a SCIM create: a SCIM resource, no OData ETag
            assertThat(status).as(description).isEqualTo(201);
            assertThat(JSON.readTree(body).path("userName").asText())
                    .as(description)
                    .isNotEmpty();
            return body;
        }
        if (block.comment().contains("→ 201")) {
            assertThat(status).as(description).isEqualTo(201);
            assertThat(JSON.readTree(body).path("@odata.etag").asText())
                    .as(description)
                    .isEqualTo("W/\"1\"");
            return body;
        }
        assertThat(status).as(description).isEqualTo(200);
        if (block.command().contains("$batch'")) {
            assertThat(body)
                    .as(description)
                    .contains("--batchresponse_")
                    .contains("--changesetresponse_")
                    .contains("HTTP/1.1 200 OK")
                    .contains("\"mserp_onholdstatus\":2")
                    .contains("\"mserp_creditlimit\":2500")
                    .doesNotContain("HTTP/1.1 4")
                    .doesNotContain("HTTP/1.1 5");
            return body;
        }
        if (block.comment().contains("hides the credit limit")) {
            assertThat(JSON.readTree(body).has("mserp_creditlimit"))
                    .as(description)
                    .isTrue();
            assertThat(JSON.readTree(body).path("mserp_creditlimit").isNull())
                    .as(description)
                    .isTrue();
            return body;
        }
        if (block.comment().contains("lookuplogicalname")) {
            JsonNode order = JSON.readTree(body).path("value").path(0);
            assertThat(order.path("_mserp_customerid_value").asText())
                    .as(description)
                    .matches("[0-9a-f-]{36}");
            assertThat(order.path("_mserp_customerid_value@Microsoft.Dynamics.CRM.lookuplogicalname")
                            .asText())
                    .as(description)
                    .isEqualTo("mserp_custcustomerv3entity");
            assertThat(order.path("_mserp_customerid_value@Microsoft.Dynamics.CRM.associatednavigationproperty")
                            .asText())
                    .as(description)
                    .isEqualTo("mserp_Customer");
            return body;
        }
        if (block.comment().contains("service protection budget")) {
            assertThat(body)
                    .as(description)
                    .containsPattern("(?i)x-ms-ratelimit-burst-remaining-xrm-requests: \\d+")
                    .containsPattern("(?i)x-ms-ratelimit-time-remaining-xrm-requests: [0-9.]+");
            return body;
        }
        if (block.comment().contains("Server-Timing says which served it")) {
            assertThat(body)
                    .as(description)
                    .containsPattern("(?i)server-timing: .*db;dur=[0-9.]+;desc=\"primary\"")
                    .containsPattern("(?i)preference-applied: vegateway.consistency=strong");
            return body;
        }
        if (block.command().contains("vegateway_Explain(")) { // why Fiona cannot see credit limits
            JsonNode explanation = JSON.readTree(body);
            assertThat(explanation.path("UserName").asText()).as(description).isEqualTo("Fiona Fieldsec");
            assertThat(explanation.at("/Privileges/0/Allowed").asBoolean())
                    .as(description)
                    .isTrue();
            assertThat(explanation.at("/Field/Read").asBoolean(true))
                    .as(description)
                    .isFalse();
            return body;
        }
        if (block.comment().contains("WhoAmI")) {
            JsonNode whoAmI = JSON.readTree(body);
            assertThat(whoAmI.path("UserId").asText())
                    .as(description)
                    .isEqualTo(DemoIdentities.PAULA_PORTAL.id().toString());
            assertThat(whoAmI.path("BusinessUnitId").asText()).as(description).matches("[0-9a-f-]{36}");
            return body;
        }
        if (block.comment().contains("aggregate") || block.comment().contains("$apply")) {
            JsonNode rows = JSON.readTree(body).path("value");
            assertThat(rows.size()).as(description).isPositive();
            assertThat(rows.path(0).path("orders").asLong()).as(description).isPositive();
            return body;
        }
        if (block.comment().contains("FetchXML")) {
            JsonNode answer = JSON.readTree(body);
            assertThat(answer.path("value").size()).as(description).isPositive();
            assertThat(answer.path("value").path(0).size()).as(description).isPositive();
            assertThat(answer.has("@Microsoft.Dynamics.CRM.morerecords"))
                    .as(description)
                    .isTrue();
            return body;
        }
        if (block.comment().contains("returns a value")) {
            assertThat(JSON.readTree(body).path("value").isNumber())
                    .as(description)
                    .isTrue();
            return body;
        }
        if (block.command().contains("/$count'")) {
            assertThat(body.trim()).as(description).matches("\\d+");
            assertThat(Long.parseLong(body.trim())).as(description).isPositive();
            return body.trim();
        }
        if (block.command().contains("/scim/v2/")) { // a SCIM list: the user the demo provisioned
            assertThat(JSON.readTree(body).path("totalResults").asInt())
                    .as(description)
                    .isEqualTo(1);
            return body;
        }
        if (block.command().contains("Definitions(")) { // one metadata definition, in Dataverse's shape
            JsonNode definition = JSON.readTree(body);
            assertThat(definition.has("LogicalName") || definition.has("Name"))
                    .as(description)
                    .isTrue();
            if (block.command().contains("Accept-Language: de-DE")) {
                assertThat(definition
                                .at("/DisplayName/UserLocalizedLabel/Label")
                                .asText())
                        .as(description)
                        .isEqualTo("Debitoren V3");
            }
            return body;
        }
        if (block.command().contains("include-annotations") && block.command().contains("mserp_creditstatus")) {
            int labelled = 0;
            for (JsonNode row : JSON.readTree(body).path("value")) {
                if (row.path("mserp_creditstatus").isNull()) {
                    continue;
                }
                labelled++;
                assertThat(row.path("mserp_creditstatus@OData.Community.Display.V1.FormattedValue")
                                .asText())
                        .as(description)
                        .isIn(
                                block.command().contains("Accept-Language: de-DE")
                                                || block.comment().contains("German")
                                        ? List.of("Normal", "Warnung", "Gesperrt")
                                        : List.of("Normal", "Warning", "Blocked"));
            }
            assertThat(labelled).as(description).isPositive();
        }
        JsonNode value = JSON.readTree(body).path("value");
        assertThat(value.isArray()).as(description).isTrue();
        assertThat(value.size()).as(description).isPositive();
        Matcher top = TOP.matcher(block.command());
        if (top.find()) {
            assertThat(value.size()).as(description).isLessThanOrEqualTo(Integer.parseInt(top.group(1)));
        }
        Matcher pageCount = PAGE_COUNT.matcher(block.command());
        if (pageCount.find()) {
            assertThat(value.size()).as(description).isLessThanOrEqualTo(Integer.parseInt(pageCount.group(1)));
        }
        return body;
    }

    private static boolean onPath(String program) {
        String path = System.getenv("PATH");
        return path != null
                && Arrays.stream(path.split(File.pathSeparator))
                        .anyMatch(folder -> Files.isExecutable(Path.of(folder, program)));
    }
}
