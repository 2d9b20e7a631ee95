package dev.vegateway.bench;

import static java.util.Objects.requireNonNull;

import java.net.InetAddress;
import java.net.URI;
import java.net.URISyntaxException;
import java.net.UnknownHostException;
import java.util.Locale;

/**
 * The service root under load. Only loopback targets are accepted ({@code 127.0.0.0/8},
 * {@code ::1}, {@code localhost}) so that the tool cannot be pointed at someone else's server;
 * host names other than {@code localhost} are refused without a DNS lookup.
 */
record LoopbackTarget(URI serviceRoot) {

    LoopbackTarget {
        requireNonNull(serviceRoot, "serviceRoot is null");
    }

    boolean secure() {
        return serviceRoot.getScheme().equals("https");
    }

    /** {@code relative} resolved against the service root (which always ends with a slash). */
    URI resolve(String relative) {
        return serviceRoot.resolve(relative);
    }

    static LoopbackTarget parse(String url) {
        requireNonNull(url, "url is null");
        URI uri;
        try {
            uri = new URI(url.strip());
        } catch (URISyntaxException e) {
            throw new IllegalArgumentException("--url '" + url + "' is not a URL: " + e.getMessage(), e);
        }
        String scheme = uri.getScheme() == null ? "" : uri.getScheme().toLowerCase(Locale.ROOT);
        if (!scheme.equals("https") && !scheme.equals("http")) {
            throw new IllegalArgumentException("--url '" + url + "' must be an https:// (or http://) URL");
        }
        if (uri.getHost() == null) {
            throw new IllegalArgumentException("--url '" + url + "' has no valid host name or address");
        }
        if (!isLoopback(uri.getHost())) {
            throw new IllegalArgumentException(
                    "--url '" + url + "' is not a loopback target: vegateway-bench only loads "
                            + "127.0.0.0/8, ::1 or localhost, never a shared or remote server");
        }
        if (uri.getRawQuery() != null || uri.getRawFragment() != null) {
            throw new IllegalArgumentException(
                    "--url '" + url + "' must be the service root, without query or fragment");
        }
        String path = uri.getRawPath() == null || uri.getRawPath().isEmpty() ? "/" : uri.getRawPath();
        if (!path.endsWith("/")) {
            path = path + "/";
        }
        return new LoopbackTarget(URI.create(scheme + "://" + uri.getRawAuthority() + path));
    }

    /** True for {@code localhost}, an IPv4 literal in 127.0.0.0/8 or the IPv6 literal {@code ::1}. */
    static boolean isLoopback(String host) {
        String name = host.toLowerCase(Locale.ROOT);
        if (name.endsWith(".")) {
            name = name.substring(0, name.length() - 1);
        }
        if (name.equals("localhost")) {
            return true;
        }
        if (name.startsWith("[") && name.endsWith("]")) {
            return isIpv6Loopback(name.substring(1, name.length() - 1));
        }
        if (name.contains(":")) {
            return isIpv6Loopback(name);
        }
        return isIpv4Loopback(name);
    }

    private static boolean isIpv4Loopback(String name) {
        String[] octets = name.split("\\.", -1);
        if (octets.length != 4) {
            return false;
        }
        for (String octet : octets) {
            if (octet.isEmpty()
                    || octet.length() > 3
                    || !octet.chars().allMatch(Character::isDigit)
                    || Integer.parseInt(octet) > 255) {
                return false;
            }
        }
        return Integer.parseInt(octets[0]) == 127;
    }

    private static boolean isIpv6Loopback(String literal) {
        if (literal.isEmpty() || !literal.chars().allMatch(c -> Character.digit(c, 16) >= 0 || c == ':' || c == '.')) {
            return false;
        }
        try {
            // A literal address (only hex digits, colons and dots) is parsed, never looked up.
            return InetAddress.getByName(literal).isLoopbackAddress();
        } catch (UnknownHostException e) {
            return false;
        }
    }
}
