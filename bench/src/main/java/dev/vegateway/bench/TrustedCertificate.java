package dev.vegateway.bench;

import java.io.IOException;
import java.io.InputStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.GeneralSecurityException;
import java.security.KeyStore;
import java.security.cert.Certificate;
import java.security.cert.CertificateFactory;
import java.util.Collection;
import javax.net.ssl.SSLContext;
import javax.net.ssl.TrustManagerFactory;

/** An {@link SSLContext} that trusts exactly the certificates of one PEM file (the demo's {@code demo-ca.pem}). */
final class TrustedCertificate {
    private TrustedCertificate() {}

    static SSLContext sslContext(Path pemFile) {
        try {
            TrustManagerFactory trustManagers =
                    TrustManagerFactory.getInstance(TrustManagerFactory.getDefaultAlgorithm());
            trustManagers.init(trustStore(pemFile));
            SSLContext context = SSLContext.getInstance("TLS");
            context.init(null, trustManagers.getTrustManagers(), null);
            return context;
        } catch (GeneralSecurityException e) {
            throw new IllegalArgumentException("cannot trust " + pemFile + ": " + e.getMessage(), e);
        }
    }

    /** A key store holding the certificates of {@code pemFile}. */
    static KeyStore trustStore(Path pemFile) {
        try (InputStream in = Files.newInputStream(pemFile)) {
            Collection<? extends Certificate> certificates =
                    CertificateFactory.getInstance("X.509").generateCertificates(in);
            if (certificates.isEmpty()) {
                throw new IllegalArgumentException("--ca " + pemFile + " holds no certificate");
            }
            KeyStore trustStore = KeyStore.getInstance(KeyStore.getDefaultType());
            trustStore.load(null, null);
            int index = 0;
            for (Certificate certificate : certificates) {
                trustStore.setCertificateEntry("trusted-" + index++, certificate);
            }
            return trustStore;
        } catch (IOException e) {
            throw new IllegalArgumentException("cannot read --ca " + pemFile + ": " + e.getMessage(), e);
        } catch (GeneralSecurityException e) {
            throw new IllegalArgumentException("--ca " + pemFile + " is not a PEM certificate: " + e.getMessage(), e);
        }
    }
}
