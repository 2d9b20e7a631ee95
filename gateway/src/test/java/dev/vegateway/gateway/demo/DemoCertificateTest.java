package dev.vegateway.gateway.demo;

import static java.nio.charset.StandardCharsets.US_ASCII;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.io.InputStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.KeyStore;
import java.security.PrivateKey;
import java.security.cert.CertificateFactory;
import java.security.cert.X509Certificate;
import java.security.interfaces.RSAPublicKey;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class DemoCertificateTest {
    private static final String PASSWORD = "changeit-demo";

    @TempDir
    Path dataDir;

    @Test
    void createsASelfSignedLocalhostCertificate() throws Exception {
        DemoCertificate.ensure(dataDir, PASSWORD);

        KeyStore keyStore = KeyStore.getInstance("PKCS12");
        try (InputStream in = Files.newInputStream(dataDir.resolve("demo-tls.p12"))) {
            keyStore.load(in, PASSWORD.toCharArray());
        }
        assertThat(keyStore.isKeyEntry("vegateway")).isTrue();
        assertThat(keyStore.getKey("vegateway", PASSWORD.toCharArray())).isInstanceOf(PrivateKey.class);
        X509Certificate certificate = (X509Certificate) keyStore.getCertificate("vegateway");
        assertThat(certificate.getSubjectX500Principal().getName()).isEqualTo("CN=localhost");
        assertThat(certificate.getIssuerX500Principal()).isEqualTo(certificate.getSubjectX500Principal());
        certificate.verify(certificate.getPublicKey());
        assertThat(((RSAPublicKey) certificate.getPublicKey()).getModulus().bitLength())
                .isEqualTo(2048);
        Duration validity = Duration.between(
                certificate.getNotBefore().toInstant(),
                certificate.getNotAfter().toInstant());
        assertThat(validity.toDays()).isEqualTo(825);
        List<String> alternativeNames = new ArrayList<>();
        for (List<?> name : certificate.getSubjectAlternativeNames()) {
            alternativeNames.add(name.get(0) + ":" + name.get(1));
        }
        assertThat(alternativeNames).containsExactlyInAnyOrder("2:localhost", "7:127.0.0.1");
        assertThat(certificate.getExtendedKeyUsage()).contains("1.3.6.1.5.5.7.3.1");

        String pem = Files.readString(dataDir.resolve("demo-ca.pem"), US_ASCII);
        assertThat(pem).startsWith("-----BEGIN CERTIFICATE-----");
        try (InputStream in = Files.newInputStream(dataDir.resolve("demo-ca.pem"))) {
            assertThat(CertificateFactory.getInstance("X.509").generateCertificate(in))
                    .isEqualTo(certificate);
        }
        assertThat(dataDir.resolve("demo-tls.p12.tmp")).doesNotExist();
        assertThat(dataDir.resolve("demo-ca.pem.tmp")).doesNotExist();
    }

    @Test
    void keepsAnExistingKeystoreAndRestoresAMissingPem() throws Exception {
        DemoCertificate.ensure(dataDir, PASSWORD);
        byte[] keystore = Files.readAllBytes(dataDir.resolve("demo-tls.p12"));
        String pem = Files.readString(dataDir.resolve("demo-ca.pem"));

        DemoCertificate.ensure(dataDir, PASSWORD);
        assertThat(Files.readAllBytes(dataDir.resolve("demo-tls.p12"))).isEqualTo(keystore);

        Files.delete(dataDir.resolve("demo-ca.pem"));
        DemoCertificate.ensure(dataDir, PASSWORD);
        assertThat(Files.readAllBytes(dataDir.resolve("demo-tls.p12"))).isEqualTo(keystore);
        assertThat(Files.readString(dataDir.resolve("demo-ca.pem"))).isEqualTo(pem);
    }

    @Test
    void createsTheDataDirectory() {
        Path nested = dataDir.resolve("a").resolve("b");
        DemoCertificate.ensure(nested, PASSWORD);
        assertThat(nested.resolve("demo-tls.p12")).isRegularFile();
        assertThat(nested.resolve("demo-ca.pem")).isRegularFile();
    }

    @Test
    void reportsKeytoolFailuresWithItsOutput() throws Exception {
        DemoCertificate.ensure(dataDir, PASSWORD);
        Files.delete(dataDir.resolve("demo-ca.pem"));
        assertThatThrownBy(() -> DemoCertificate.ensure(dataDir, "wrong-password"))
                .isInstanceOf(IllegalStateException.class)
                .hasMessageContaining("keytool -exportcert failed")
                .hasMessageContaining("password");
    }

    @Test
    void rejectsAShortPassword() {
        assertThatThrownBy(() -> DemoCertificate.ensure(dataDir, "short"))
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessageContaining("at least 6 characters");
        assertThat(dataDir.resolve("demo-tls.p12")).doesNotExist();
    }
}
