package dev.vegateway.config.yaml;

import java.util.ArrayList;
import java.util.List;

/** Collects problems so that validation reports all of them at once. */
public final class Problems {
    private final List<Problem> problems = new ArrayList<>();

    public void add(YamlNode node, String message) {
        problems.add(new Problem(node.source(), node.line(), node.path(), message));
    }

    public void add(Problem problem) {
        problems.add(problem);
    }

    public void addAll(List<Problem> more) {
        problems.addAll(more);
    }

    public boolean isEmpty() {
        return problems.isEmpty();
    }

    public List<Problem> list() {
        return List.copyOf(problems);
    }

    public void throwIfAny() {
        if (!problems.isEmpty()) {
            throw new ProblemsException(problems);
        }
    }
}
