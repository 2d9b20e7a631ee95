package dev.vegateway.gateway.demo;

import static java.nio.charset.StandardCharsets.UTF_8;
import static java.util.Objects.requireNonNull;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;

/**
 * The demo TLS certificate: a self-signed RSA 2048 certificate for {@code CN=localhost} with
 * subject alternative names {@code dns:localhost, ip:127.0.0.1}, valid 825 days, made by the
 * JDK's own {@code keytool}. The keystore {@value #KEYSTORE_FILE} (PKCS12, alias
 * {@value #ALIAS}) serves TLS; {@value #CERTIFICATE_FILE} holds the certificate as PEM so that
 * {@code curl --cacert demo-ca.pem https://127.0.0.1:8443/…} verifies it.
 */
public final class DemoCertificate {
    public static final String KEYSTORE_FILE = "demo-tls.p12";
    public static final String CERTIFICATE_FILE = "demo-ca.pem";
    public static final String ALIAS = "vegateway";

    private static final String PASSWORD_VARIABLE = "VEGATEWAY_DEMO_KEYSTORE_PASSWORD";
    private static final long KEYTOOL_TIMEOUT_SECONDS = 120;

    private DemoCertificate() {}

    /**
     * Creates {@code dataDir/demo-tls.p12} and {@code dataDir/demo-ca.pem} unless the keystore
     * exists; re-exports the PEM if only it is missing. The password protects keystore and key
     * and is handed to keytool through its environment, never its command line.
     *
     * @throws IllegalArgumentException if the password is shorter than 6 characters (PKCS12 needs 6)
     * @throws IllegalStateException if keytool fails; the message includes its output
     */
    public static void ensure(Path dataDir, String password) {
        requireNonNull(dataDir, "dataDir is null");
        requireNonNull(password, "password is null");
        if (password.length() < 6) {
            throw new IllegalArgumentException("The demo keystore password must have at least 6 characters");
        }
        Path keystore = dataDir.resolve(KEYSTORE_FILE);
        Path certificate = dataDir.resolve(CERTIFICATE_FILE);
        try {
            if (Files.exists(keystore)) {
                if (!Files.exists(certificate)) {
                    exportCertificate(keystore, certificate, password);
                }
                return;
            }
            Files.createDirectories(dataDir);
            // Build under temporary names; the keystore appears last, so its presence means "done".
            Path keystoreInProgress = dataDir.resolve(KEYSTORE_FILE + ".tmp");
            Path certificateInProgress = dataDir.resolve(CERTIFICATE_FILE + ".tmp");
            Files.deleteIfExists(keystoreInProgress);
            Files.deleteIfExists(certificateInProgress);
            try {
                keytool(
                        password,
                        "-genkeypair",
                        "-alias",
                        ALIAS,
                        "-keyalg",
                        "RSA",
                        "-keysize",
                        "2048",
                        "-sigalg",
                        "SHA256withRSA",
                        "-validity",
                        "825",
                        "-dname",
                        "CN=localhost",
                        "-ext",
                        "SAN=dns:localhost,ip:127.0.0.1",
                        "-ext",
                        "KU=digitalSignature,keyEncipherment",
                        "-ext",
                        "EKU=serverAuth",
                        "-storetype",
                        "PKCS12",
                        "-keystore",
                        keystoreInProgress.toString(),
                        "-storepass:env",
                        PASSWORD_VARIABLE,
                        "-keypass:env",
                        PASSWORD_VARIABLE);
                exportCertificate(keystoreInProgress, certificateInProgress, password);
                Files.move(certificateInProgress, certificate, StandardCopyOption.REPLACE_EXISTING);
                Files.move(keystoreInProgress, keystore);
            } finally {
                Files.deleteIfExists(keystoreInProgress);
                Files.deleteIfExists(certificateInProgress);
            }
        } catch (IOException e) {
            throw new UncheckedIOException("Could not create the demo TLS certificate in " + dataDir, e);
        }
    }

    private static void exportCertificate(Path keystore, Path certificate, String password) throws IOException {
        keytool(
                password,
                "-exportcert",
                "-rfc",
                "-alias",
                ALIAS,
                "-storetype",
                "PKCS12",
                "-keystore",
                keystore.toString(),
                "-storepass:env",
                PASSWORD_VARIABLE,
                "-file",
                certificate.toString());
    }

    private static void keytool(String password, String... arguments) throws IOException {
        Path executable = Path.of(System.getProperty("java.home"), "bin", "keytool");
        List<String> command = new ArrayList<>();
        command.add(executable.toString());
        command.add("-noprompt");
        command.addAll(List.of(arguments));
        Path log = Files.createTempFile("vegateway-keytool", ".log");
        try {
            ProcessBuilder builder =
                    new ProcessBuilder(command).redirectErrorStream(true).redirectOutput(log.toFile());
            builder.environment().put(PASSWORD_VARIABLE, password);
            Process process = builder.start();
            process.getOutputStream().close();
            boolean finished;
            try {
                finished = process.waitFor(KEYTOOL_TIMEOUT_SECONDS, TimeUnit.SECONDS);
            } catch (InterruptedException e) {
                process.destroyForcibly();
                Thread.currentThread().interrupt();
                throw new IllegalStateException("Interrupted while waiting for keytool " + arguments[0], e);
            }
            String output = Files.readString(log, UTF_8).strip();
            if (!finished) {
                process.destroyForcibly();
                throw new IllegalStateException("keytool " + arguments[0] + " did not finish within "
                        + KEYTOOL_TIMEOUT_SECONDS + " s" + (output.isEmpty() ? "" : ": " + output));
            }
            if (process.exitValue() != 0) {
                throw new IllegalStateException("keytool " + arguments[0] + " failed with exit code "
                        + process.exitValue() + (output.isEmpty() ? "" : ": " + output));
            }
        } finally {
            Files.deleteIfExists(log);
        }
    }
}
