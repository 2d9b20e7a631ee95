package dev.vegateway.bench;

import static java.util.Objects.requireNonNull;

import java.nio.file.Files;
import java.nio.file.Path;
import java.security.GeneralSecurityException;
import java.security.KeyStore;
import java.security.cert.CertificateException;
import java.security.cert.X509Certificate;
import java.util.Optional;
import javax.net.ssl.SSLContext;
import javax.net.ssl.TrustManager;
import javax.net.ssl.TrustManagerFactory;
import javax.net.ssl.X509TrustManager;

/**
 * Which certificates an https target is trusted by: the PEM file given ({@code --ca}), else the
 * built-in demo's own {@code demo-ca.pem} for a loopback target when the demo's data folder is
 * in the working directory, else the system trust store (the JDK's {@code cacerts}, as a browser
 * would). Hostname verification stays on in every case.
 */
record Trust(String description, Optional<SSLContext> sslContext) {
    /** The demo's certificate, as {@code ./vegateway demo} writes it. */
    static final Path DEMO_CERTIFICATE = Path.of(".vegateway-demo", "demo-ca.pem");

    Trust {
        requireNonNull(description, "description is null");
        requireNonNull(sslContext, "sslContext is null");
    }

    /**
     * The trust for {@code target}: {@code caFile} (named {@code caOption} in errors) if given; the
     * demo's certificate ({@code demoCertificate}, if it exists) for a loopback https target; else the
     * system trust store. Plain http takes none, and refuses a {@code caFile}.
     */
    static Trust of(Target target, Optional<Path> caFile, String caOption, String urlOption, Path demoCertificate) {
        requireNonNull(caFile, "caFile is null");
        if (!target.secure()) {
            if (caFile.isPresent()) {
                throw new IllegalArgumentException(caOption + " was given but " + urlOption + " is plain http");
            }
            return new Trust("plain http", Optional.empty());
        }
        if (caFile.isPresent()) {
            return new Trust("trusting only " + caFile.get(), Optional.of(TrustedCertificate.sslContext(caFile.get())));
        }
        if (target.loopback() && Files.isRegularFile(demoCertificate)) {
            return new Trust(
                    "trusting the demo's " + demoCertificate,
                    Optional.of(TrustedCertificate.sslContext(demoCertificate)));
        }
        return new Trust("trusting the system trust store", Optional.empty());
    }

    /**
     * For a token endpoint, often on another host than the target: the system trust store and,
     * when given, the certificates of {@code caFile} too.
     */
    static SSLContext systemAnd(Optional<Path> caFile) {
        requireNonNull(caFile, "caFile is null");
        try {
            X509TrustManager system = x509(null);
            if (caFile.isEmpty()) {
                SSLContext context = SSLContext.getInstance("TLS");
                context.init(null, new TrustManager[] {system}, null);
                return context;
            }
            X509TrustManager given = x509(TrustedCertificate.trustStore(caFile.get()));
            SSLContext context = SSLContext.getInstance("TLS");
            context.init(null, new TrustManager[] {new Either(given, system)}, null);
            return context;
        } catch (GeneralSecurityException e) {
            throw new IllegalStateException("cannot set up TLS: " + e.getMessage(), e);
        }
    }

    private static X509TrustManager x509(KeyStore store) throws GeneralSecurityException {
        TrustManagerFactory factory = TrustManagerFactory.getInstance(TrustManagerFactory.getDefaultAlgorithm());
        factory.init(store);
        for (TrustManager manager : factory.getTrustManagers()) {
            if (manager instanceof X509TrustManager x509) {
                return x509;
            }
        }
        throw new GeneralSecurityException("no X.509 trust manager");
    }

    /** Trusts a server chain that either manager trusts. */
    private record Either(X509TrustManager first, X509TrustManager second) implements X509TrustManager {
        @Override
        public void checkClientTrusted(X509Certificate[] chain, String authType) throws CertificateException {
            throw new CertificateException("client certificates are not checked here");
        }

        @Override
        public void checkServerTrusted(X509Certificate[] chain, String authType) throws CertificateException {
            try {
                first.checkServerTrusted(chain, authType);
            } catch (CertificateException e) {
                second.checkServerTrusted(chain, authType);
            }
        }

        @Override
        public X509Certificate[] getAcceptedIssuers() {
            X509Certificate[] a = first.getAcceptedIssuers();
            X509Certificate[] b = second.getAcceptedIssuers();
            X509Certificate[] all = java.util.Arrays.copyOf(a, a.length + b.length);
            System.arraycopy(b, 0, all, a.length, b.length);
            return all;
        }
    }
}
