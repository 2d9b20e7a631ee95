package dev.vegateway.bench;

import static java.util.Objects.requireNonNull;

import java.net.InetAddress;
import java.net.URI;
import java.net.URISyntaxException;
import java.net.UnknownHostException;
import java.util.Locale;

/**
 * The service root under load: any {@code https://} URL (a user's own deployment), or
 * {@code http://} on a loopback address only, so that tokens and client secrets never travel in
 * clear text over a network. {@link #loopback()} tells the built-in demo's targets apart; it is
 * decided from the URL alone, without a DNS lookup.
 */
record Target(URI serviceRoot) {

    Target {
        requireNonNull(serviceRoot, "serviceRoot is null");
    }

    boolean secure() {
        return serviceRoot.getScheme().equals("https");
    }

    /** True when the host is {@code localhost}, an address in 127.0.0.0/8 or {@code ::1}. */
    boolean loopback() {
        return isLoopback(serviceRoot.getHost());
    }

    /** {@code relative} resolved against the service root (which always ends with a slash). */
    URI resolve(String relative) {
        return serviceRoot.resolve(relative);
    }

    static Target parse(String url) {
        return parse(url, "--url");
    }

    /** Parses {@code url}, the value of {@code option}, whose name the errors carry. */
    static Target parse(String url, String option) {
        URI uri = endpoint(url, option);
        if (uri.getRawQuery() != null) {
            throw new IllegalArgumentException(
                    option + " '" + url + "' must be the service root, without query or fragment");
        }
        String path = uri.getRawPath() == null || uri.getRawPath().isEmpty() ? "/" : uri.getRawPath();
        if (!path.endsWith("/")) {
            path = path + "/";
        }
        return new Target(URI.create(uri.getScheme().toLowerCase(Locale.ROOT) + "://" + uri.getRawAuthority() + path));
    }

    /**
     * A URL that is no service root, such as a token endpoint: https, or http on a loopback address
     * only, without user information; its path and query are kept as they are.
     */
    static URI endpoint(String url, String option) {
        requireNonNull(url, "url is null");
        URI uri;
        try {
            uri = new URI(url.strip());
        } catch (URISyntaxException e) {
            throw new IllegalArgumentException(option + " '" + url + "' is not a URL: " + e.getMessage(), e);
        }
        String scheme = uri.getScheme() == null ? "" : uri.getScheme().toLowerCase(Locale.ROOT);
        if (!scheme.equals("https") && !scheme.equals("http")) {
            throw new IllegalArgumentException(option + " '" + url + "' must be an https:// (or http://) URL");
        }
        if (uri.getHost() == null) {
            throw new IllegalArgumentException(option + " '" + url + "' has no valid host name or address");
        }
        if (scheme.equals("http") && !isLoopback(uri.getHost())) {
            throw new IllegalArgumentException(option + " '" + url + "' is plain http to " + uri.getHost()
                    + ", which is not a loopback address: use https (tokens must not cross a network in clear text)");
        }
        if (uri.getRawUserInfo() != null || uri.getRawFragment() != null) {
            throw new IllegalArgumentException(
                    option + " '" + url + "' must not carry a user name, password or fragment");
        }
        return uri;
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
