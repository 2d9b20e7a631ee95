package dev.vegateway.config.yaml;

import static java.util.Objects.requireNonNull;

import java.io.IOException;
import java.io.Reader;
import java.io.StringReader;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import org.yaml.snakeyaml.LoaderOptions;
import org.yaml.snakeyaml.Yaml;
import org.yaml.snakeyaml.error.MarkedYAMLException;
import org.yaml.snakeyaml.error.YAMLException;
import org.yaml.snakeyaml.nodes.MappingNode;
import org.yaml.snakeyaml.nodes.Node;
import org.yaml.snakeyaml.nodes.NodeTuple;
import org.yaml.snakeyaml.nodes.ScalarNode;
import org.yaml.snakeyaml.nodes.SequenceNode;

/**
 * An immutable YAML tree that remembers where every value came from (file and line) and its
 * path from the root ({@code entities[2].fields[0].type}), so that every problem can be
 * reported precisely. Missing keys give a "missing" node rather than null.
 */
public final class YamlNode {
    public enum Kind {
        MAPPING,
        SEQUENCE,
        SCALAR,
        NULL,
        MISSING
    }

    private final String source;
    private final int line;
    private final String path;
    private final Kind kind;
    private final String scalar;
    private final Map<String, YamlNode> mapping;
    private final List<YamlNode> sequence;

    private YamlNode(
            String source,
            int line,
            String path,
            Kind kind,
            String scalar,
            Map<String, YamlNode> mapping,
            List<YamlNode> sequence) {
        this.source = requireNonNull(source, "source is null");
        this.line = line;
        this.path = requireNonNull(path, "path is null");
        this.kind = requireNonNull(kind, "kind is null");
        this.scalar = scalar;
        this.mapping = mapping;
        this.sequence = sequence;
    }

    /** Parses a file; a syntax error becomes a {@link ProblemsException} with its line. */
    public static YamlNode parse(Path file) {
        String text;
        try {
            text = Files.readString(file, StandardCharsets.UTF_8);
        } catch (IOException e) {
            throw new ProblemsException(
                    List.of(new Problem(file.toString(), 0, "", "cannot read file: " + e.getMessage())));
        }
        return parse(file.toString(), text);
    }

    /** Parses text; {@code source} names it in problems (a file path, or "env" etc.). */
    public static YamlNode parse(String source, String text) {
        LoaderOptions options = new LoaderOptions();
        options.setAllowDuplicateKeys(false);
        options.setMaxAliasesForCollections(20);
        Node root;
        try (Reader reader = new StringReader(text)) {
            root = new Yaml(options).compose(reader);
        } catch (MarkedYAMLException e) {
            int line = e.getProblemMark() == null ? 0 : e.getProblemMark().getLine() + 1;
            throw new ProblemsException(List.of(new Problem(source, line, "", "invalid YAML: " + e.getProblem())));
        } catch (YAMLException | IOException e) {
            throw new ProblemsException(List.of(new Problem(source, 0, "", "invalid YAML: " + e.getMessage())));
        }
        if (root == null) {
            return new YamlNode(source, 1, "", Kind.MAPPING, null, Map.of(), null);
        }
        return convert(source, "", root);
    }

    private static YamlNode convert(String source, String path, Node node) {
        int line = node.getStartMark() == null ? 0 : node.getStartMark().getLine() + 1;
        if (node instanceof MappingNode mappingNode) {
            Map<String, YamlNode> children = new LinkedHashMap<>();
            for (NodeTuple tuple : mappingNode.getValue()) {
                String key = tuple.getKeyNode() instanceof ScalarNode keyNode
                        ? keyNode.getValue()
                        : String.valueOf(tuple.getKeyNode());
                children.put(key, convert(source, path.isEmpty() ? key : path + "." + key, tuple.getValueNode()));
            }
            return new YamlNode(
                    source, line, path, Kind.MAPPING, null, Map.copyOf(children).isEmpty() ? Map.of() : children, null);
        }
        if (node instanceof SequenceNode sequenceNode) {
            List<YamlNode> children = new ArrayList<>();
            int index = 0;
            for (Node child : sequenceNode.getValue()) {
                children.add(convert(source, path + "[" + index++ + "]", child));
            }
            return new YamlNode(source, line, path, Kind.SEQUENCE, null, null, List.copyOf(children));
        }
        ScalarNode scalarNode = (ScalarNode) node;
        boolean isNull = scalarNode.getTag().getValue().endsWith(":null");
        return new YamlNode(
                source,
                line,
                path,
                isNull ? Kind.NULL : Kind.SCALAR,
                isNull ? null : scalarNode.getValue(),
                null,
                null);
    }

    /** A scalar node that did not come from a file (an environment override, say). */
    public static YamlNode scalar(String source, String path, String value) {
        return new YamlNode(source, 0, path, Kind.SCALAR, requireNonNull(value, "value is null"), null, null);
    }

    /** A sequence of scalars that did not come from a file (a comma-separated environment override, say). */
    public static YamlNode sequence(String source, String path, List<String> values) {
        List<YamlNode> children = new ArrayList<>();
        int index = 0;
        for (String value : values) {
            children.add(scalar(source, path + "[" + index++ + "]", value));
        }
        return new YamlNode(source, 0, path, Kind.SEQUENCE, null, null, List.copyOf(children));
    }

    public String source() {
        return source;
    }

    public int line() {
        return line;
    }

    public String path() {
        return path;
    }

    public Kind kind() {
        return kind;
    }

    public boolean isMissing() {
        return kind == Kind.MISSING;
    }

    /** Missing or explicit null. */
    public boolean isAbsent() {
        return kind == Kind.MISSING || kind == Kind.NULL;
    }

    public boolean isMapping() {
        return kind == Kind.MAPPING;
    }

    public boolean isSequence() {
        return kind == Kind.SEQUENCE;
    }

    public boolean isScalar() {
        return kind == Kind.SCALAR;
    }

    /** The child under {@code key}; a MISSING node (at this node's line) when absent or when this is not a mapping. */
    public YamlNode get(String key) {
        String childPath = path.isEmpty() ? key : path + "." + key;
        if (kind == Kind.MAPPING) {
            YamlNode child = mapping.get(key);
            if (child != null) {
                return child;
            }
        }
        return new YamlNode(source, line, childPath, Kind.MISSING, null, null, null);
    }

    /** Keys of a mapping in file order; empty for other kinds. */
    public Set<String> keys() {
        return kind == Kind.MAPPING ? mapping.keySet() : Set.of();
    }

    /** Elements of a sequence; empty for other kinds. */
    public List<YamlNode> elements() {
        return kind == Kind.SEQUENCE ? sequence : List.of();
    }

    /** The scalar text, if this is a scalar. */
    public Optional<String> text() {
        return kind == Kind.SCALAR ? Optional.of(scalar) : Optional.empty();
    }

    /** A copy of this mapping with {@code key} replaced by {@code value} (used for overrides). */
    public YamlNode with(String key, YamlNode value) {
        Map<String, YamlNode> children = new LinkedHashMap<>(kind == Kind.MAPPING ? mapping : Map.of());
        children.put(key, value);
        return new YamlNode(source, line, path, Kind.MAPPING, null, children, null);
    }

    @Override
    public String toString() {
        return source + ":" + line + " " + path + " (" + kind + ")";
    }
}
